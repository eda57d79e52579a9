/**
 * Turning a picture into what the model sees: a centred square crop, resized to the model's input, then (for
 * one-channel models trained on light strokes on black, like the digits) grey, inverted when the picture is
 * dark-on-light, and stretched to the full range. Pure functions over RGBA pixels; the browser part that
 * decodes files lives in components/read-image-file.ts.
 */
import type { InputSpec } from "@/lib/models/manifest";

/** The largest centred square of a w x h picture. */
export function centerSquare(w: number, h: number): { sx: number; sy: number; size: number } {
  const size = Math.min(w, h);
  return { sx: Math.floor((w - size) / 2), sy: Math.floor((h - size) / 2), size };
}

export interface ModelPixels {
  /** 8-bit pixels, channels-last, exactly what the model input is made from (for the preview). */
  pixels: Uint8Array;
  /** Whether grey pixels were inverted because the picture was dark-on-light. */
  inverted: boolean;
}

/** Mean grey level of the outermost ring of pixels: the background of a centred drawing or photo. */
function borderMean(grey: Uint8Array, w: number, h: number): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (y === 0 || x === 0 || y === h - 1 || x === w - 1) {
        sum += grey[y * w + x];
        n++;
      }
    }
  }
  return n ? sum / n : 0;
}

/** RGBA pixels already resized to the model's input size -> the model's channels. */
export function rgbaToModelPixels(rgba: ArrayLike<number>, spec: InputSpec): ModelPixels {
  const n = spec.width * spec.height;
  if (rgba.length !== n * 4) throw new Error(`expected ${n * 4} RGBA values, got ${rgba.length}`);
  if (spec.channels === 3) {
    const pixels = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) pixels[3 * i + k] = rgba[4 * i + k];
    return { pixels, inverted: false };
  }
  const grey = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    // Transparent pixels count as the background (black), as in a drawing on a clear canvas.
    const a = rgba[4 * i + 3] / 255;
    grey[i] = Math.round(a * (0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]));
  }
  const inverted = borderMean(grey, spec.width, spec.height) > 127;
  if (inverted) for (let i = 0; i < n; i++) grey[i] = 255 - grey[i];
  let lo = 255;
  let hi = 0;
  for (const v of grey) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi - lo >= 16) for (let i = 0; i < n; i++) grey[i] = Math.round(((grey[i] - lo) / (hi - lo)) * 255);
  return { pixels: grey, inverted };
}

/**
 * Where to draw a stroke drawing's bounding box into the model's square input: scaled to fit `fill` of the
 * side and centred, as MNIST digits are (20 of 28 pixels).
 */
export function fitBox(box: { x: number; y: number; w: number; h: number }, side: number, fill = 20 / 28): { dx: number; dy: number; dw: number; dh: number } {
  const scale = (side * fill) / Math.max(box.w, box.h, 1);
  const dw = box.w * scale;
  const dh = box.h * scale;
  return { dx: (side - dw) / 2, dy: (side - dh) / 2, dw, dh };
}

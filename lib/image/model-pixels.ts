/**
 * RGB at the model's input size -> the model's channels: RGB as it is for colour models; for one-channel models
 * trained on light strokes on black (the digits), grey (luma weights), inverted when the picture is dark on light,
 * and stretched to the full range.
 */

/** Below this spread of values (of 255) an input is blank: one shade, nothing for a model to see. */
export const MIN_CONTRAST = 16;

export interface ModelPixels {
  /** 8-bit pixels, channels-last: exactly what the model input is made from (and what the page previews). */
  pixels: Uint8Array;
  /** Grey pixels were inverted because the picture was dark on light. */
  inverted: boolean;
  /** All (nearly) one value: whatever the model answers means nothing. */
  blank: boolean;
}

/** Mean of the outermost ring of pixels: the background of a centred drawing or photo. */
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

export function luma(r: number, g: number, b: number): number {
  return Math.round(0.299 * r + 0.587 * g + 0.114 * b);
}

/** The largest spread (max - min) of any one channel. */
function spread(pixels: Uint8Array, channels: number): number {
  let most = 0;
  for (let k = 0; k < channels; k++) {
    let lo = 255;
    let hi = 0;
    for (let i = k; i < pixels.length; i += channels) {
      if (pixels[i] < lo) lo = pixels[i];
      if (pixels[i] > hi) hi = pixels[i];
    }
    most = Math.max(most, hi - lo);
  }
  return most;
}

/** `rgb`: width * height * 3 bytes at the model's input size. */
export function toModelChannels(rgb: Uint8Array, width: number, height: number, channels: 1 | 3): ModelPixels {
  const n = width * height;
  if (rgb.length !== n * 3) throw new RangeError(`expected ${n * 3} RGB values, got ${rgb.length}`);
  if (channels === 3) return { pixels: rgb, inverted: false, blank: spread(rgb, 3) < MIN_CONTRAST };
  const grey = new Uint8Array(n);
  for (let i = 0; i < n; i++) grey[i] = luma(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]);
  const inverted = borderMean(grey, width, height) > 127;
  if (inverted) for (let i = 0; i < n; i++) grey[i] = 255 - grey[i];
  let lo = 255;
  let hi = 0;
  for (const v of grey) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const blank = hi - lo < MIN_CONTRAST;
  if (!blank) for (let i = 0; i < n; i++) grey[i] = Math.round(((grey[i] - lo) / (hi - lo)) * 255);
  return { pixels: grey, inverted, blank };
}

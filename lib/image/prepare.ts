/**
 * Everything after decoding, the same in the page and in Node: transparency onto a background, the region the
 * model sees (crop, fit or stretch), one area-averaging resize to the model's input, the model's channels.
 */
import { toModelChannels, type ModelPixels } from "./model-pixels";
import { resampleArea, type Rect } from "./resample";
import { compositeInPlace, contrastingBackground, isOpaque, type Background, type RgbaImage } from "./rgba";

/** The model's input: its size and channel count (a manifest's InputSpec fits). */
export interface ModelSize {
  width: number;
  height: number;
  channels: 1 | 3;
}

/**
 * "crop": the largest centred region of the model's shape (a centre square for square models);
 * "fit": the whole picture, letterboxed (bands of the background); "stretch": the whole picture squeezed to the
 * model's shape (how the detector's gallery photos were evaluated).
 */
export type Framing = "crop" | "fit" | "stretch";
export const FRAMINGS: readonly Framing[] = ["crop", "fit", "stretch"];

export interface Prepared extends ModelPixels {
  /** The part of the picture the model sees, in its pixels (past the edges where letterboxed). */
  region: Rect;
  /** The background transparent pixels were put on; null when the picture was opaque. */
  background: Background | null;
}

export function framingRect(width: number, height: number, framing: Framing, out: { width: number; height: number }): Rect {
  if (framing === "stretch") return { x: 0, y: 0, w: width, h: height };
  const aspect = out.width / out.height;
  const w = framing === "crop" ? Math.min(width, height * aspect) : Math.max(width, height * aspect);
  const h = w / aspect;
  return { x: Math.floor((width - w) / 2), y: Math.floor((height - h) / 2), w, h };
}

/** Mean colour of the outermost ring of pixels: what letterbox bands continue for one-channel models. */
function edgeColour(img: RgbaImage): [number, number, number] {
  const sum = [0, 0, 0];
  let n = 0;
  const add = (x: number, y: number) => {
    const p = 4 * (y * img.width + x);
    for (let k = 0; k < 3; k++) sum[k] += img.data[p + k];
    n++;
  };
  for (let x = 0; x < img.width; x++) {
    add(x, 0);
    if (img.height > 1) add(x, img.height - 1);
  }
  for (let y = 1; y < img.height - 1; y++) {
    add(0, y);
    if (img.width > 1) add(img.width - 1, y);
  }
  return [0, 1, 2].map((k) => Math.round(sum[k] / n)) as [number, number, number];
}

/**
 * A decoded picture -> the model's 8-bit input. Transparent pixels are composited in place (img.data is
 * overwritten), so pass a buffer you own. Letterbox bands are black for colour models (as the detector's training
 * crops read past a photo's edge) and continue the picture's edge for one-channel models (the paper a digit is on).
 */
export function prepareImage(img: RgbaImage, size: ModelSize, framing: Framing): Prepared {
  let background: Background | null = null;
  if (!isOpaque(img)) {
    background = contrastingBackground(img);
    compositeInPlace(img, background);
  }
  const region = framingRect(img.width, img.height, framing, size);
  const fill = size.channels === 1 && framing === "fit" ? edgeColour(img) : ([0, 0, 0] as [number, number, number]);
  const rgb = resampleArea(img, region, size.width, size.height, fill);
  return { ...toModelChannels(rgb, size.width, size.height, size.channels), region, background };
}

/**
 * The region of a drawing that becomes the model's input: the strokes' bounding box scaled so that its longer side
 * fills `fill` of the input and centred, as MNIST digits are (20 of 28 pixels).
 */
export function drawingRect(box: Rect, fill = 20 / 28): Rect {
  const side = Math.max(box.w, box.h, 1) / fill;
  return { x: box.x + box.w / 2 - side / 2, y: box.y + box.h / 2 - side / 2, w: side, h: side };
}

/** A drawing (light strokes on black, opaque) -> the model's input. */
export function prepareDrawing(img: RgbaImage, box: Rect, size: ModelSize): ModelPixels {
  return toModelChannels(resampleArea(img, drawingRect(box), size.width, size.height, [0, 0, 0]), size.width, size.height, size.channels);
}

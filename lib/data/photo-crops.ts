/**
 * Random training views of a photo for the detector: a crop of random scale, aspect and position (it may reach
 * past the border, which reads as black, so objects also appear smaller than in the photo), flipped
 * horizontally half of the time, resampled to the model's square input by the page's one resampler (lib/image).
 */
import { resampleArea } from "@/lib/image/resample";
import type { RgbaImage } from "@/lib/image/rgba";
import type { RandomSource } from "@/lib/util/prng";

export interface CropOptions {
  /** Crop side as a fraction of the photo's side: [min, max]. Above 1 zooms out. */
  scale: [number, number];
  /** Largest relative change of the crop's aspect ratio. */
  aspectJitter: number;
}

export const DEFAULT_CROPS: CropOptions = { scale: [0.5, 1.2], aspectJitter: 0.2 };

/** A normalised [y1, x1, y2, x2] box; x1 > x2 means flipped left-right. */
export function randomCropBox(random: RandomSource, o: CropOptions = DEFAULT_CROPS): [number, number, number, number] {
  const s = o.scale[0] + random() * (o.scale[1] - o.scale[0]);
  const a = 1 + (random() * 2 - 1) * o.aspectJitter;
  const h = s * Math.sqrt(a);
  const w = s / Math.sqrt(a);
  // Inside the photo when the crop is smaller, around it when larger.
  const y1 = random() * (1 - h);
  const x1 = random() * (1 - w);
  return random() < 0.5 ? [y1, x1, y1 + h, x1 + w] : [y1, x1 + w, y1 + h, x1];
}

/** size x size x 3 bytes: the box of the picture, resampled by area averaging, mirrored when x1 > x2. */
export function cropPixels(img: RgbaImage, box: [number, number, number, number], size: number): Uint8Array {
  const [y1, x1, y2, x2] = box;
  const rect = { x: Math.min(x1, x2) * img.width, y: y1 * img.height, w: Math.abs(x2 - x1) * img.width, h: (y2 - y1) * img.height };
  const rgb = resampleArea(img, rect, size, size, [0, 0, 0]);
  if (x1 <= x2) return rgb;
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) for (let k = 0; k < 3; k++) out[3 * (y * size + x) + k] = rgb[3 * (y * size + (size - 1 - x)) + k];
  return out;
}

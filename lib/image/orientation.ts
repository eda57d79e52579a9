/** EXIF orientations (1..8) applied to a decoded picture, as browsers show them. */
import type { RgbaImage } from "./rgba";

/**
 * Where output pixel (x, y) comes from in a w x h source, per orientation: source x = a + b x + c y and
 * source y = d + e x + f y, as [a, b, c, d, e, f].
 */
const SOURCE: Record<number, (w: number, h: number) => number[]> = {
  2: (w) => [w - 1, -1, 0, 0, 0, 1], // mirrored left-right
  3: (w, h) => [w - 1, -1, 0, h - 1, 0, -1], // rotated 180
  4: (_w, h) => [0, 1, 0, h - 1, 0, -1], // mirrored top-bottom
  5: () => [0, 0, 1, 0, 1, 0], // transposed
  6: (_w, h) => [0, 0, 1, h - 1, -1, 0], // stored rotated 90 anticlockwise: turn it clockwise
  7: (w, h) => [w - 1, 0, -1, h - 1, -1, 0], // transversed
  8: (w) => [w - 1, 0, -1, 0, 1, 0], // stored rotated 90 clockwise: turn it anticlockwise
};

/** The picture as it should be shown: a new image for orientations 2..8, the same one for 1 (or unknown values). */
export function applyOrientation(img: RgbaImage, orientation: number): RgbaImage {
  const map = SOURCE[orientation];
  if (!map) return img;
  const [a, b, c, d, e, f] = map(img.width, img.height);
  const swap = orientation >= 5;
  const width = swap ? img.height : img.width;
  const height = swap ? img.width : img.height;
  // One 32-bit word per RGBA pixel (a copy first if the bytes do not start on a word boundary).
  const bytes = img.data.byteOffset % 4 ? img.data.slice() : img.data;
  const src = new Uint32Array(bytes.buffer, bytes.byteOffset, img.width * img.height);
  const out = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = src[(d + e * x + f * y) * img.width + (a + b * x + c * y)];
  }
  return { width, height, data: new Uint8Array(out.buffer) };
}

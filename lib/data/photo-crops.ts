/**
 * Random training views of a photo for the detector: a crop of random scale, aspect and position (it may reach
 * past the border, which reads as black, so objects also appear smaller than in the photo), flipped
 * horizontally half of the time, resized to the model's square input. One tf.image.cropAndResize call does it.
 */
import type * as tfNs from "@tensorflow/tfjs";
import type { RandomSource } from "@/lib/util/prng";
import type { RgbImage } from "./photos";

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

/** [1, size, size, 3] float32 in 0..255. */
export function cropInput(tf: typeof tfNs, img: RgbImage, box: [number, number, number, number], size: number): tfNs.Tensor4D {
  return tf.tidy(() => {
    const x = tf.tensor4d(img.pixels, [1, img.height, img.width, 3], "int32").toFloat() as tfNs.Tensor4D;
    return tf.image.cropAndResize(x, tf.tensor2d([box]), [0], [size, size], "bilinear", 0);
  });
}

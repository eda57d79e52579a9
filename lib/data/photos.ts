/**
 * Photos as the detector sees them in Node (training, evaluation, tests): decoded as the page decodes them and
 * stretched to the model's square input by the page's own resampler (lib/image), values 0..255, as
 * @vladmandic/human feeds CenterNet. So a gallery photo is the same model input here as in the page.
 */
import type * as tfNs from "@tensorflow/tfjs";
import { decodeJpegNode } from "@/lib/image/jpeg-node";
import { prepareImage } from "@/lib/image/prepare";

export interface RgbImage {
  width: number;
  height: number;
  /** width * height * 3 bytes, row-major. */
  pixels: Uint8Array;
}

/** One entry of public/samples/photos/photos.json. */
export interface PhotoSample {
  id: string;
  file: string;
  title: string;
  width: number;
  height: number;
  source: string;
  original: string;
  license: string;
}

export interface PhotoIndex {
  samples: PhotoSample[];
}

export function decodeJpeg(bytes: Uint8Array): RgbImage {
  const { width, height, data } = decodeJpegNode(bytes);
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) for (let k = 0; k < 3; k++) pixels[3 * i + k] = data[4 * i + k];
  return { width, height, pixels };
}

/** The photo stretched to size x size RGB bytes: the page's gallery path (readSampleImage) after decoding. */
export function photoPixels(img: RgbImage, size: number): Uint8Array {
  const n = img.width * img.height;
  const rgba = new Uint8Array(n * 4).fill(255);
  for (let i = 0; i < n; i++) for (let k = 0; k < 3; k++) rgba[4 * i + k] = img.pixels[3 * i + k];
  return prepareImage({ width: img.width, height: img.height, data: rgba }, { width: size, height: size, channels: 3 }, "stretch").pixels;
}

/** [1, size, size, 3] float32 in 0..255 (whole numbers): photoPixels as a tensor. */
export function photoInput(tf: typeof tfNs, img: RgbImage, size: number): tfNs.Tensor4D {
  return tf.tensor4d(Float32Array.from(photoPixels(img, size)), [1, size, size, 3]);
}

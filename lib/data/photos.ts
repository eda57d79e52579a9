/**
 * Photos as the detector sees them: decoded RGB bytes, and the model input made from them (stretched to the
 * model's square input, values 0..255, as @vladmandic/human feeds CenterNet). Pure JS decoding so that Node
 * scripts and tests read the shipped JPEGs byte-for-byte the same way.
 */
import jpeg from "jpeg-js";
import type * as tfNs from "@tensorflow/tfjs";

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
  const { width, height, data } = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) for (let k = 0; k < 3; k++) pixels[3 * i + k] = data[4 * i + k];
  return { width, height, pixels };
}

/** [1, size, size, 3] float32 in 0..255: the photo stretched to the model's input (bilinear). */
export function photoInput(tf: typeof tfNs, img: RgbImage, size: number): tfNs.Tensor4D {
  return tf.tidy(() => {
    const x = tf.tensor4d(img.pixels, [1, img.height, img.width, 3], "int32").toFloat();
    return tf.image.resizeBilinear(x, [size, size]) as tfNs.Tensor4D;
  });
}

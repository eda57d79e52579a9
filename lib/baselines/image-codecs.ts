/**
 * Baselines that send the input image instead of the split tensor: PNG (lossless) and JPEG at a quality,
 * both pure JS so Node and the browser produce the same bytes. Pixels in, pixels out (values 0..255).
 */
import jpeg from "jpeg-js";
import { encodePng } from "./png";

export interface GreyOrRgb {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

export function pngBytes(img: GreyOrRgb): Uint8Array {
  return encodePng(img.pixels, img.width, img.height, img.channels);
}

/** Opaque RGBA, as image codecs take it (a grey image in all three colour channels). */
export function toRgba(img: GreyOrRgb): Uint8Array {
  const n = img.width * img.height;
  const rgba = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 3; k++) rgba[4 * i + k] = img.pixels[i * img.channels + (img.channels === 1 ? 0 : k)];
    rgba[4 * i + 3] = 255;
  }
  return rgba;
}

/** The image as a JPEG file at a quality (encode only). */
export function jpegBytes(img: GreyOrRgb, quality: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ data: toRgba(img), width: img.width, height: img.height }, quality).data);
}

/** JPEG round trip: the file's bytes, and the pixels a receiver decodes from it (same channel count). */
export function jpegRoundTrip(img: GreyOrRgb, quality: number): { bytes: Uint8Array; decoded: Uint8Array } {
  const bytes = jpegBytes(img, quality);
  return { bytes, decoded: jpegDecode(bytes, img) };
}

/** A JPEG file decoded to pixels of the given size and channel count. */
export function jpegDecode(bytes: Uint8Array, like: Pick<GreyOrRgb, "width" | "height" | "channels">): Uint8Array {
  return fromRgba(jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true }).data, like);
}

/** Decoded RGBA back to the original's channel count (grey: the mean of the three colours). */
export function fromRgba(raw: ArrayLike<number>, like: Pick<GreyOrRgb, "width" | "height" | "channels">): Uint8Array {
  const n = like.width * like.height;
  const out = new Uint8Array(n * like.channels);
  for (let i = 0; i < n; i++) {
    if (like.channels === 1) out[i] = Math.round((raw[4 * i] + raw[4 * i + 1] + raw[4 * i + 2]) / 3);
    else for (let k = 0; k < 3; k++) out[3 * i + k] = raw[4 * i + k];
  }
  return out;
}

/**
 * JPEG decoding for the page and Node alike: the pure-JS decoder jpeg-js, then the EXIF orientation. Chromium's
 * own decoder differs from it by up to 4 levels in a third of the values of the gallery photos (measured), so
 * both sides use this one to see the same pixels.
 */
import jpeg from "jpeg-js";
import { exifOrientation } from "./header";
import { MAX_PIXELS } from "./limits";
import { applyOrientation } from "./orientation";
import type { RgbaImage } from "./rgba";

export function decodeJpegRgba(bytes: Uint8Array): RgbaImage {
  const { width, height, data } = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    // The caller has checked the size from the header; these are jpeg-js's own guards, kept just above that.
    maxResolutionInMP: Math.ceil(MAX_PIXELS / 1e6) + 1,
    maxMemoryUsageInMB: 2048,
  });
  return applyOrientation({ width, height, data }, exifOrientation(bytes, "jpeg"));
}

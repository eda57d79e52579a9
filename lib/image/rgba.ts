/**
 * Decoded pictures as every platform hands them over (8-bit RGBA, not premultiplied, row-major), and putting
 * transparent pixels on a background.
 */

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes. */
  data: Uint8Array | Uint8ClampedArray;
}

export type Background = "black" | "white";

/** Colour times alpha, rounded: what a browser's canvas stores, so the same in the page as in Node (see compositeInPlace). */
function premultiplied(c: number, a: number): number {
  return Math.round((c * a) / 255);
}

export function isOpaque(img: RgbaImage): boolean {
  const d = img.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) return false;
  return true;
}

/**
 * The background that keeps the visible content visible: black under light content, white under dark content
 * (alpha-weighted mean luminance). A black stroke on a transparent PNG lands on white, a white stroke on black;
 * the digits' later inversion then makes both a light stroke on black. Fully transparent: black.
 */
export function contrastingBackground(img: RgbaImage): Background {
  const d = img.data;
  let lum = 0;
  let alpha = 0;
  for (let i = 0; i < d.length; i += 4) {
    const a = d[i + 3];
    if (a === 0) continue;
    lum += 0.299 * premultiplied(d[i], a) + 0.587 * premultiplied(d[i + 1], a) + 0.114 * premultiplied(d[i + 2], a);
    alpha += a;
  }
  if (alpha === 0) return "black";
  return lum / alpha > 0.5 ? "black" : "white";
}

/**
 * Puts every pixel on the background and makes it opaque, overwriting `img.data`. The colour is taken
 * premultiplied (round(c * a / 255)), as a canvas holds it: Chromium hands back a transparent pixel's colour only
 * approximately but its premultiplied value exactly, so page and Node agree to the bit.
 * Result: round(c a / 255) + (255 - a) on white, round(c a / 255) on black.
 */
export function compositeInPlace(img: RgbaImage, background: Background): void {
  const d = img.data;
  const white = background === "white";
  for (let i = 0; i < d.length; i += 4) {
    const a = d[i + 3];
    if (a === 255) continue;
    const under = white ? 255 - a : 0;
    for (let k = 0; k < 3; k++) d[i + k] = premultiplied(d[i + k], a) + under;
    d[i + 3] = 255;
  }
}

/** Colour scales for feature maps and error maps (canvas pixels), with the stops the legend draws. */

/** Viridis at 9 evenly spaced stops (perceptually uniform, readable in light and dark themes). */
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** t in [0, 1] -> [r, g, b] in 0..255. */
export function viridis(t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** A CSS linear-gradient of the scale, for legends. */
export function viridisGradient(): string {
  return `linear-gradient(to right, ${VIRIDIS.map(([r, g, b]) => `rgb(${r} ${g} ${b})`).join(", ")})`;
}

export function minMax(data: ArrayLike<number>, start = 0, step = 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < data.length; i += step) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return Number.isFinite(lo) ? [lo, hi] : [0, 0];
}

/** viridis at 256 levels, r g b each: finer than a canvas pixel can show, and a lookup instead of arithmetic per pixel. */
const LEVELS = 256;
let lut: Uint8ClampedArray | null = null;
function viridisLut(): Uint8ClampedArray {
  if (!lut) {
    lut = new Uint8ClampedArray(LEVELS * 3);
    for (let k = 0; k < LEVELS; k++) lut.set(viridis(k / (LEVELS - 1)), 3 * k);
  }
  return lut;
}

/**
 * One channel of a channels-last [H, W, C] array as RGBA pixels, mapped through viridis over [lo, hi] (256 levels).
 */
export function channelToRgba(data: ArrayLike<number>, shape: number[], channel: number, lo: number, hi: number): Uint8ClampedArray<ArrayBuffer> {
  const [h, w, c] = shape;
  const out = new Uint8ClampedArray(new ArrayBuffer(h * w * 4));
  const colours = viridisLut();
  const scale = (LEVELS - 1) / (hi - lo || 1);
  for (let i = 0; i < h * w; i++) {
    const t = (data[i * c + channel] - lo) * scale + 0.5;
    // NaN and values outside [lo, hi] land on the ends of the scale.
    const k = t >= 0 ? (t < LEVELS ? t | 0 : LEVELS - 1) : 0;
    out[4 * i] = colours[3 * k];
    out[4 * i + 1] = colours[3 * k + 1];
    out[4 * i + 2] = colours[3 * k + 2];
    out[4 * i + 3] = 255;
  }
  return out;
}

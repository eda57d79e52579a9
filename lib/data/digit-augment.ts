/**
 * Seeded augmentation of 28x28 grey digits toward what people draw and upload: a random affine warp (shift,
 * scale, aspect, rotation, shear), thicker or thinner strokes, blur, a low-resolution scan resampled up, lower
 * contrast on a grey background, noise, and finally the page's own upload normalisation (8-bit grey, inverted
 * when dark-on-light, stretched to the full range: lib/image toModelChannels), so a trained model sees its inputs the
 * way the page hands them over. Pure TypeScript: training scripts, the unit fit and tests share it.
 */
import { toModelChannels } from "@/lib/image/model-pixels";
import type { RandomSource } from "@/lib/util/prng";

const SIZE = 28;
const PIXELS = SIZE * SIZE;

/** Ranges and probabilities; every draw comes from the caller's seeded source. */
export const AUGMENT = {
  maxShift: 3,
  scale: [0.75, 1.2],
  aspect: 0.12,
  maxRotationDeg: 15,
  maxShear: 0.25,
  pThick: 0.25,
  pThin: 0.15,
  pBlur: 0.25,
  pLowRes: 0.25,
  lowResSides: [8, 14],
  pContrast: 0.3,
  pNoise: 0.3,
  maxNoise: 0.08,
} as const;

const uniform = (random: RandomSource, lo: number, hi: number) => lo + (hi - lo) * random();

function bilinear(src: Float32Array, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= SIZE || yy >= SIZE ? 0 : src[yy * SIZE + xx]);
  return (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
}

/** Output pixel p samples the source at A (p - c - t) + c: A is the inverse of the drawn warp. */
function affine(src: Float32Array, random: RandomSource): Float32Array {
  const s = uniform(random, AUGMENT.scale[0], AUGMENT.scale[1]);
  const a = uniform(random, -AUGMENT.aspect, AUGMENT.aspect);
  const [sx, sy] = [s * (1 + a), s * (1 - a)];
  const th = (uniform(random, -1, 1) * AUGMENT.maxRotationDeg * Math.PI) / 180;
  const sh = uniform(random, -AUGMENT.maxShear, AUGMENT.maxShear);
  const tx = uniform(random, -AUGMENT.maxShift, AUGMENT.maxShift);
  const ty = uniform(random, -AUGMENT.maxShift, AUGMENT.maxShift);
  // Forward: scale, shear (x += sh * y), rotate. M = R * Sh * S.
  const [c, n] = [Math.cos(th), Math.sin(th)];
  const m00 = c * sx;
  const m01 = c * sh * sy - n * sy;
  const m10 = n * sx;
  const m11 = n * sh * sy + c * sy;
  const det = m00 * m11 - m01 * m10;
  const [i00, i01, i10, i11] = [m11 / det, -m01 / det, -m10 / det, m00 / det];
  const centre = (SIZE - 1) / 2;
  const out = new Float32Array(PIXELS);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const dx = x - centre - tx;
      const dy = y - centre - ty;
      out[y * SIZE + x] = bilinear(src, i00 * dx + i01 * dy + centre, i10 * dx + i11 * dy + centre);
    }
  }
  return out;
}

/** Grey dilation (max) or erosion (min) over a plus-shaped 3x3 neighbourhood, blended with the input by `amount`. */
function morph(src: Float32Array, op: "max" | "min", amount: number): Float32Array {
  const out = new Float32Array(PIXELS);
  const f = op === "max" ? Math.max : Math.min;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let v = src[y * SIZE + x];
      for (const [dx, dy] of [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
      ]) {
        const xx = x + dx;
        const yy = y + dy;
        v = f(v, xx < 0 || yy < 0 || xx >= SIZE || yy >= SIZE ? 0 : src[yy * SIZE + xx]);
      }
      out[y * SIZE + x] = amount * v + (1 - amount) * src[y * SIZE + x];
    }
  }
  return out;
}

function blur(src: Float32Array, sigma: number): Float32Array {
  const taps = [-2, -1, 0, 1, 2].map((d) => Math.exp((-d * d) / (2 * sigma * sigma)));
  const norm = taps.reduce((a, b) => a + b, 0);
  const pass = (from: Float32Array, horizontal: boolean) => {
    const to = new Float32Array(PIXELS);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        let v = 0;
        for (let k = 0; k < 5; k++) {
          const xx = horizontal ? x + k - 2 : x;
          const yy = horizontal ? y : y + k - 2;
          if (xx >= 0 && yy >= 0 && xx < SIZE && yy < SIZE) v += taps[k] * from[yy * SIZE + xx];
        }
        to[y * SIZE + x] = v / norm;
      }
    }
    return to;
  };
  return pass(pass(src, true), false);
}

/** Area-averaged down to side x side, then bilinear back up: a coarse scan enlarged. */
function lowRes(src: Float32Array, side: number): Float32Array {
  const small = new Float32Array(side * side);
  const cell = SIZE / side;
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) {
      let sum = 0;
      let weight = 0;
      for (let y = Math.floor(j * cell); y < Math.ceil((j + 1) * cell); y++) {
        const wy = Math.min(y + 1, (j + 1) * cell) - Math.max(y, j * cell);
        for (let x = Math.floor(i * cell); x < Math.ceil((i + 1) * cell); x++) {
          const w = wy * (Math.min(x + 1, (i + 1) * cell) - Math.max(x, i * cell));
          sum += w * src[y * SIZE + x];
          weight += w;
        }
      }
      small[j * side + i] = sum / weight;
    }
  }
  const out = new Float32Array(PIXELS);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const u = Math.min(Math.max((x + 0.5) / cell - 0.5, 0), side - 1);
      const v = Math.min(Math.max((y + 0.5) / cell - 0.5, 0), side - 1);
      const u0 = Math.min(Math.floor(u), side - 2);
      const v0 = Math.min(Math.floor(v), side - 2);
      const fu = u - u0;
      const fv = v - v0;
      const at = (a: number, b: number) => small[b * side + a];
      out[y * SIZE + x] = (at(u0, v0) * (1 - fu) + at(u0 + 1, v0) * fu) * (1 - fv) + (at(u0, v0 + 1) * (1 - fu) + at(u0 + 1, v0 + 1) * fu) * fv;
    }
  }
  return out;
}

/** Standard normal draw (Box-Muller) from the seeded source. */
function gauss(random: RandomSource): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** The upload path's normalisation of a grey picture in [0, 1]: 8-bit, invert if dark-on-light, stretch. */
export function asUploaded(grey: Float32Array): Float32Array {
  const rgb = new Uint8Array(PIXELS * 3);
  for (let i = 0; i < PIXELS; i++) rgb.fill(Math.round(Math.min(Math.max(grey[i], 0), 1) * 255), 3 * i, 3 * i + 3);
  return Float32Array.from(toModelChannels(rgb, SIZE, SIZE, 1).pixels, (v) => v / 255);
}

/** One augmented copy of a digit (784 values in [0, 1]). */
export function augmentDigit(src: ArrayLike<number>, random: RandomSource): Float32Array {
  let x = affine(Float32Array.from(src), random);
  const thickness = random();
  if (thickness < AUGMENT.pThick) x = morph(x, "max", uniform(random, 0.4, 1));
  else if (thickness < AUGMENT.pThick + AUGMENT.pThin) x = morph(x, "min", uniform(random, 0.3, 0.7));
  if (random() < AUGMENT.pLowRes) x = lowRes(x, Math.floor(uniform(random, AUGMENT.lowResSides[0], AUGMENT.lowResSides[1] + 1)));
  if (random() < AUGMENT.pBlur) x = blur(x, uniform(random, 0.5, 1));
  if (random() < AUGMENT.pContrast) {
    const bg = uniform(random, 0, 0.3);
    const fg = uniform(random, Math.max(0.5, bg + 0.3), 1);
    for (let i = 0; i < PIXELS; i++) x[i] = bg + (fg - bg) * x[i];
  }
  if (random() < AUGMENT.pNoise) {
    const sd = uniform(random, 0, AUGMENT.maxNoise);
    for (let i = 0; i < PIXELS; i++) x[i] += sd * gauss(random);
  }
  return asUploaded(x);
}

/** Augmented copies of digits `indices` of `images` (N x 784), written contiguously. */
export function augmentBatch(images: Float32Array, indices: ArrayLike<number>, random: RandomSource): Float32Array {
  const out = new Float32Array(indices.length * PIXELS);
  for (let i = 0; i < indices.length; i++) out.set(augmentDigit(images.subarray(indices[i] * PIXELS, (indices[i] + 1) * PIXELS), random), i * PIXELS);
  return out;
}

/** Small statistics used by evaluation scripts, benchmarks and the UI. */

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : NaN;
}

export function median(xs: ArrayLike<number>): number {
  if (!xs.length) return NaN;
  const s = Array.from(xs).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function argmax(xs: ArrayLike<number>, start = 0, end = xs.length): number {
  let best = start;
  for (let i = start + 1; i < end; i++) if (xs[i] > xs[best]) best = i;
  return best - start;
}

/** Top-1 class of each row of a [rows, classes] array. */
export function top1(logits: ArrayLike<number>, classes: number): number[] {
  const rows = logits.length / classes;
  return Array.from({ length: rows }, (_, r) => argmax(logits, r * classes, (r + 1) * classes));
}

export function fractionEqual(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

export function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/** PSNR in dB against the peak magnitude of the reference. */
export function psnr(reference: ArrayLike<number>, test: ArrayLike<number>): number {
  let peak = 0;
  for (let i = 0; i < reference.length; i++) peak = Math.max(peak, Math.abs(reference[i]));
  const e = mse(reference, test);
  return e === 0 ? Infinity : 10 * Math.log10((peak * peak) / e);
}

export function softmax(logits: ArrayLike<number>): number[] {
  const m = Math.max(...Array.from(logits));
  const e = Array.from(logits, (v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

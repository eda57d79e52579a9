/**
 * Bjontegaard rate difference (BD-rate) between two rate-quality curves: the mean difference in log(bytes) at equal
 * quality over the quality range both curves cover, as a relative change in bytes (-0.3 = 30 % fewer bytes than the
 * reference at equal quality).
 *
 * With a handful of noisy points (mAP over some hundred boxes) a fitted cubic swings between points, so this uses
 * the piecewise-linear form: each curve is first reduced to its monotone envelope (for each quality, the fewest
 * bytes that reach it: a point is kept only if it beats the quality of every cheaper point), log(bytes) is
 * interpolated linearly in quality between the envelope's points, and the difference of the two interpolants is
 * integrated exactly over the overlapping quality range (it is linear between the merged breakpoints).
 */

export interface RateQuality {
  bytes: number;
  quality: number;
}

/** The points that are the cheapest way to reach their quality: by bytes, each strictly better than all before it. */
export function monotoneEnvelope(points: RateQuality[]): RateQuality[] {
  const sorted = points
    .filter((p) => p.bytes > 0 && Number.isFinite(p.bytes) && Number.isFinite(p.quality))
    .sort((a, b) => a.bytes - b.bytes || b.quality - a.quality);
  const out: RateQuality[] = [];
  for (const p of sorted) if (!out.length || p.quality > out[out.length - 1].quality) out.push(p);
  return out;
}

/** log(bytes) at quality q on an envelope (q inside its quality range). */
function logBytesAt(env: RateQuality[], q: number): number {
  let i = 0;
  while (i < env.length - 2 && env[i + 1].quality < q) i++;
  const [a, b] = [env[i], env[i + 1]];
  const t = (q - a.quality) / (b.quality - a.quality);
  return Math.log(a.bytes) + t * (Math.log(b.bytes) - Math.log(a.bytes));
}

export interface BdRate {
  /** Relative change in bytes of `test` against `reference` at equal quality (negative: test needs fewer). */
  rate: number;
  /** The quality range both curves cover, over which the difference is averaged. */
  range: [number, number];
}

/** null when the curves share no quality range (or either has fewer than two envelope points). */
export function bdRate(test: RateQuality[], reference: RateQuality[]): BdRate | null {
  const a = monotoneEnvelope(test);
  const b = monotoneEnvelope(reference);
  if (a.length < 2 || b.length < 2) return null;
  const lo = Math.max(a[0].quality, b[0].quality);
  const hi = Math.min(a[a.length - 1].quality, b[b.length - 1].quality);
  if (!(hi > lo)) return null;
  // The difference is linear between consecutive breakpoints of either curve: the trapezoid rule is exact there.
  const qs = [...new Set([lo, hi, ...a.map((p) => p.quality), ...b.map((p) => p.quality)])].filter((q) => q >= lo && q <= hi).sort((x, y) => x - y);
  const diff = (q: number) => logBytesAt(a, q) - logBytesAt(b, q);
  let area = 0;
  for (let i = 1; i < qs.length; i++) area += ((diff(qs[i - 1]) + diff(qs[i])) / 2) * (qs[i] - qs[i - 1]);
  return { rate: Math.exp(area / (hi - lo)) - 1, range: [lo, hi] };
}

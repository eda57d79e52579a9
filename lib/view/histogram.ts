/**
 * Per-channel histograms of latent symbols next to the entropy model's PMF over the same symbol values, so
 * the page can show how well the model the coder uses fits what this image produced.
 */
import type { EntropyTables } from "@/lib/codec";
import { TOTAL } from "@/lib/codec";

export interface SymbolHistogram {
  /** The symbol value of bin 0; bins run lo, lo+1, ... */
  lo: number;
  counts: number[];
  /** Probability the tables give each bin's value (0 where the value is only reachable through the escape). */
  pmf: number[];
  /** Symbols that fell outside the bins. */
  outside: number;
}

/** Probability the tables assign to `value` in channel c (not counting the escape symbol). */
export function tablePmf(t: EntropyTables, c: number, value: number): number {
  const k = value - t.offset[c];
  // cdfLength = symbols + 1, and the last symbol is the escape: direct values are k in [0, cdfLength - 3].
  if (k < 0 || k > t.cdfLength[c] - 3) return 0;
  const base = c * t.stride;
  return (t.cdf[base + k + 1] - t.cdf[base + k]) / TOTAL;
}

/**
 * Channels-last symbols -> one histogram per channel. The bins cover the observed values and the values the
 * tables give at least `minPmf`, at most `maxBins` of them around the most likely value; only the first
 * `firstChannels` channels, if given.
 */
export function symbolHistograms(symbols: Int32Array, t: EntropyTables, maxBins = 48, minPmf = 1e-3, firstChannels = t.channels): SymbolHistogram[] {
  const channels = t.channels;
  const out: SymbolHistogram[] = [];
  for (let c = 0; c < Math.min(channels, firstChannels); c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = c; i < symbols.length; i += channels) {
      lo = Math.min(lo, symbols[i]);
      hi = Math.max(hi, symbols[i]);
    }
    let mode = t.offset[c];
    for (let k = 0; k <= t.cdfLength[c] - 3; k++) {
      const v = t.offset[c] + k;
      const p = tablePmf(t, c, v);
      if (p >= minPmf) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      if (p > tablePmf(t, c, mode)) mode = v;
    }
    if (!Number.isFinite(lo)) lo = hi = mode;
    if (hi - lo + 1 > maxBins) {
      lo = Math.max(lo, Math.min(mode - Math.floor(maxBins / 2), hi - maxBins + 1));
      hi = lo + maxBins - 1;
    }
    const counts = new Array<number>(hi - lo + 1).fill(0);
    let outside = 0;
    for (let i = c; i < symbols.length; i += channels) {
      const b = symbols[i] - lo;
      if (b >= 0 && b < counts.length) counts[b]++;
      else outside++;
    }
    out.push({ lo, counts, pmf: counts.map((_, b) => tablePmf(t, c, lo + b)), outside });
  }
  return out;
}

/**
 * Entropy-model tables in the CompressAI convention: per channel a quantized CDF at 16-bit precision,
 * its length and an offset. Channel c codes the integers offset[c] .. offset[c] + cdfLength[c] - 3 directly;
 * the last symbol of every table is an escape, after which an out-of-support value travels as raw nibbles.
 */

export const PRECISION = 16;
export const TOTAL = 1 << PRECISION;
/** Most symbols one channel's table may have; keeps decode lookups and JSON files small. */
export const MAX_SUPPORT = 4096;
/** Largest |offset| a table may declare, so that escape distances stay well inside 2^32. */
export const MAX_OFFSET = 1 << 20;

export interface EntropyTables {
  channels: number;
  /** Entries reserved per channel in `cdf` (the longest cdfLength). */
  stride: number;
  /** channels * stride entries; channel c's CDF starts at c * stride: 0, ..., TOTAL. */
  cdf: Int32Array;
  /** Entries in each channel's CDF: number of symbols (support + escape) + 1. */
  cdfLength: Int32Array;
  /** The integer coded by symbol index 0 of each channel. */
  offset: Int32Array;
}

/** The JSON form shipped next to a bottleneck unit's weights. */
export interface EntropyTablesJSON {
  precision: number;
  cdfs: number[][];
  offsets: number[];
}

/**
 * Turns probabilities (support then escape) into integer frequencies that sum to TOTAL, each at least 1,
 * so every symbol stays codable.
 */
export function quantizePmf(probs: ArrayLike<number>): Uint32Array {
  const n = probs.length;
  if (n < 2 || n > MAX_SUPPORT + 1) throw new RangeError(`a table needs 2..${MAX_SUPPORT + 1} symbols, got ${n}`);
  let mass = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i];
    if (!(p >= 0) || !Number.isFinite(p)) throw new RangeError(`probability ${i} is ${p}`);
    mass += p;
  }
  if (!(mass > 0) || !Number.isFinite(mass)) throw new RangeError(`probabilities sum to ${mass}`);
  const freq = new Uint32Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    freq[i] = Math.max(1, Math.round((probs[i] / mass) * TOTAL));
    sum += freq[i];
  }
  // Rounding leaves the sum a little off; settle the difference on the largest entries, which it hurts least.
  let diff = TOTAL - sum;
  if (diff !== 0) {
    const order = Array.from(freq.keys()).sort((a, b) => freq[b] - freq[a]);
    if (diff > 0) freq[order[0]] += diff;
    else {
      for (const i of order) {
        if (diff === 0) break;
        const take = Math.min(freq[i] - 1, -diff);
        freq[i] -= take;
        diff += take;
      }
    }
  }
  return freq;
}

/**
 * Builds tables from per-channel PMFs over their integer supports. `pmfs[c][k]` is P(offsets[c] + k);
 * the escape gets `tailMass[c]` (default: what the PMF leaves of 1, floored so it is never zero).
 */
export function buildTables(pmfs: ArrayLike<number>[], offsets: ArrayLike<number>, tailMass?: ArrayLike<number>): EntropyTables {
  const channels = pmfs.length;
  if (channels < 1 || offsets.length !== channels) throw new RangeError("need one PMF and one offset per channel");
  const cdfs: number[][] = [];
  for (let c = 0; c < channels; c++) {
    const pmf = pmfs[c];
    let s = 0;
    for (let k = 0; k < pmf.length; k++) s += pmf[k];
    const tail = tailMass ? tailMass[c] : Math.max(1 - s, 1e-9);
    const probs = new Float64Array(pmf.length + 1);
    probs.set(Array.from(pmf));
    probs[pmf.length] = Math.max(tail, 1e-9);
    const freq = quantizePmf(probs);
    const cdf = [0];
    for (let k = 0; k < freq.length; k++) cdf.push(cdf[k] + freq[k]);
    cdfs.push(cdf);
  }
  return tablesFromJSON({ precision: PRECISION, cdfs, offsets: Array.from(offsets) });
}

/**
 * Histogram tables from sample symbols laid out channels-last (channel = index % channels). The support of
 * each channel spans its observed values (narrowed to the central mass if wider than maxSupport); every value
 * in it gets a pseudo-count so unseen symbols stay codable.
 */
export function tablesFromSamples(symbols: Int32Array, channels: number, maxSupport = 256): EntropyTables {
  if (!Number.isInteger(channels) || channels < 1) throw new RangeError(`channel count must be a positive integer, got ${channels}`);
  if (symbols.length === 0 || symbols.length % channels !== 0) throw new RangeError("samples must fill whole channels");
  const pmfs: Float64Array[] = [];
  const offsets: number[] = [];
  const tails: number[] = [];
  const perChannel = symbols.length / channels;
  for (let c = 0; c < channels; c++) {
    const vals = new Int32Array(perChannel);
    for (let i = 0, j = c; i < perChannel; i++, j += channels) vals[i] = symbols[j];
    vals.sort();
    let lo = vals[0];
    let hi = vals[perChannel - 1];
    if (hi - lo + 1 > maxSupport) {
      // Keep the central mass; the rare values beyond go through the escape.
      const cut = Math.floor(perChannel * 0.0005);
      lo = vals[cut];
      hi = Math.min(vals[perChannel - 1 - cut], lo + maxSupport - 1);
    }
    // A table may not sit further out than MAX_OFFSET; values beyond it (saturated symbols) escape instead.
    if (lo > MAX_OFFSET || lo < -MAX_OFFSET) {
      lo = Math.max(-MAX_OFFSET, Math.min(MAX_OFFSET, lo));
      hi = Math.max(lo, Math.min(hi, lo + maxSupport - 1));
    }
    const n = hi - lo + 1;
    const counts = new Float64Array(n);
    let outside = 0;
    for (let i = 0; i < perChannel; i++) {
      const k = vals[i] - lo;
      if (k >= 0 && k < n) counts[k]++;
      else outside++;
    }
    const pseudo = 0.5;
    const denom = perChannel + pseudo * (n + 1);
    pmfs.push(counts.map((x) => (x + pseudo) / denom));
    tails.push((outside + pseudo) / denom);
    offsets.push(lo);
  }
  return buildTables(pmfs, offsets, tails);
}

/** Validates and packs the shipped JSON form. Throws a RangeError naming the first problem. */
export function tablesFromJSON(json: EntropyTablesJSON): EntropyTables {
  // The JSON may come from a file: check its structure too, so that a bad file is a RangeError, not a TypeError.
  if (typeof json !== "object" || json === null) throw new RangeError("tables must be an object");
  if (json.precision !== PRECISION) throw new RangeError(`tables must use ${PRECISION}-bit precision, got ${json.precision}`);
  if (!Array.isArray(json.cdfs) || !Array.isArray(json.offsets)) throw new RangeError("tables need arrays cdfs and offsets");
  const channels = json.cdfs.length;
  if (channels < 1 || json.offsets.length !== channels) throw new RangeError("tables need one CDF and one offset per channel");
  // Validate every channel before allocating, so a huge bogus CDF cannot size the packed array.
  let stride = 0;
  for (let c = 0; c < channels; c++) {
    const src: unknown = json.cdfs[c];
    if (!Array.isArray(src)) throw new RangeError(`channel ${c}: CDF must be an array`);
    if (src.length < 3 || src.length > MAX_SUPPORT + 2) throw new RangeError(`channel ${c}: CDF length ${src.length} out of range`);
    if (src[0] !== 0 || src[src.length - 1] !== TOTAL) throw new RangeError(`channel ${c}: CDF must run from 0 to ${TOTAL}`);
    for (let k = 1; k < src.length; k++) {
      if (!Number.isInteger(src[k]) || src[k] <= src[k - 1]) throw new RangeError(`channel ${c}: CDF must strictly increase`);
    }
    const off = json.offsets[c];
    if (!Number.isInteger(off) || Math.abs(off) > MAX_OFFSET) throw new RangeError(`channel ${c}: offset ${off} out of range`);
    stride = Math.max(stride, src.length);
  }
  const cdf = new Int32Array(channels * stride);
  const cdfLength = new Int32Array(channels);
  const offset = new Int32Array(channels);
  for (let c = 0; c < channels; c++) {
    cdf.set(json.cdfs[c], c * stride);
    cdfLength[c] = json.cdfs[c].length;
    offset[c] = json.offsets[c];
  }
  return { channels, stride, cdf, cdfLength, offset };
}

export function tablesToJSON(t: EntropyTables): EntropyTablesJSON {
  const cdfs: number[][] = [];
  for (let c = 0; c < t.channels; c++) cdfs.push(Array.from(t.cdf.subarray(c * t.stride, c * t.stride + t.cdfLength[c])));
  return { precision: PRECISION, cdfs, offsets: Array.from(t.offset) };
}

/** Escaped values travel as a nibble count then that many nibbles, each at 4 bits. */
export function escapeRawBits(distance: number): number {
  let nibbles = 1;
  for (let v = distance; v >= 16; v = Math.floor(v / 16)) nibbles++;
  return 4 + 4 * nibbles;
}

/** Distance coded after an escape: even for values above the support, odd for values below it. */
export function escapeDistance(value: number, offset: number, supportLength: number): number {
  return value < offset ? 2 * (offset - 1 - value) + 1 : 2 * (value - offset - supportLength);
}

/** Estimated bits, sum of -log2 P(symbol) under the very tables the coder uses (escape raw bits included). */
export function estimateBits(symbols: Int32Array, t: EntropyTables): number {
  const C = t.channels;
  const costs = new Float64Array(C * t.stride);
  for (let c = 0; c < C; c++) {
    const base = c * t.stride;
    for (let k = 0; k < t.cdfLength[c] - 1; k++) costs[base + k] = PRECISION - Math.log2(t.cdf[base + k + 1] - t.cdf[base + k]);
  }
  let bits = 0;
  for (let i = 0, c = 0; i < symbols.length; i++) {
    const support = t.cdfLength[c] - 2;
    const k = symbols[i] - t.offset[c];
    const base = c * t.stride;
    if (k >= 0 && k < support) bits += costs[base + k];
    else bits += costs[base + support] + escapeRawBits(escapeDistance(symbols[i], t.offset[c], support));
    if (++c === C) c = 0;
  }
  return bits;
}

/** Shared helpers for the codec tests: random tables and symbols, hand-built containers, error assertions. */
import { expect } from "vitest";
import { BitstreamError, MAX_OFFSET, TOTAL, buildTables, crc32, type BitstreamErrorCode, type EntropyTables, type Header, type StreamSpec } from "@/lib/codec";
import type { Rng } from "@/lib/util/prng";

export type Distribution = "peaked" | "flat" | "heavy";
export const DISTRIBUTIONS: Distribution[] = ["peaked", "flat", "heavy"];

export const INT32_MIN = -0x80000000;
export const INT32_MAX = 0x7fffffff;

/** Tables whose supports and offsets vary per channel, shaped like the distribution the symbols follow. */
export function randomTables(rng: Rng, channels: number, dist: Distribution): EntropyTables {
  const pmfs: number[][] = [];
  const offsets: number[] = [];
  for (let c = 0; c < channels; c++) {
    const support = dist === "flat" ? rng.int(1, 64) : rng.int(1, 300);
    const centre = rng.int(0, support - 1);
    const scale = 0.3 + rng.next() * 8;
    const pmf: number[] = [];
    for (let k = 0; k < support; k++) {
      const d = Math.abs(k - centre);
      pmf.push(dist === "flat" ? 1 : dist === "peaked" ? Math.exp(-d / scale) : 1 / (1 + (d / scale) ** 2));
    }
    const total = pmf.reduce((a, b) => a + b, 0);
    pmfs.push(pmf.map((p) => (p / total) * 0.999));
    // Mostly small offsets, sometimes at the very edge of what a table may declare.
    const r = rng.next();
    offsets.push(r < 0.05 ? MAX_OFFSET : r < 0.1 ? -MAX_OFFSET : rng.int(-200, 200) - centre);
  }
  return buildTables(pmfs, offsets);
}

/** Symbols (channels-last) roughly following the tables' shape, plus some values far outside any support. */
export function randomSymbols(rng: Rng, tables: EntropyTables, count: number, dist: Distribution, extremes = 0.01): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0, c = 0; i < count; i++) {
    const support = tables.cdfLength[c] - 2;
    const centre = tables.offset[c] + support / 2;
    let v: number;
    if (rng.next() < extremes) v = extremeValue(rng);
    else if (dist === "flat") v = tables.offset[c] + rng.int(0, support - 1);
    else if (dist === "peaked") v = Math.round(rng.laplace(centre, 1 + support / 8));
    else v = Math.round(rng.cauchy(centre, 1 + support / 16));
    out[i] = Math.min(INT32_MAX, Math.max(INT32_MIN, v));
    if (++c === tables.channels) c = 0;
  }
  return out;
}

export function extremeValue(rng: Rng): number {
  const picks = [INT32_MIN, INT32_MAX, INT32_MIN + 1, INT32_MAX - 1, 2 ** 30, -(2 ** 30), 2 ** 24 + 1, -(2 ** 20) - 1];
  return rng.next() < 0.5 ? picks[rng.int(0, picks.length - 1)] : rng.int(INT32_MIN, INT32_MAX);
}

/**
 * A symbol drawn from a channel's own coded distribution: index k with probability freq[k] / TOTAL; the
 * escape index becomes a value just outside the support (below or above it).
 */
export function drawFromTables(rng: Rng, tables: EntropyTables, count: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0, c = 0; i < count; i++) {
    const row = c * tables.stride;
    const slot = Math.floor(rng.next() * TOTAL);
    let k = 0;
    while (tables.cdf[row + k + 1] <= slot) k++;
    const support = tables.cdfLength[c] - 2;
    if (k < support) out[i] = tables.offset[c] + k;
    else out[i] = rng.next() < 0.5 ? tables.offset[c] - 1 - rng.int(0, 20) : tables.offset[c] + support + rng.int(0, 20);
    if (++c === tables.channels) c = 0;
  }
  return out;
}

/** A resolver for a fixed set of (model, split, rate) ids, as an app with a manifest would have. */
export function manifestResolver(specs: Map<string, StreamSpec>): (h: Header) => StreamSpec {
  return (h) => {
    const spec = specs.get(idKey(h));
    if (!spec) throw new BitstreamError("unknown-id", `model ${h.model}, split ${h.split}, rate ${h.rate}`);
    return spec;
  };
}

export const idKey = (h: Header): string => `${h.model}/${h.split}/${h.rate}`;

export function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Unsigned LEB128, written here independently of the codec's own writer. */
export function leb128(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    const low = v % 128;
    v = Math.floor(v / 128);
    out.push(v > 0 ? low | 0x80 : low);
  } while (v > 0);
  return out;
}

/** Header bytes, a payload and a correct CRC-32 after them: lets a test declare anything the format can say. */
export function handBuiltContainer(head: number[], payload: Uint8Array | number[]): Uint8Array {
  const body = new Uint8Array(head.length + payload.length + 4);
  body.set(head, 0);
  body.set(payload, head.length);
  const crc = crc32(body, 0, body.length - 4);
  new DataView(body.buffer).setUint32(body.length - 4, crc, true);
  return body;
}

/** Replaces the last four bytes with the CRC-32 of everything before them. */
export function withFreshCrc(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  if (out.length >= 4) new DataView(out.buffer).setUint32(out.length - 4, crc32(out, 0, out.length - 4), true);
  return out;
}

/** Index of the first difference between two symbol arrays, or -1; toEqual is far too slow on millions. */
export function firstDifference(a: Int32Array, b: Int32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

export function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

export function expectBitstreamError(fn: () => unknown, code: BitstreamErrorCode): BitstreamError {
  const e = caught(fn);
  expect(e).toBeInstanceOf(BitstreamError);
  expect((e as BitstreamError).code).toBe(code);
  return e as BitstreamError;
}

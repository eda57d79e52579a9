import { describe, expect, it } from "vitest";
import {
  MAX_OFFSET,
  MAX_SUPPORT,
  PRECISION,
  TOTAL,
  buildTables,
  estimateBits,
  quantizePmf,
  ransDecode,
  ransEncode,
  tablesFromJSON,
  tablesFromSamples,
  tablesToJSON,
  type EntropyTables,
  type EntropyTablesJSON,
} from "@/lib/codec";
import { createRng } from "@/lib/util/prng";
import { extremeValue, randomTables } from "./fixtures";

function freqs(t: EntropyTables, c: number): number[] {
  const row = c * t.stride;
  return Array.from({ length: t.cdfLength[c] - 1 }, (_, k) => t.cdf[row + k + 1] - t.cdf[row + k]);
}

function expectValidFreq(freq: ArrayLike<number>): void {
  let sum = 0;
  for (let i = 0; i < freq.length; i++) {
    expect(freq[i]).toBeGreaterThanOrEqual(1);
    sum += freq[i];
  }
  expect(sum).toBe(65536);
}

describe("quantizePmf", () => {
  it("sums to 65536 with every entry >= 1 (random, tiny, zero and dominant probabilities)", () => {
    const rng = createRng(41);
    for (let t = 0; t < 300; t++) {
      const n = t === 0 ? 2 : t === 1 ? MAX_SUPPORT + 1 : rng.int(2, 600);
      const kind = t % 4;
      const probs = Array.from({ length: n }, (_, i) =>
        kind === 0 ? rng.next() : kind === 1 ? (rng.next() < 0.5 ? 0 : 1e-12) : kind === 2 ? (i === 0 ? 1 : 1e-9) : Math.exp(-i / 3),
      );
      if (!probs.some((p) => p > 0)) probs[0] = 1;
      expectValidFreq(quantizePmf(probs));
    }
  });

  it("keeps frequencies proportional to the probabilities", () => {
    const f = quantizePmf([0.5, 0.25, 0.125, 0.125]);
    expect(Array.from(f)).toEqual([32768, 16384, 8192, 8192]);
    const flat = quantizePmf(new Array(16).fill(3));
    expect(Array.from(flat)).toEqual(new Array(16).fill(4096));
    // Unnormalised input is fine: only ratios matter.
    expect(Array.from(quantizePmf([2, 6]))).toEqual([16384, 49152]);
  });

  it("rejects too few or too many symbols, negative, NaN, infinite or all-zero probabilities", () => {
    const bad: number[][] = [[1], new Array(MAX_SUPPORT + 2).fill(1), [0.5, -0.1, 0.6], [NaN, 1], [Infinity, 1], [0, 0, 0], [1e308, 1e308]];
    for (const probs of bad) expect(() => quantizePmf(probs), JSON.stringify(probs.slice(0, 3))).toThrow(RangeError);
  });
});

describe("buildTables", () => {
  it("packs per-channel CDFs from 0 to 65536, escape last, with the given offsets", () => {
    const t = buildTables(
      [
        [0.5, 0.25],
        [0.1, 0.2, 0.3, 0.3],
      ],
      [-1, 5],
    );
    expect(t.channels).toBe(2);
    expect(Array.from(t.cdfLength)).toEqual([4, 6]);
    expect(Array.from(t.offset)).toEqual([-1, 5]);
    expect(t.stride).toBeGreaterThanOrEqual(6);
    for (let c = 0; c < 2; c++) {
      expect(t.cdf[c * t.stride]).toBe(0);
      expect(t.cdf[c * t.stride + t.cdfLength[c] - 1]).toBe(TOTAL);
      expectValidFreq(freqs(t, c));
    }
    // Channel 0 leaves 1/4 for the escape.
    expect(freqs(t, 0)).toEqual([32768, 16384, 16384]);
  });

  it("gives the escape the stated tail mass, never zero", () => {
    const t = buildTables([[0.5, 0.5]], [0], [0.5]);
    for (const f of freqs(t, 0)) expect(Math.abs(f - TOTAL / 3)).toBeLessThanOrEqual(1);
    const full = buildTables([[0.5, 0.5]], [0]);
    expect(freqs(full, 0)[2]).toBe(1);
  });

  it("rejects mismatched offsets, empty PMFs, bad probabilities and out-of-range offsets", () => {
    expect(() => buildTables([[0.5]], [0, 1])).toThrow(RangeError);
    expect(() => buildTables([], [])).toThrow(RangeError);
    expect(() => buildTables([[]], [0])).toThrow(RangeError);
    expect(() => buildTables([[0.5, -1]], [0])).toThrow(RangeError);
    expect(() => buildTables([[0.5, NaN]], [0])).toThrow(RangeError);
    expect(() => buildTables([[0.5]], [MAX_OFFSET + 1])).toThrow(RangeError);
    expect(() => buildTables([[0.5]], [0.5])).toThrow(RangeError);
    expect(() => buildTables([new Array(MAX_SUPPORT + 1).fill(1e-4)], [0])).toThrow(RangeError);
  });
});

describe("tablesFromSamples", () => {
  it("covers every observed value and gives unseen ones in the span a nonzero frequency", () => {
    const samples = Int32Array.from([0, 0, 0, 5, -3, 0, 1, 1, 2, 2, 2, 2]);
    const t = tablesFromSamples(samples, 2);
    // Channel 0 saw 0, 0, -3, 1, 2, 2; channel 1 saw 0, 5, 0, 1, 2, 2.
    expect(Array.from(t.offset)).toEqual([-3, 0]);
    expect(Array.from(t.cdfLength)).toEqual([6 + 2, 6 + 2]);
    for (let c = 0; c < 2; c++) expectValidFreq(freqs(t, c));
    // The most frequent value in each channel gets the largest frequency.
    expect(freqs(t, 0).indexOf(Math.max(...freqs(t, 0)))).toBe(3 + 0);
  });

  it("narrows a span wider than maxSupport and escapes the rest", () => {
    const rng = createRng(42);
    const samples = Int32Array.from({ length: 20_000 }, () => Math.round(rng.cauchy(0, 3)));
    const t = tablesFromSamples(samples, 1, 64);
    expect(t.cdfLength[0] - 2).toBeLessThanOrEqual(64);
    const back = ransDecode(ransEncode([{ symbols: samples, tables: t }]), [{ count: samples.length, tables: t }]);
    expect(back[0]).toEqual(samples);
  });

  it("copes with samples at the int32 extremes (offsets stay within the table limits)", () => {
    const rng = createRng(43);
    const samples = Int32Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 2 ** 30 : i % 3 === 1 ? -(2 ** 31) : extremeValue(rng)));
    const t = tablesFromSamples(samples, 3);
    for (let c = 0; c < 3; c++) expect(Math.abs(t.offset[c])).toBeLessThanOrEqual(MAX_OFFSET);
    const back = ransDecode(ransEncode([{ symbols: samples, tables: t }]), [{ count: samples.length, tables: t }]);
    expect(back[0]).toEqual(samples);
  });

  it("rejects samples that do not fill whole channels and bad channel counts", () => {
    expect(() => tablesFromSamples(new Int32Array(5), 2)).toThrow(RangeError);
    expect(() => tablesFromSamples(new Int32Array(0), 1)).toThrow(RangeError);
    expect(() => tablesFromSamples(new Int32Array(4), 0)).toThrow(RangeError);
    expect(() => tablesFromSamples(new Int32Array(3), 1.5)).toThrow(RangeError);
    expect(() => tablesFromSamples(new Int32Array(4), -2)).toThrow(RangeError);
  });
});

describe("tablesFromJSON", () => {
  const good = (): EntropyTablesJSON => ({
    precision: 16,
    cdfs: [
      [0, 100, 65000, 65536],
      [0, 1, 65536],
    ],
    offsets: [-2, 7],
  });

  it("accepts a valid table and survives a JSON text round trip unchanged", () => {
    const json = good();
    const t = tablesFromJSON(json);
    expect(tablesToJSON(t)).toEqual(json);
    const rng = createRng(44);
    for (const dist of ["peaked", "flat", "heavy"] as const) {
      const r = randomTables(rng, 9, dist);
      const again = tablesFromJSON(JSON.parse(JSON.stringify(tablesToJSON(r))) as EntropyTablesJSON);
      expect(again).toEqual(r);
    }
  });

  const defects: [string, (j: EntropyTablesJSON) => unknown][] = [
    ["precision other than 16", (j) => (j.precision = 15)],
    ["non-monotone CDF", (j) => (j.cdfs[0] = [0, 200, 100, 65536])],
    ["a zero-frequency symbol", (j) => (j.cdfs[0] = [0, 100, 100, 65536])],
    ["CDF not starting at 0", (j) => (j.cdfs[0] = [1, 100, 65000, 65536])],
    ["CDF not ending at 65536", (j) => (j.cdfs[0] = [0, 100, 65000, 65535])],
    ["CDF overshooting 65536", (j) => (j.cdfs[0] = [0, 100, 65537, 65536])],
    ["non-integer CDF entry", (j) => (j.cdfs[0] = [0, 100.5, 65000, 65536])],
    ["string CDF entry", (j) => (j.cdfs[0] = [0, "100" as unknown as number, 65000, 65536])],
    ["CDF with a single symbol", (j) => (j.cdfs[0] = [0, 65536])],
    ["CDF longer than MAX_SUPPORT + 2", (j) => (j.cdfs[0] = Array.from({ length: MAX_SUPPORT + 3 }, (_, k) => (k === MAX_SUPPORT + 2 ? 65536 : k)))],
    ["fewer offsets than CDFs", (j) => j.offsets.pop()],
    ["no channels at all", (j) => ((j.cdfs = []), (j.offsets = []))],
    ["non-integer offset", (j) => (j.offsets[1] = 1.5)],
    ["NaN offset", (j) => (j.offsets[1] = NaN)],
    ["offset beyond MAX_OFFSET", (j) => (j.offsets[0] = MAX_OFFSET + 1)],
    ["offset below -MAX_OFFSET", (j) => (j.offsets[0] = -MAX_OFFSET - 1)],
    ["cdfs not an array", (j) => ((j as unknown as { cdfs: unknown }).cdfs = "0,65536")],
    ["a CDF that is not an array", (j) => ((j.cdfs as unknown[])[1] = { length: 3 })],
    ["offsets missing", (j) => delete (j as Partial<EntropyTablesJSON>).offsets],
  ];
  for (const [name, mutate] of defects) {
    it(`rejects ${name} with a RangeError`, () => {
      const json = good();
      mutate(json);
      expect(() => tablesFromJSON(json)).toThrow(RangeError);
    });
  }

  it("rejects non-objects with a RangeError", () => {
    for (const v of [null, undefined, 42, "tables"]) expect(() => tablesFromJSON(v as unknown as EntropyTablesJSON)).toThrow(RangeError);
  });

  it("accepts the edge values: offsets at +-MAX_OFFSET and the longest CDF", () => {
    const longest = Array.from({ length: MAX_SUPPORT + 2 }, (_, k) => (k === MAX_SUPPORT + 1 ? 65536 : k));
    const t = tablesFromJSON({ precision: PRECISION, cdfs: [longest, [0, 1, 65536]], offsets: [MAX_OFFSET, -MAX_OFFSET] });
    expect(t.stride).toBe(MAX_SUPPORT + 2);
  });
});

describe("estimateBits", () => {
  it("sums -log2 P per symbol, adding nibble-coded raw bits for escapes", () => {
    // Symbols -1, 0 each at 1/4, the escape at 1/2.
    const t = tablesFromJSON({ precision: 16, cdfs: [[0, 16384, 32768, 65536]], offsets: [-1] });
    expect(estimateBits(Int32Array.of(-1, 0, 0), t)).toBeCloseTo(6, 10);
    // 1 is the first value above the support: escape (1 bit) + nibble count (4) + one nibble (4).
    expect(estimateBits(Int32Array.of(1), t)).toBeCloseTo(9, 10);
    // -2 is the first value below: distance 1, also one nibble. 2^31 - 1 is far: distance ~2^32, nine nibbles.
    expect(estimateBits(Int32Array.of(-2), t)).toBeCloseTo(9, 10);
    expect(estimateBits(Int32Array.of(0x7fffffff), t)).toBeCloseTo(1 + 4 + 4 * 8, 10);
  });
});

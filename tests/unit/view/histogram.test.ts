import { describe, expect, it } from "vitest";
import { buildTables } from "@/lib/codec";
import { symbolHistograms, tablePmf } from "@/lib/view/histogram";

// Two channels: channel 0 over {-1, 0, 1} with P = 0.25, 0.5, 0.25; channel 1 over {3, 4} with 0.9, 0.1.
const tables = buildTables(
  [
    [0.25, 0.5, 0.25],
    [0.9, 0.1],
  ],
  [-1, 3],
  [1e-4, 1e-4],
);

describe("tablePmf", () => {
  it("reads back each channel's probabilities from its 16-bit CDF", () => {
    expect(tablePmf(tables, 0, -1)).toBeCloseTo(0.25, 3);
    expect(tablePmf(tables, 0, 0)).toBeCloseTo(0.5, 3);
    expect(tablePmf(tables, 0, 1)).toBeCloseTo(0.25, 3);
    expect(tablePmf(tables, 1, 3)).toBeCloseTo(0.9, 3);
    expect(tablePmf(tables, 1, 4)).toBeCloseTo(0.1, 3);
  });

  it("gives 0 outside the support, including the escape symbol's slot", () => {
    expect(tablePmf(tables, 0, -2)).toBe(0);
    expect(tablePmf(tables, 0, 2)).toBe(0); // index 3 of channel 0 is the escape
    expect(tablePmf(tables, 1, 5)).toBe(0);
  });
});

describe("symbolHistograms", () => {
  it("counts channels-last symbols per channel and pairs each bin with the PMF of its value", () => {
    // pairs (channel 0, channel 1): (0,3) (0,3) (1,4) (-1,3) (7,3)
    const symbols = Int32Array.from([0, 3, 0, 3, 1, 4, -1, 3, 7, 3]);
    const [h0, h1] = symbolHistograms(symbols, tables);
    // Channel 0: the observed 7 widens the bins up to 7.
    expect(h0.lo).toBe(-1);
    expect(h0.counts).toEqual([1, 2, 1, 0, 0, 0, 0, 0, 1]);
    expect(h0.pmf[1]).toBeCloseTo(0.5, 3);
    expect(h0.pmf[8]).toBe(0);
    expect(h0.outside).toBe(0);
    expect(h1.lo).toBe(3);
    expect(h1.counts).toEqual([4, 1]);
    expect(h1.pmf[0]).toBeCloseTo(0.9, 3);
  });

  it("caps the bins around the most likely value and counts the rest as outside", () => {
    const symbols = Int32Array.from([0, 3, 100, 3, -100, 3]);
    const [h0] = symbolHistograms(symbols, tables, 11);
    expect(h0.counts).toHaveLength(11);
    expect(h0.lo).toBeLessThanOrEqual(0);
    expect(h0.lo + 10).toBeGreaterThanOrEqual(0);
    expect(h0.counts.reduce((a, b) => a + b, 0)).toBe(1);
    expect(h0.outside).toBe(2);
  });
});

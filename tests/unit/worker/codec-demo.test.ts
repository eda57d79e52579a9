import { describe, expect, it } from "vitest";
import { decodeSymbols, readContainer } from "@/lib/codec";
import { runCodecRoundTrip, sumAndMse, validateDemoParams } from "@/lib/worker/codec-demo";
import { reluLaplacian } from "@/lib/worker/synthetic";

describe("reluLaplacian", () => {
  it("is reproducible from its seed, non-negative, and has exact zeros", () => {
    const a = reluLaplacian([8, 8, 4], 5);
    expect(reluLaplacian([8, 8, 4], 5)).toEqual(a);
    expect(reluLaplacian([8, 8, 4], 6)).not.toEqual(a);
    expect(a.every((v) => v >= 0)).toBe(true);
    const zeros = a.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(a.length / 10);
    expect(zeros).toBeLessThan(a.length);
  });
});

describe("runCodecRoundTrip", () => {
  const params = { seed: 3, shape: [16, 16, 8] as [number, number, number], step: 0.125 };

  it("produces a real container whose payload decodes to the quantized tensor", () => {
    const r = runCodecRoundTrip(params);
    expect(r.exact).toBe(true);
    const { header, payload } = readContainer(r.bitstream);
    expect(header.shapes).toEqual([[16, 16, 8]]);
    expect(payload.length).toBe(r.payloadBytes);
    // Reconstruction error of a uniform quantizer is at most half a step per value.
    for (let i = 0; i < r.original.length; i++) expect(Math.abs(r.original[i] - r.reconstructed[i])).toBeLessThanOrEqual(0.0625 + 1e-6);
  });

  it("codes within a few percent of its own estimate", () => {
    const r = runCodecRoundTrip(params);
    expect(r.payloadBytes * 8).toBeGreaterThanOrEqual(r.estimatedBits * 0.98);
    expect(r.payloadBytes * 8).toBeLessThanOrEqual(r.estimatedBits * 1.02 + 64);
  });

  it("refuses a bitstream whose explicit shape differs from what the receiver expects", () => {
    const other = runCodecRoundTrip({ ...params, shape: [8, 8, 8] });
    expect(() => decodeSymbols(other.bitstream, () => ({ shapes: [[16, 16, 8]], tables: [] }))).toThrow(/shape/);
  });
});

describe("validateDemoParams", () => {
  it("accepts the page's parameters and rejects bad ones with a sentence", () => {
    expect(validateDemoParams({ seed: 1, shape: [16, 16, 8], step: 0.125 })).toBeNull();
    expect(validateDemoParams({ seed: 1, shape: [16, 16, 0], step: 0.125 })).toMatch(/shape/);
    expect(validateDemoParams({ seed: 1, shape: [512, 512, 8], step: 0.125 })).toMatch(/at most/);
    expect(validateDemoParams({ seed: 1, shape: [4, 4, 4], step: 0 })).toMatch(/step/);
    expect(validateDemoParams({ seed: 1.5, shape: [4, 4, 4], step: 1 })).toMatch(/seed/);
  });
});

describe("sumAndMse", () => {
  it("matches a hand computation", () => {
    const { sum, mse } = sumAndMse(new Float32Array([1, 2, 3, 4]), new Float32Array([1, 2, 3, 2]));
    expect(sum).toBe(10);
    expect(mse).toBe(1);
  });
});

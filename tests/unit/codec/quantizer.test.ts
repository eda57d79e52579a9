import { describe, expect, it } from "vitest";
import { MAX_SYMBOL, dequantize, quantize } from "@/lib/codec";
import { createRng } from "@/lib/util/prng";

describe("quantize", () => {
  it("rounds each value divided by the step to the nearest integer", () => {
    expect(Array.from(quantize([0, 0.49, 0.51, -0.51, 2.4, -7.6, 1e-3], 0.5))).toEqual([0, 1, 1, -1, 5, -15, 0]);
    expect(Array.from(quantize(new Float32Array([3.9, -3.9, 12]), 4))).toEqual([1, -1, 3]);
  });

  it("maps NaN to 0 and saturates infinities and huge values at +-MAX_SYMBOL", () => {
    const q = quantize([NaN, Infinity, -Infinity, 1e300, -1e300, 2 ** 40], 1);
    expect(Array.from(q)).toEqual([0, MAX_SYMBOL, -MAX_SYMBOL, MAX_SYMBOL, -MAX_SYMBOL, MAX_SYMBOL]);
  });

  it("stays exact for tiny (subnormal) steps instead of overflowing the reciprocal", () => {
    expect(Array.from(quantize([3e-310, -2e-310, 0], 1e-310))).toEqual([3, -2, 0]);
  });

  it("rejects steps that are not positive finite numbers", () => {
    for (const step of [0, -1, NaN, Infinity, -Infinity]) expect(() => quantize([1], step)).toThrow(RangeError);
  });

  it("reconstructs within half a step (random values and steps)", () => {
    const rng = createRng(31);
    for (let t = 0; t < 200; t++) {
      const step = 0.01 + rng.next() * 8;
      const values = Array.from({ length: 50 }, () => rng.laplace(0, 40));
      const back = dequantize(quantize(values, step), step);
      for (let i = 0; i < values.length; i++) {
        // float32 storage of the reconstruction adds at most a relative 2^-24.
        expect(Math.abs(back[i] - values[i])).toBeLessThanOrEqual(step / 2 + Math.abs(values[i]) * 2 ** -23 + 1e-12);
      }
    }
  });
});

describe("dequantize", () => {
  it("multiplies each symbol by the step, as float32", () => {
    expect(Array.from(dequantize(Int32Array.of(3, -2, 0, MAX_SYMBOL), 0.5))).toEqual([1.5, -1, 0, 2 ** 29]);
    expect(dequantize(Int32Array.of(1), 0.1)[0]).toBe(Math.fround(0.1));
  });

  it("rejects steps that are not positive finite numbers", () => {
    for (const step of [0, -0.5, NaN, Infinity]) expect(() => dequantize(Int32Array.of(1), step)).toThrow(RangeError);
  });
});

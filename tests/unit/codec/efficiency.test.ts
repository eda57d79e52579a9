import { describe, expect, it } from "vitest";
import { encodeSymbols, estimateBits, ransEncode } from "@/lib/codec";
import { createRng } from "@/lib/util/prng";
import { DISTRIBUTIONS, drawFromTables, randomTables } from "./fixtures";

describe("coding efficiency", () => {
  for (const dist of DISTRIBUTIONS) {
    for (const channels of [1, 64]) {
      it(`${dist} tables, ${channels} channel(s): 100,000 symbols cost < 1 % over the estimate`, () => {
        const rng = createRng(51 + channels);
        const tables = randomTables(rng, channels, dist);
        const symbols = drawFromTables(rng, tables, 100_000 - (100_000 % channels));
        const estimate = estimateBits(symbols, tables);
        const bits = ransEncode([{ symbols, tables }]).length * 8;
        expect(bits).toBeLessThan(estimate * 1.01);
        // Nor far below it: rANS rounding can land a hair under the information content (about 0.05 % on
        // skewed tables), never much more; a big gap would mean the estimate itself is wrong.
        expect(bits).toBeGreaterThan(estimate * 0.995);
      });
    }
  }

  it("a very low-entropy source (one symbol at 65535/65536) still codes within 1 % + the 4-byte state", () => {
    const tables = randomTables(createRng(59), 1, "flat");
    const lopsided = { ...tables, cdf: Int32Array.of(0, 65535, 65536), cdfLength: Int32Array.of(3), stride: 3 };
    const symbols = new Int32Array(100_000).fill(lopsided.offset[0]);
    const estimate = estimateBits(symbols, lopsided);
    const payload = encodeSymbols({ model: 0, split: 0, rate: 0 }, [{ symbols, tables: lopsided }]).payloadBytes;
    expect(payload * 8).toBeLessThan(estimate * 1.01 + 32);
  });
});

// A stream made with a fitted unit carries the unit's id (flag 0x40 in the version byte, 8 bytes after the ids);
// streams without one are unchanged, byte for byte, and a decoder holding another unit refuses the stream.
import { describe, expect, it } from "vitest";
import { BitstreamError, decodeSymbols, encodeSymbols, readContainer, writeContainer, type Header } from "@/lib/codec";
import { createRng } from "@/lib/util/prng";
import { product, randomSymbols, randomTables } from "./fixtures";

const rng = createRng(91);
const SHAPES = [[4, 4, 6]];
const TABLES = [randomTables(rng, 6, "peaked")];
const SYMBOLS = randomSymbols(rng, TABLES[0], product(SHAPES[0]), "peaked", 0.02);
const UNIT = "0123456789abcdef";
const encode = (header: Header) => encodeSymbols(header, [{ symbols: SYMBOLS, tables: TABLES[0] }]).bytes;

describe("fitted unit ids in the container", () => {
  it("adds exactly 8 bytes and a flag, and reads the id back", () => {
    const plain = encode({ model: 0, split: 7, rate: 2 });
    const fitted = encode({ model: 0, split: 7, rate: 2, unit: UNIT });
    expect(fitted.length).toBe(plain.length + 8);
    expect(plain[2]).toBe(1);
    expect(fitted[2]).toBe(0x41);
    expect(readContainer(fitted).header.unit).toBe(UNIT);
    expect(readContainer(plain).header.unit).toBeUndefined();
    const decoded = decodeSymbols(fitted, (h) => {
      expect(h.unit).toBe(UNIT);
      return { shapes: SHAPES, tables: TABLES };
    });
    expect(Array.from(decoded.symbols[0])).toEqual(Array.from(SYMBOLS));
  });

  it("keeps streams without a unit byte for byte as before (same bytes as the pre-flag layout)", () => {
    const plain = encode({ model: 1, split: 0, rate: 4 });
    // The payload and CRC follow "SP", version 1 and the three one-byte ids directly.
    expect(Array.from(plain.subarray(0, 6))).toEqual([0x53, 0x50, 1, 1, 0, 4]);
  });

  it("refuses a malformed id when writing, and a stream cut inside the id when reading", () => {
    expect(() => writeContainer({ model: 0, split: 0, rate: 0, unit: "xyz" }, new Uint8Array(1))).toThrow(RangeError);
    const fitted = encode({ model: 0, split: 7, rate: 2, unit: UNIT });
    expect(() => readContainer(fitted.subarray(0, 9))).toThrow(BitstreamError);
  });
});

import { describe, expect, it } from "vitest";
import {
  BitstreamError,
  decodeSymbols,
  encodeSymbols,
  ransDecode,
  ransEncode,
  tablesFromJSON,
  tablesFromSamples,
  type EntropyTables,
  type StreamSpec,
} from "@/lib/codec";
import { createRng } from "@/lib/util/prng";
import { DISTRIBUTIONS, caught, INT32_MAX, INT32_MIN, extremeValue, firstDifference, manifestResolver, product, randomSymbols, randomTables } from "./fixtures";

function roundTrip(segments: { symbols: Int32Array; tables: EntropyTables }[]): Int32Array[] {
  const bytes = ransEncode(segments);
  return ransDecode(
    bytes,
    segments.map((s) => ({ count: s.symbols.length, tables: s.tables })),
  );
}

describe("rANS round trip", () => {
  it("restores random shapes and distributions exactly (200 seeded cases)", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rng = createRng(seed);
      const dist = DISTRIBUTIONS[seed % 3];
      const channels = [1, 2, 3, 5, 16, 64][rng.int(0, 5)];
      const tables = randomTables(rng, channels, dist);
      const count = channels * rng.int(1, 400);
      const symbols = randomSymbols(rng, tables, count, dist, rng.next() < 0.3 ? 0.05 : 0);
      const [decoded] = roundTrip([{ symbols, tables }]);
      expect(decoded, `seed ${seed}`).toEqual(symbols);
    }
  });

  it("codes a single symbol, in range and escaped", () => {
    const rng = createRng(7);
    const tables = randomTables(rng, 1, "peaked");
    for (const v of [tables.offset[0], INT32_MIN, INT32_MAX, tables.offset[0] - 1, tables.offset[0] + tables.cdfLength[0] - 2]) {
      const symbols = Int32Array.of(v);
      expect(roundTrip([{ symbols, tables }])[0]).toEqual(symbols);
    }
  });

  it("codes the int32 extremes against tables at the offset limits", () => {
    const rng = createRng(11);
    for (const dist of DISTRIBUTIONS) {
      const tables = randomTables(rng, 8, dist);
      const symbols = new Int32Array(8 * 50);
      for (let i = 0; i < symbols.length; i++) symbols[i] = extremeValue(rng);
      expect(roundTrip([{ symbols, tables }])[0]).toEqual(symbols);
    }
  });

  it("codes values that are all far outside, all negative, or all at one support edge", () => {
    const rng = createRng(12);
    const tables = randomTables(rng, 4, "peaked");
    const cases = [
      Int32Array.from({ length: 400 }, () => rng.int(10_000_000, INT32_MAX)),
      Int32Array.from({ length: 400 }, () => -rng.int(1, 5000)),
      Int32Array.from({ length: 400 }, (_, i) => tables.offset[i % 4]),
      Int32Array.from({ length: 400 }, (_, i) => tables.offset[i % 4] + tables.cdfLength[i % 4] - 3),
    ];
    for (const symbols of cases) expect(roundTrip([{ symbols, tables }])[0]).toEqual(symbols);
  });

  it("codes 1,000,000 symbols over 64 channels", () => {
    const rng = createRng(13);
    const tables = randomTables(rng, 64, "peaked");
    const symbols = randomSymbols(rng, tables, 1_000_000, "peaked", 0.001);
    expect(firstDifference(roundTrip([{ symbols, tables }])[0], symbols)).toBe(-1);
  });

  it("codes several segments with different tables in one stream, empty ones included", () => {
    const rng = createRng(14);
    const segments = DISTRIBUTIONS.flatMap((dist, i) => {
      const tables = randomTables(rng, 1 + 7 * i, dist);
      return [
        { symbols: randomSymbols(rng, tables, tables.channels * 300, dist, 0.02), tables },
        { symbols: new Int32Array(0), tables },
      ];
    });
    const decoded = roundTrip(segments);
    expect(decoded).toEqual(segments.map((s) => s.symbols));
  });

  it("learns tables from samples that then code unseen and extreme values", () => {
    const rng = createRng(15);
    const seen = new Int32Array(3 * 2000).map((_, i) => Math.round(rng.laplace(i % 3, 2)));
    const tables = tablesFromSamples(seen, 3);
    const fresh = new Int32Array(3 * 500).map(() => (rng.next() < 0.1 ? extremeValue(rng) : Math.round(rng.cauchy(0, 5))));
    expect(roundTrip([{ symbols: fresh, tables }])[0]).toEqual(fresh);
  });

  it("decodes streams at the smallest size their tables allow (the decoder's size bound is never too tight)", () => {
    // Every symbol is the likely one: 60000/65536 (0.127 bits), 65000/65536 or 65535/65536 (0.00002 bits).
    for (const likely of [60000, 65000, 65535]) {
      const tables = tablesFromJSON({
        precision: 16,
        cdfs: [
          [0, likely, 65536],
          [0, likely, 65536],
        ],
        offsets: [0, -3],
      });
      const symbols = new Int32Array(1_000_000).map((_, i) => (i % 2 === 0 ? 0 : -3));
      expect(firstDifference(roundTrip([{ symbols, tables }])[0], symbols)).toBe(-1);
    }
  });

  it("refuses a payload far too short for its declared symbols before allocating them", () => {
    const tables = tablesFromJSON({ precision: 16, cdfs: [[0, 32768, 65535, 65536]], offsets: [0] });
    const e = caught(() => ransDecode(Uint8Array.of(0, 0x80, 0, 0, 1, 2, 3), [{ count: 2 ** 24, tables }]));
    expect(e).toBeInstanceOf(BitstreamError);
    expect((e as BitstreamError).code).toBe("corrupt-payload");
    expect((e as BitstreamError).message).toMatch(/too short/);
  });

  it("refuses symbols that do not fill whole channels", () => {
    const tables = randomTables(createRng(16), 4, "flat");
    expect(() => ransEncode([{ symbols: new Int32Array(6), tables }])).toThrow(RangeError);
  });
});

describe("container round trip", () => {
  it("restores several tensors from a manifest-defined stream", () => {
    const rng = createRng(21);
    const shapes = [
      [1, 9, 7, 16],
      [1, 3, 3, 5],
      [40, 1],
    ];
    const tables = shapes.map((s, i) => randomTables(rng, s[s.length - 1], DISTRIBUTIONS[i]));
    const symbols = shapes.map((s, i) => randomSymbols(rng, tables[i], product(s), DISTRIBUTIONS[i], 0.02));
    const header = { model: 3, split: 200, rate: 70000 };
    const { bytes } = encodeSymbols(
      header,
      symbols.map((s, i) => ({ symbols: s, tables: tables[i] })),
    );
    const resolve = manifestResolver(new Map<string, StreamSpec>([["3/200/70000", { shapes, tables }]]));
    const out = decodeSymbols(bytes, resolve);
    expect(out.header).toEqual({ ...header, shapes: undefined });
    expect(out.shapes).toEqual(shapes);
    expect(out.symbols).toEqual(symbols);
  });

  it("restores an explicit-shape stream and hands its shapes to the resolver", () => {
    const rng = createRng(22);
    const shapes = [[2, 5, 6, 3]];
    const tables = [randomTables(rng, 3, "heavy")];
    const symbols = randomSymbols(rng, tables[0], product(shapes[0]), "heavy", 0.05);
    const header = { model: 0xffffffff, split: 0, rate: 127, shapes };
    const { bytes } = encodeSymbols(header, [{ symbols, tables: tables[0] }]);
    let seen: unknown;
    const out = decodeSymbols(bytes, (h) => {
      seen = h;
      return { shapes: h.shapes ?? [], tables };
    });
    expect(seen).toEqual(header);
    expect(out.shapes).toEqual(shapes);
    expect(out.symbols[0]).toEqual(symbols);
  });
});

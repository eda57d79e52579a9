import { describe, expect, it } from "vitest";
import {
  BitstreamError,
  LIMITS,
  MAGIC,
  VERSION,
  crc32,
  decodeSymbols,
  encodeSymbols,
  readContainer,
  writeContainer,
  type EntropyTables,
  type Header,
  type StreamSpec,
} from "@/lib/codec";
import { createRng } from "@/lib/util/prng";
import { expectBitstreamError, handBuiltContainer, leb128, manifestResolver, product, randomSymbols, randomTables, withFreshCrc } from "./fixtures";

const rng = createRng(61);
const SHAPES = [[1, 6, 5, 8]];
const TABLES = [randomTables(rng, 8, "peaked")];
const SYMBOLS = randomSymbols(rng, TABLES[0], product(SHAPES[0]), "peaked", 0.02);
const IDS = { model: 1, split: 2, rate: 3 };
const resolve = manifestResolver(new Map<string, StreamSpec>([["1/2/3", { shapes: SHAPES, tables: TABLES }]]));
const encode = (header: Header = IDS): Uint8Array => encodeSymbols(header, [{ symbols: SYMBOLS, tables: TABLES[0] }]).bytes;

describe("container layout", () => {
  it("computes the standard CRC-32 (check value of '123456789')", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it("computes the same CRC-32 as the plain bit-by-bit definition, for any length and range", () => {
    const bitwise = (b: Uint8Array, start: number, end: number): number => {
      let c = 0xffffffff;
      for (let i = start; i < end; i++) {
        c ^= b[i];
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    const r = createRng(65);
    for (let t = 0; t < 300; t++) {
      const b = Uint8Array.from({ length: r.int(0, 100) }, () => r.int(0, 255));
      const start = r.int(0, b.length);
      const end = r.int(start, b.length);
      expect(crc32(b, start, end)).toBe(bitwise(b, start, end));
      expect(crc32(b)).toBe(bitwise(b, 0, b.length));
    }
  });

  it("a manifest-defined stream costs 11 bytes over its payload below 128 bytes, 12 below 16 KiB, 13 beyond", () => {
    // magic 2 + version 1 + model, split, rate 1 each (ids under 128) + payload length 1-3 + CRC-32 4.
    for (const [payload, overhead] of [
      [0, 11],
      [127, 11],
      [128, 12],
      [16 * 1024 - 1, 12],
      [16 * 1024, 13],
      [100_000, 13],
    ]) {
      expect(writeContainer({ model: 1, split: 127, rate: 0 }, new Uint8Array(payload)).length - payload, `payload ${payload}`).toBe(overhead);
    }
  });

  it("a manifest-defined stream of real symbols decodes back, its overhead as stated", () => {
    const r = createRng(62);
    for (const perChannel of [1, 10, 100, 1000, 5000, 20_000]) {
      const tables = randomTables(r, 4, "flat");
      const symbols = randomSymbols(r, tables, 4 * perChannel, "flat");
      const { bytes, payloadBytes } = encodeSymbols({ model: 127, split: 127, rate: 127 }, [{ symbols, tables }]);
      expect(bytes.length - payloadBytes, `payload ${payloadBytes}`).toBe(payloadBytes < 128 ? 11 : payloadBytes < 16 * 1024 ? 12 : 13);
      const out = decodeSymbols(bytes, () => ({ shapes: [[perChannel, 4]], tables: [tables] }));
      expect(out.symbols[0]).toEqual(symbols);
    }
  });

  it("starts with the magic and the version, ends with the CRC-32 of all bytes before it", () => {
    const bytes = encode();
    expect(Array.from(bytes.subarray(0, 3))).toEqual([...MAGIC, VERSION]);
    expect(encode({ ...IDS, shapes: SHAPES })[2]).toBe(VERSION | 0x80);
    const stored = new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 4, true);
    expect(stored).toBe(crc32(bytes, 0, bytes.length - 4));
  });

  it("reads a stream that sits at an offset inside a larger buffer", () => {
    const bytes = encode();
    const big = new Uint8Array(bytes.length + 13);
    big.set(bytes, 7);
    expect(decodeSymbols(big.subarray(7, 7 + bytes.length), resolve).symbols[0]).toEqual(SYMBOLS);
  });

  it("round-trips header ids over the whole 32-bit range", () => {
    for (const header of [
      { model: 0, split: 0, rate: 0 },
      { model: 0xffffffff, split: 128, rate: 16383 },
    ]) {
      expect(readContainer(writeContainer(header, Uint8Array.of(1, 2, 3))).header).toEqual({ ...header, shapes: undefined });
    }
  });

  it("will not write a stream it would refuse to read", () => {
    const t = TABLES[0];
    // Shapes that disagree with the symbols, or with the tables' channel count.
    expect(() => encodeSymbols({ ...IDS, shapes: [[1, 6, 5, 9]] }, [{ symbols: SYMBOLS, tables: t }])).toThrow(RangeError);
    expect(() => encodeSymbols({ ...IDS, shapes: [[31, 8]] }, [{ symbols: SYMBOLS, tables: t }])).toThrow(RangeError);
    expect(() => encodeSymbols({ ...IDS, shapes: [[240], [240]] }, [{ symbols: SYMBOLS, tables: t }])).toThrow(RangeError);
    expect(() => writeContainer({ ...IDS, shapes: [[4097, 4096]] }, Uint8Array.of(0, 0, 0, 0))).toThrow(RangeError);
    expect(() => writeContainer({ ...IDS, model: -1 }, Uint8Array.of(0, 0, 0, 0))).toThrow(RangeError);
  });
});

describe("container defects each give their own error code", () => {
  it("bad-magic", () => {
    const bytes = encode();
    for (const i of [0, 1]) {
      const b = bytes.slice();
      b[i] ^= 0x20;
      expectBitstreamError(() => decodeSymbols(b, resolve), "bad-magic");
    }
    expectBitstreamError(() => decodeSymbols(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10), resolve), "bad-magic");
  });

  it("unknown-version", () => {
    for (const v of [0, 2, 0x7f, 0x82]) {
      const b = encode();
      b[2] = v;
      expectBitstreamError(() => decodeSymbols(withFreshCrc(b), resolve), "unknown-version");
    }
  });

  it("truncated, at every possible length, manifest-defined and explicit-shape", () => {
    for (const bytes of [encode(), encode({ ...IDS, shapes: SHAPES })]) {
      for (let len = 0; len < bytes.length; len++) {
        expectBitstreamError(() => decodeSymbols(bytes.slice(0, len), resolve), "truncated");
      }
    }
  });

  it("trailing-bytes", () => {
    const bytes = encode();
    for (const extra of [1, 4, 100]) {
      const b = new Uint8Array(bytes.length + extra);
      b.set(bytes);
      expectBitstreamError(() => decodeSymbols(b, resolve), "trailing-bytes");
    }
  });

  it("checksum-mismatch, whether the payload, a header id or the CRC itself changed", () => {
    const bytes = encode();
    for (const i of [3, 4, 5, 8, bytes.length - 10, bytes.length - 5, bytes.length - 1]) {
      const b = bytes.slice();
      b[i] ^= 0x01;
      expectBitstreamError(() => decodeSymbols(b, resolve), "checksum-mismatch");
    }
  });

  it("unknown-id, thrown by the resolver and passed through unchanged", () => {
    const e = expectBitstreamError(() => decodeSymbols(encode({ model: 1, split: 2, rate: 4 }), resolve), "unknown-id");
    expect(e.message).toMatch(/rate 4/);
  });

  it("shape-mismatch between explicit shapes and what the ids define", () => {
    for (const shapes of [[[1, 5, 6, 8]], [[6, 5, 8]], [[1, 6, 5, 8], [1]]]) {
      const head = [...MAGIC, VERSION | 0x80, ...leb128(1), ...leb128(2), ...leb128(3), ...leb128(shapes.length)];
      for (const s of shapes) head.push(...leb128(s.length), ...s.flatMap(leb128));
      const payload = encodeSymbols(IDS, [{ symbols: SYMBOLS, tables: TABLES[0] }]).bytes;
      const inner = readContainer(payload).payload;
      expectBitstreamError(() => decodeSymbols(handBuiltContainer([...head, ...leb128(inner.length)], inner), resolve), "shape-mismatch");
    }
  });

  it("table-mismatch: wrong channel count, or not one table set per tensor", () => {
    const bytes = encode();
    const other: EntropyTables = randomTables(createRng(63), 4, "peaked");
    expectBitstreamError(() => decodeSymbols(bytes, () => ({ shapes: SHAPES, tables: [other] })), "table-mismatch");
    expectBitstreamError(() => decodeSymbols(bytes, () => ({ shapes: SHAPES, tables: [] })), "table-mismatch");
    expectBitstreamError(() => decodeSymbols(bytes, () => ({ shapes: SHAPES, tables: [TABLES[0], TABLES[0]] })), "table-mismatch");
  });

  describe("too-large, rejected before anything is allocated or resolved", () => {
    const explicit = (dims: number[][], payloadLen = 4, tensors = dims.length): number[] => {
      const head = [...MAGIC, VERSION | 0x80, 1, 2, 3, ...leb128(tensors)];
      for (const d of dims) head.push(...leb128(d.length), ...d.flatMap(leb128));
      return [...head, ...leb128(payloadLen)];
    };
    const cases: [string, number[]][] = [
      ["2^24 + 1 elements in one dimension", explicit([[2 ** 24 + 1]])],
      ["2^24 + 4096 elements over two dimensions", explicit([[4097, 4096]])],
      ["2^24 + 1 elements over two tensors", explicit([[2 ** 24], [1]])],
      ["dimensions whose product overflows 2^53", explicit([[2 ** 24, 2 ** 24, 2 ** 24, 2 ** 24]])],
      ["17 tensors", explicit(Array.from({ length: 17 }, () => [1]))],
      ["rank 7", explicit([[1, 1, 1, 1, 1, 1, 1]])],
      ["a varint longer than 5 bytes", [...MAGIC, VERSION, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]],
      ["a varint above 2^32 - 1", [...MAGIC, VERSION, 0xff, 0xff, 0xff, 0xff, 0x1f]],
    ];
    for (const [name, head] of cases) {
      it(name, () => {
        let resolved = 0;
        expectBitstreamError(
          () =>
            decodeSymbols(handBuiltContainer(head, Uint8Array.of(0x00, 0x80, 0x00, 0x00)), (h) => {
              resolved++;
              return { shapes: h.shapes ?? [], tables: [] };
            }),
          "too-large",
        );
        expect(resolved).toBe(0);
      });
    }

    it("a payload length over the limit, without needing the bytes to exist", () => {
      const head = [...MAGIC, VERSION, 1, 2, 3, ...leb128(LIMITS.maxPayloadBytes + 1)];
      expectBitstreamError(() => decodeSymbols(handBuiltContainer(head, []), resolve), "too-large");
    });

    it("a manifest that defines more than 2^24 elements, checked before decoding its payload", () => {
      const tables = [randomTables(createRng(64), 1, "flat")];
      // The payload is garbage: decoding it would fail with a different code.
      const bytes = handBuiltContainer([...MAGIC, VERSION, 1, 2, 3, 4], Uint8Array.of(0, 0, 0, 0));
      expectBitstreamError(() => decodeSymbols(bytes, () => ({ shapes: [[2 ** 24 + 1, 1]], tables })), "too-large");
    });

    it("zero tensors or a zero dimension are refused", () => {
      for (const head of [explicit([], 4, 0), explicit([[3, 0]])]) {
        const e = (() => {
          try {
            decodeSymbols(handBuiltContainer(head, Uint8Array.of(0, 0x80, 0, 0)), resolve);
          } catch (err) {
            return err;
          }
        })();
        expect(e).toBeInstanceOf(BitstreamError);
      }
    });
  });

  describe("corrupt-payload: the CRC was recomputed, so the rANS layer must notice", () => {
    const inner = (): Uint8Array => readContainer(encode()).payload.slice();
    const rewrap = (payload: Uint8Array): Uint8Array => writeContainer(IDS, payload);

    it("an extra byte after the last symbol", () => {
      const p = inner();
      const longer = new Uint8Array(p.length + 1);
      longer.set(p);
      expectBitstreamError(() => decodeSymbols(rewrap(longer), resolve), "corrupt-payload");
    });

    it("a payload one byte short", () => {
      expectBitstreamError(() => decodeSymbols(rewrap(inner().subarray(0, -1)), resolve), "corrupt-payload");
    });

    it("an initial state below its lower bound or above 2^31", () => {
      for (const first of [
        [0, 0, 0, 0],
        [0x80, 0, 0, 0],
        [0xff, 0xff, 0xff, 0xff],
      ]) {
        const p = inner();
        p.set(first, 0);
        expectBitstreamError(() => decodeSymbols(rewrap(p), resolve), "corrupt-payload");
      }
    });

    it("a changed byte in the middle of the payload", () => {
      const p = inner();
      p[p.length >> 1] ^= 0x40;
      expectBitstreamError(() => decodeSymbols(rewrap(p), resolve), "corrupt-payload");
    });

    it("an escape that claims more nibbles than any int32 needs", () => {
      // One channel whose only support symbol owns slot 0; every other slot is the escape (start 1, freq 65535).
      // From state 0x7fff7000 the escape step gives 0x7fff * 65535 + 0x7000 - 1 = 0x7ffef000, whose slot
      // 0xf000 reads as a nibble count of 15 + 1 = 16.
      const tables = [{ channels: 1, stride: 3, cdf: Int32Array.of(0, 1, 65536), cdfLength: Int32Array.of(3), offset: Int32Array.of(0) }];
      const state = 0x7fff_7000;
      const payload = Uint8Array.of(state >>> 24, (state >>> 16) & 0xff, (state >>> 8) & 0xff, state & 0xff, 0xff, 0xff, 0xff, 0xff);
      const bytes = writeContainer(IDS, payload);
      const e = expectBitstreamError(() => decodeSymbols(bytes, () => ({ shapes: [[1, 1]], tables })), "corrupt-payload");
      expect(e.message).toMatch(/escape/);
    });

    it("a payload shorter than the 4-byte state is truncated", () => {
      expectBitstreamError(() => decodeSymbols(rewrap(inner().subarray(0, 3)), resolve), "truncated");
    });
  });
});

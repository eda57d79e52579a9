/**
 * Robustness fuzz: mutated, truncated and random streams must be refused with a BitstreamError (never any
 * other error, hang or runaway allocation), or, where the checksum still passes, decode to the declared shape.
 * Seeded: set CODEC_FUZZ_SEED to explore other cases; a failure message names the seed, case and mutation.
 */
import { describe, expect, it } from "vitest";
import {
  BitstreamError,
  MAGIC,
  VERSION,
  decodeSymbols,
  encodeSymbols,
  readContainer,
  writeContainer,
  type BitstreamErrorCode,
  type EntropyTables,
  type Header,
  type StreamSpec,
} from "@/lib/codec";
import { createRng, type Rng } from "@/lib/util/prng";
import { idKey, manifestResolver, product, randomSymbols, randomTables, withFreshCrc, type Distribution } from "./fixtures";

const SEED = Number(process.env.CODEC_FUZZ_SEED ?? 20260726);
const CASES = 12_000;

// --- The streams we start from, and what a receiver knows about them -------------------------------------

const setup = createRng(SEED);
interface Base {
  bytes: Uint8Array;
  header: Header;
}
const specs = new Map<string, StreamSpec>();
const bases: Base[] = [];

function addBase(header: Header, shapes: number[][], dist: Distribution, explicit: boolean): void {
  const tables = shapes.map((s) => randomTables(setup, s[s.length - 1], dist));
  const symbols = shapes.map((s, i) => randomSymbols(setup, tables[i], product(s), dist, 0.03));
  const h = explicit ? { ...header, shapes } : header;
  specs.set(idKey(header), { shapes, tables });
  bases.push({
    bytes: encodeSymbols(
      h,
      symbols.map((s, i) => ({ symbols: s, tables: tables[i] })),
    ).bytes,
    header: h,
  });
}
addBase({ model: 1, split: 2, rate: 3 }, [[1, 6, 5, 8]], "peaked", false);
addBase(
  { model: 4, split: 0, rate: 1 },
  [
    [3, 4, 2],
    [10, 5],
  ],
  "heavy",
  true,
);
addBase({ model: 0, split: 0, rate: 0 }, [[1, 1]], "flat", false);
addBase({ model: 200, split: 9, rate: 7 }, [[50, 64]], "flat", false);
addBase({ model: 5, split: 5, rate: 5 }, [[2, 7, 3]], "peaked", true);

const DEMO = "5/5/5";
// The demo's tables per channel count: its own for the 3 channels it was coded with, flat ones otherwise.
const demoTables = new Map<number, EntropyTables>([[3, specs.get(DEMO)!.tables[0]]]);
const strict = manifestResolver(specs);
/**
 * Known ids resolve from the manifest, except the demo id, whose explicit shapes are trusted as they come
 * (as the app's demo tensor does): that lets mutated headers declare large tensors that really get decoded.
 */
function resolve(h: Header): StreamSpec {
  if (idKey(h) !== DEMO || !h.shapes) return strict(h);
  const tables = h.shapes.map((s) => {
    const channels = s[s.length - 1];
    if (channels > 64) throw new BitstreamError("table-mismatch", `no demo tables for ${channels} channels`);
    let t = demoTables.get(channels);
    if (!t) demoTables.set(channels, (t = randomTables(createRng(channels), channels, "flat")));
    return t;
  });
  return { shapes: h.shapes, tables };
}

// --- Mutations --------------------------------------------------------------------------------------------

type Mutation = "bit-flips" | "byte-changes" | "insertion" | "deletion" | "truncation" | "random" | "random-after-magic";
const MUTATIONS: Mutation[] = ["bit-flips", "byte-changes", "insertion", "deletion", "truncation", "random", "random-after-magic"];

function randomBytes(rng: Rng, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => rng.int(0, 255));
}

function mutate(rng: Rng, src: Uint8Array, kind: Mutation): Uint8Array {
  const b = src.slice();
  const at = (): number => rng.int(0, Math.max(0, b.length - 1));
  switch (kind) {
    case "bit-flips":
      for (let n = rng.int(1, 8); n > 0 && b.length; n--) b[at()] ^= 1 << rng.int(0, 7);
      return b;
    case "byte-changes":
      for (let n = rng.int(1, 4); n > 0 && b.length; n--) b[at()] = rng.int(0, 255);
      return b;
    case "insertion": {
      const i = rng.int(0, b.length);
      const extra = randomBytes(rng, rng.int(1, 8));
      return Uint8Array.from([...b.subarray(0, i), ...extra, ...b.subarray(i)]);
    }
    case "deletion": {
      const i = at();
      return Uint8Array.from([...b.subarray(0, i), ...b.subarray(i + rng.int(1, 8))]);
    }
    case "truncation":
      return b.slice(0, rng.int(0, Math.max(0, b.length - 1)));
    case "random":
      return randomBytes(rng, rng.int(0, 300));
    case "random-after-magic": {
      const r = randomBytes(rng, rng.int(3, 300));
      r.set([...MAGIC, rng.next() < 0.5 ? VERSION : VERSION | 0x80]);
      return r;
    }
  }
}

// --- The loop -----------------------------------------------------------------------------------------------

interface Tally {
  cases: number;
  decoded: number;
  codes: Partial<Record<BitstreamErrorCode, number>>;
  kinds: Partial<Record<Mutation, number>>;
  slowestMs: number;
  memoryGrowthMB: number;
}

/** Runs `cases` mutated streams through decodeSymbols, checking each outcome; returns what happened. */
function fuzz(label: string, cases: number, make: (rng: Rng, i: number) => { bytes: Uint8Array; kind: Mutation }, allowed: BitstreamErrorCode[]): Tally {
  const rng = createRng(SEED ^ (label.length * 0x9e3779b9));
  const tally: Tally = { cases: 0, decoded: 0, codes: {}, kinds: {}, slowestMs: 0, memoryGrowthMB: 0 };
  const memory = (): number => {
    const m = process.memoryUsage();
    return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
  };
  const before = memory();
  for (let i = 0; i < cases; i++) {
    const { bytes, kind } = make(rng, i);
    const where = `${label}: seed ${SEED}, case ${i}, ${kind}, ${bytes.length} bytes`;
    const t0 = performance.now();
    let outcome: unknown;
    try {
      const out = decodeSymbols(bytes, resolve);
      // Only a stream whose checksum passed gets here: it must hold exactly what its header declares.
      const declared = resolve(out.header).shapes;
      expect(out.shapes, where).toEqual(declared);
      expect(
        out.symbols.map((s) => s.length),
        where,
      ).toEqual(declared.map(product));
      tally.decoded++;
    } catch (e) {
      outcome = e;
    }
    tally.slowestMs = Math.max(tally.slowestMs, performance.now() - t0);
    if (outcome !== undefined) {
      if (!(outcome instanceof BitstreamError)) throw new Error(`${where}: threw ${String(outcome)}`);
      if (!allowed.includes(outcome.code))
        throw new Error(`${where}: unexpected code ${outcome.code} ${outcome.message} ${Buffer.from(bytes).toString("hex")}`);
      tally.codes[outcome.code] = (tally.codes[outcome.code] ?? 0) + 1;
    }
    tally.kinds[kind] = (tally.kinds[kind] ?? 0) + 1;
    tally.cases++;
    if (i % 500 === 0) tally.memoryGrowthMB = Math.max(tally.memoryGrowthMB, memory() - before);
  }
  console.info(`codec fuzz ${label}: ${JSON.stringify(tally)}`);
  return tally;
}

const ALL_CODES: BitstreamErrorCode[] = [
  "bad-magic",
  "unknown-version",
  "truncated",
  "trailing-bytes",
  "checksum-mismatch",
  "unknown-id",
  "shape-mismatch",
  "table-mismatch",
  "too-large",
  "corrupt-payload",
];
/** Without a fresh CRC, nothing past the checksum can be reached. */
const BEFORE_CHECKSUM: BitstreamErrorCode[] = ["bad-magic", "unknown-version", "truncated", "trailing-bytes", "checksum-mismatch", "too-large"];

function expectBounded(t: Tally, cases: number): void {
  expect(t.cases).toBe(cases);
  expect(t.cases).toBeGreaterThanOrEqual(10_000);
  // No case may hang: the largest legal tensor (2^24 symbols) decodes in well under a second.
  expect(t.slowestMs).toBeLessThan(2000);
  // Garbage is collected as we go; a decoder that kept or over-allocated memory would blow far past this.
  expect(t.memoryGrowthMB).toBeLessThan(128);
}

describe("decoder fuzz", () => {
  it(`refuses ${CASES} mutated, truncated and random streams with a BitstreamError`, () => {
    const t = fuzz(
      "whole stream",
      CASES,
      (rng, i) => {
        const kind = MUTATIONS[i % MUTATIONS.length];
        return { bytes: mutate(rng, bases[rng.int(0, bases.length - 1)].bytes, kind), kind };
      },
      BEFORE_CHECKSUM,
    );
    expectBounded(t, CASES);
    for (const code of ["bad-magic", "truncated", "checksum-mismatch"] as const) expect(t.codes[code]).toBeGreaterThan(0);
  });

  it(`payload mutated and the CRC recomputed, ${CASES} times: the rANS layer refuses it or yields the declared shape`, () => {
    const t = fuzz(
      "payload, fresh CRC",
      CASES,
      (rng, i) => {
        const base = bases[rng.int(0, bases.length - 1)];
        const { payload } = readContainer(base.bytes);
        // Random payloads only make sense without the magic; use plain random bytes for both random kinds.
        const kind = MUTATIONS[i % MUTATIONS.length];
        const mutated = kind === "random-after-magic" ? randomBytes(rng, rng.int(0, 64)) : mutate(rng, payload, kind);
        return { bytes: writeContainer(base.header, mutated), kind };
      },
      ["corrupt-payload", "truncated"],
    );
    expectBounded(t, CASES);
    expect(t.codes["corrupt-payload"]).toBeGreaterThan(CASES / 2);
  });

  it(`header and payload mutated and the CRC recomputed, ${CASES} times: every code is a BitstreamError`, () => {
    const t = fuzz(
      "whole stream, fresh CRC",
      CASES,
      (rng, i) => {
        const base = bases[rng.int(0, bases.length - 1)];
        const kind = MUTATIONS[i % MUTATIONS.length];
        // Mutate what sits before the CRC, then append a correct CRC for the result.
        const body = mutate(rng, base.bytes.subarray(0, base.bytes.length - 4), kind);
        const bytes = new Uint8Array(body.length + 4);
        bytes.set(body);
        return { bytes: withFreshCrc(bytes), kind };
      },
      ALL_CODES,
    );
    expectBounded(t, CASES);
    for (const code of ["unknown-id", "shape-mismatch", "too-large", "corrupt-payload", "truncated"] as const) {
      expect(t.codes[code], code).toBeGreaterThan(0);
    }
  });
});

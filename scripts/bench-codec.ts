/**
 * Codec throughput and coding overhead on a realistic bottleneck latent: 1,000,000 symbols over 64 channels,
 * half of them Laplacian around zero and half ReLU-like (rectified, shifted Laplacian), each channel with its
 * own scale, coded with tables built from the channels' true discretized PMFs.
 *
 *   npm run bench:codec            human-readable lines
 *   npm run bench:codec -- --json  the same, then one JSON object as the last line
 *
 * Times cover the whole path a caller uses (encodeSymbols / decodeSymbols: rANS, container, CRC). Wall-clock
 * medians are the headline; on Linux the main thread's own CPU time over all timed runs is reported too,
 * since on a shared machine the wall clock also counts the time other processes held the core. (The kernel
 * updates that counter about every scheduler tick, so it is only meaningful summed over many runs.)
 */
import { readFileSync } from "node:fs";
import { buildTables, decodeSymbols, encodeSymbols, estimateBits, quantize, type StreamSpec } from "@/lib/codec";
import { createRng } from "@/lib/util/prng";
import { readOptions } from "./args";

const SYMBOLS = 1_000_000;
const CHANNELS = 64;
const WARMUP_RUNS = 5;
const RUNS = 9;
const SEED = 20220811;

const laplaceCdf = (x: number, mu: number, b: number): number => (x < mu ? 0.5 * Math.exp((x - mu) / b) : 1 - 0.5 * Math.exp(-(x - mu) / b));

interface Channel {
  mu: number;
  b: number;
  rectified: boolean;
}

/** P(round(v) = k) for the channel's latent v, over the integers where it is not negligible. */
function channelPmf(ch: Channel): { offset: number; pmf: number[] } {
  const cdf = (x: number): number => (ch.rectified && x < 0 ? 0 : laplaceCdf(x, ch.mu, ch.b));
  const lo = ch.rectified ? 0 : Math.floor(ch.mu + ch.b * Math.log(2e-7));
  const hi = Math.ceil(ch.mu - ch.b * Math.log(2e-7));
  const pmf: number[] = [];
  for (let k = lo; k <= hi; k++) pmf.push(cdf(k + 0.5) - cdf(k - 0.5));
  return { offset: lo, pmf };
}

function makeLatent(): { symbols: Int32Array; spec: StreamSpec } {
  const rng = createRng(SEED);
  const channels: Channel[] = [];
  for (let c = 0; c < CHANNELS; c++) {
    const b = 0.25 * Math.exp(rng.next() * Math.log(24)); // log-uniform scale in [0.25, 6]
    channels.push(c % 2 === 0 ? { mu: 0, b, rectified: false } : { mu: rng.next() * 3 - 1, b, rectified: true });
  }
  const values = new Float32Array(SYMBOLS);
  for (let i = 0; i < SYMBOLS; i++) {
    const ch = channels[i % CHANNELS];
    const v = rng.laplace(ch.mu, ch.b);
    values[i] = ch.rectified ? Math.max(0, v) : v;
  }
  const pmfs = channels.map(channelPmf);
  const tables = buildTables(
    pmfs.map((p) => p.pmf),
    pmfs.map((p) => p.offset),
  );
  return { symbols: quantize(values, 1), spec: { shapes: [[1, 125, 125, CHANNELS]], tables: [tables] } };
}

/** This thread's time on a CPU in ms (Linux); null where unavailable. */
function threadCpuMs(): number | null {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
  } catch {
    return null;
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function main(): void {
  const json = readOptions("bench:codec", { json: { type: "boolean", help: "print one JSON object instead of a table" } }).json ?? false;
  const { symbols, spec } = makeLatent();
  const header = { model: 0, split: 0, rate: 0 };
  const tensors = [{ symbols, tables: spec.tables[0] }];
  const resolve = (): StreamSpec => spec;

  let encoded = encodeSymbols(header, tensors);
  for (let r = 0; r < WARMUP_RUNS; r++) {
    encoded = encodeSymbols(header, tensors);
    decodeSymbols(encoded.bytes, resolve);
  }
  const encodeMs: number[] = [];
  const decodeMs: number[] = [];
  const encodeCpuMs: number[] = [];
  const decodeCpuMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    let c = threadCpuMs();
    let t = performance.now();
    encoded = encodeSymbols(header, tensors);
    encodeMs.push(performance.now() - t);
    if (c !== null) encodeCpuMs.push(threadCpuMs()! - c);
    c = threadCpuMs();
    t = performance.now();
    const decoded = decodeSymbols(encoded.bytes, resolve).symbols[0];
    decodeMs.push(performance.now() - t);
    if (c !== null) decodeCpuMs.push(threadCpuMs()! - c);
    // A benchmark of a wrong decoder is worthless: check every run, outside the timed region.
    for (let i = 0; i < SYMBOLS; i++) if (decoded[i] !== symbols[i]) throw new Error(`decode mismatch at symbol ${i}`);
  }

  const estimatedBits = estimateBits(symbols, spec.tables[0]);
  const bytes = encoded.bytes.length;
  const encMed = median(encodeMs);
  const decMed = median(decodeMs);
  const result = {
    symbols: SYMBOLS,
    channels: CHANNELS,
    runs: RUNS,
    warmupRuns: WARMUP_RUNS,
    node: process.version,
    encodeMsymPerS: +(SYMBOLS / encMed / 1000).toFixed(2),
    decodeMsymPerS: +(SYMBOLS / decMed / 1000).toFixed(2),
    encodeMsMedian: +encMed.toFixed(3),
    decodeMsMedian: +decMed.toFixed(3),
    encodeCpuMsymPerS: encodeCpuMs.length ? +((SYMBOLS * RUNS) / sum(encodeCpuMs) / 1000).toFixed(2) : null,
    decodeCpuMsymPerS: decodeCpuMs.length ? +((SYMBOLS * RUNS) / sum(decodeCpuMs) / 1000).toFixed(2) : null,
    bytes,
    payloadBytes: encoded.payloadBytes,
    estimatedBits: Math.round(estimatedBits),
    bitsPerSymbol: +((bytes * 8) / SYMBOLS).toFixed(4),
    // Whole container against the ideal sum of -log2 P under the very tables used.
    overheadPct: +(((bytes * 8) / estimatedBits - 1) * 100).toFixed(4),
  };
  console.log(`codec bench: ${SYMBOLS} symbols, ${CHANNELS} channels, node ${process.version}, median of ${RUNS} runs after ${WARMUP_RUNS} warm-up`);
  console.log(`encode  ${result.encodeMsymPerS} Msym/s  (${result.encodeMsMedian} ms; runs ${encodeMs.map((m) => m.toFixed(1)).join(" ")})`);
  console.log(`decode  ${result.decodeMsymPerS} Msym/s  (${result.decodeMsMedian} ms; runs ${decodeMs.map((m) => m.toFixed(1)).join(" ")})`);
  if (result.encodeCpuMsymPerS !== null) {
    console.log(
      `cpu     encode ${result.encodeCpuMsymPerS}, decode ${result.decodeCpuMsymPerS} Msym/s on this thread's own CPU time, all ${RUNS} runs together`,
    );
  }
  console.log(`size    ${bytes} bytes (${result.bitsPerSymbol} bits/symbol), estimate ${result.estimatedBits} bits, overhead ${result.overheadPct} %`);
  if (json) console.log(JSON.stringify(result));
}

main();

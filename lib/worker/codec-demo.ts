/**
 * The codec round trip the home page shows: synthetic tensor -> symbols -> tables -> real bitstream ->
 * decoded symbols -> reconstruction. Pure TypeScript (no tfjs), so Node tests run exactly what the worker runs.
 */
import { decodeSymbols, dequantize, encodeSymbols, estimateBits, quantize, tablesFromSamples, BitstreamError } from "@/lib/codec";
import type { CodecDemoParams } from "./protocol";
import { reluLaplacian } from "./synthetic";

/** Ids of the demo stream; the demo has no model, so its shape travels explicitly in the header. */
export const DEMO_IDS = { model: 0, split: 0, rate: 0 };

export interface CodecRoundTrip {
  original: Float32Array;
  reconstructed: Float32Array;
  bitstream: Uint8Array;
  payloadBytes: number;
  estimatedBits: number;
  exact: boolean;
  timingsMs: { encode: number; decode: number };
}

export function validateDemoParams(p: CodecDemoParams): string | null {
  if (!Array.isArray(p.shape) || p.shape.length !== 3 || !p.shape.every((d) => Number.isInteger(d) && d >= 1 && d <= 512)) {
    return "The demo tensor shape must be three whole numbers between 1 and 512.";
  }
  if (p.shape[0] * p.shape[1] * p.shape[2] > 1 << 20) return "The demo tensor may have at most 1,048,576 values.";
  if (!(p.step > 0) || !Number.isFinite(p.step)) return "The quantizer step must be a positive number.";
  if (!Number.isInteger(p.seed)) return "The seed must be a whole number.";
  return null;
}

export function runCodecRoundTrip({ seed, shape, step }: CodecDemoParams): CodecRoundTrip {
  const original = reluLaplacian(shape, seed);
  const channels = shape[2];
  const symbols = quantize(original, step);
  const tables = tablesFromSamples(symbols, channels);
  const estimatedBits = estimateBits(symbols, tables);

  const t0 = performance.now();
  const { bytes, payloadBytes } = encodeSymbols({ ...DEMO_IDS, shapes: [shape] }, [{ symbols, tables }]);
  const t1 = performance.now();
  const decoded = decodeSymbols(bytes, (header) => {
    if (header.model !== DEMO_IDS.model || header.split !== DEMO_IDS.split || header.rate !== DEMO_IDS.rate) {
      throw new BitstreamError("unknown-id");
    }
    return { shapes: [shape], tables: [tables] };
  });
  const t2 = performance.now();

  const got = decoded.symbols[0];
  let exact = got.length === symbols.length;
  for (let i = 0; exact && i < symbols.length; i++) exact = got[i] === symbols[i];

  return {
    original,
    reconstructed: dequantize(got, step),
    bitstream: bytes,
    payloadBytes,
    estimatedBits,
    exact,
    timingsMs: { encode: t1 - t0, decode: t2 - t1 },
  };
}

export function sumAndMse(a: Float32Array, b: Float32Array): { sum: number; mse: number } {
  let sum = 0;
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    sum += a[i];
    const d = a[i] - b[i];
    se += d * d;
  }
  return { sum, mse: a.length ? se / a.length : 0 };
}

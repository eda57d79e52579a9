/**
 * Baselines that send the split tensor itself, without a bottleneck unit: float32, float16, and 8-bit
 * linear quantization + deflate (min and max travel as two float32 of side information).
 */
import { deflateSync, inflateSync } from "fflate";

/** float32 -> IEEE half-precision bits, round to nearest even (overflow to infinity, as hardware does). */
export function toHalfBits(value: number): number {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  e = half >>> 10;
  return sign | half;
}

export function fromHalfBits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Rounds every value through float16 and back; bytes sent = 2 per value. */
export function float16RoundTrip(values: Float32Array): { bytes: number; restored: Float32Array } {
  const restored = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) restored[i] = fromHalfBits(toHalfBits(values[i]));
  return { bytes: values.length * 2, restored };
}

/** 8-bit linear quantization between the tensor's min and max, then deflate. */
export function int8Deflate(values: Float32Array): Uint8Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const q = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) q[i] = Math.round((values[i] - lo) * scale);
  const body = deflateSync(q, { level: 9 });
  const out = new Uint8Array(8 + body.length);
  const view = new DataView(out.buffer);
  view.setFloat32(0, lo, true);
  view.setFloat32(4, hi, true);
  out.set(body, 8);
  return out;
}

export function int8Inflate(bytes: Uint8Array, count: number): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getFloat32(0, true);
  const hi = view.getFloat32(4, true);
  const q = inflateSync(bytes.subarray(8));
  if (q.length !== count) throw new Error(`int8 stream holds ${q.length} values, expected ${count}`);
  const out = new Float32Array(count);
  const step = (hi - lo) / 255;
  for (let i = 0; i < count; i++) out[i] = lo + q[i] * step;
  return out;
}

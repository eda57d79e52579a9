import { BitstreamError } from "./errors";

/** Unsigned LEB128 varints for small header integers (ids, lengths, dimensions), at most 2^32 - 1. */
export function writeVarint(out: number[], value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`varint out of range: ${value}`);
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

export function varintLength(value: number): number {
  let n = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) n++;
  return n;
}

/** Reads a varint at pos; returns [value, nextPos]. Throws "truncated" past end, "too-large" past 5 bytes. */
export function readVarint(bytes: Uint8Array, pos: number, end = bytes.length): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 5; i++) {
    if (pos >= end) throw new BitstreamError("truncated", "a header field runs past the end");
    const b = bytes[pos++];
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (value > 0xffffffff) throw new BitstreamError("too-large", "a header field exceeds 32 bits");
      return [value, pos];
    }
    scale *= 0x80;
  }
  throw new BitstreamError("too-large", "a header field is longer than 5 bytes");
}

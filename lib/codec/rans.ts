/**
 * rANS with a 32-bit state and byte-wise renormalisation, in plain JS numbers.
 * The state x lives in [L, 2^31): below 2^31 every step stays in exact int32 arithmetic in V8.
 * Symbols are laid out channels-last: symbol i of a segment uses its tables' channel i % channels.
 */
import { BitstreamError } from "./errors";
import { PRECISION, TOTAL, escapeDistance, type EntropyTables } from "./tables";

// Local copies of the table constants: an imported binding costs a load and a hole check at every use in
// optimised code, a module-local const is folded into the instructions.
const SCALE: number = PRECISION;
const M: number = TOTAL;
const L = 1 << 23;
const MASK = M - 1;
const NIBBLE_FREQ = M >> 4;
/** Enough nibbles for any escape distance of an int32 value. */
const MAX_NIBBLES = 9;

export interface Segment {
  symbols: Int32Array;
  tables: EntropyTables;
}

/** Bytes written back to front, since rANS emits its output in reverse. */
interface Out {
  buf: Uint8Array;
  pos: number;
}

function grow(o: Out): void {
  const used = o.buf.length - o.pos;
  const next = new Uint8Array(o.buf.length * 2);
  next.set(o.buf.subarray(o.pos), next.length - used);
  o.buf = next;
  o.pos = next.length - used;
}

/** Pushes one (start, freq) step; returns the new state. Used for the rare escape path. */
function put(o: Out, x: number, start: number, freq: number): number {
  const xmax = ((L >>> SCALE) << 8) * freq;
  while (x >= xmax) {
    if (o.pos === 0) grow(o);
    o.buf[--o.pos] = x & 0xff;
    x >>>= 8;
  }
  const q = (x / freq) | 0;
  return q * M + (x - q * freq) + start;
}

/** Escape tail, pushed in reverse so the decoder reads: nibble count, then nibbles most significant first. */
function putEscape(o: Out, x: number, distance: number): number {
  const nibbles: number[] = [];
  let v = distance;
  do {
    nibbles.push(v % 16);
    v = Math.floor(v / 16);
  } while (v > 0);
  for (const nib of nibbles) x = put(o, x, nib * NIBBLE_FREQ, NIBBLE_FREQ);
  return put(o, x, (nibbles.length - 1) * NIBBLE_FREQ, NIBBLE_FREQ);
}

/** Encodes every segment, in order, into one rANS byte stream. */
export function ransEncode(segments: Segment[]): Uint8Array {
  let total = 0;
  for (const s of segments) total += s.symbols.length;
  const o: Out = { buf: new Uint8Array((total >> 2) + 64), pos: 0 };
  o.pos = o.buf.length;
  // Hot-loop state lives in locals; `o` is synced only around the rare escape and growth paths.
  let buf = o.buf;
  let pos = o.pos;
  let x = L;
  // rANS is last-in first-out: walk everything backwards so the decoder reads forwards.
  for (let g = segments.length - 1; g >= 0; g--) {
    const { symbols, tables } = segments[g];
    const { channels, stride, cdf, cdfLength, offset } = tables;
    if (symbols.length % channels !== 0) throw new RangeError(`segment ${g}: ${symbols.length} symbols do not fill ${channels} channels`);
    let c = (symbols.length - 1) % channels;
    for (let i = symbols.length - 1; i >= 0; i--) {
      const v = symbols[i];
      const support = cdfLength[c] - 2;
      let k = v - offset[c];
      if (k < 0 || k >= support) {
        o.buf = buf;
        o.pos = pos;
        x = putEscape(o, x, escapeDistance(v, offset[c], support));
        buf = o.buf;
        pos = o.pos;
        k = support;
      }
      const base = c * stride + k;
      const start = cdf[base];
      const freq = cdf[base + 1] - start;
      const xmax = ((L >>> SCALE) << 8) * freq;
      while (x >= xmax) {
        if (pos === 0) {
          o.buf = buf;
          o.pos = pos;
          grow(o);
          buf = o.buf;
          pos = o.pos;
        }
        buf[--pos] = x & 0xff;
        x >>>= 8;
      }
      const q = (x / freq) | 0;
      x = q * M + (x - q * freq) + start;
      if (--c < 0) c = channels - 1;
    }
  }
  o.buf = buf;
  o.pos = pos;
  for (let b = 0; b < 4; b++) {
    if (o.pos === 0) grow(o);
    o.buf[--o.pos] = x & 0xff;
    x >>>= 8;
  }
  return o.buf.slice(o.pos);
}

/**
 * Decoding looks a slot's symbol up in a per-channel table indexed by the slot's top LOOKUP_BITS bits, then
 * steps over the few symbols that share that bucket. A full 2^16-entry table per channel would need no step,
 * but with dozens of channels it falls out of cache and decodes several times slower.
 */
const LOOKUP_BITS = 10;
const LOOKUP_SHIFT = SCALE - LOOKUP_BITS;
const lookups = new WeakMap<EntropyTables, Uint16Array>();

function lookupFor(t: EntropyTables): Uint16Array {
  let lut = lookups.get(t);
  if (!lut) {
    lut = new Uint16Array(t.channels << LOOKUP_BITS);
    for (let c = 0; c < t.channels; c++) {
      const base = c * t.stride;
      let k = 0;
      for (let j = 0; j < 1 << LOOKUP_BITS; j++) {
        while (t.cdf[base + k + 1] <= j << LOOKUP_SHIFT) k++;
        lut[(c << LOOKUP_BITS) | j] = k;
      }
    }
    lookups.set(t, lut);
  }
  return lut;
}

/**
 * Fewest bits any valid stream can spend on `count` symbols of these tables. Each symbol grows the coder's
 * information by at least its cost, -log2(freq / TOTAL), less a rounding loss below 0.0114 bits (the state
 * is at least 128 times the frequency when a symbol goes in); escape tails only add to it.
 */
const ROUNDING_LOSS_BITS = 0.0114;
const minimumBitsPerRound = new WeakMap<EntropyTables, number>();

function minimumBits(t: EntropyTables, count: number): number {
  let perRound = minimumBitsPerRound.get(t);
  if (perRound === undefined) {
    perRound = 0;
    for (let c = 0; c < t.channels; c++) {
      let maxFreq = 1;
      for (let k = 0, row = c * t.stride; k < t.cdfLength[c] - 1; k++) maxFreq = Math.max(maxFreq, t.cdf[row + k + 1] - t.cdf[row + k]);
      perRound += SCALE - Math.log2(maxFreq) - ROUNDING_LOSS_BITS;
    }
    minimumBitsPerRound.set(t, perRound);
  }
  return (count / t.channels) * perRound;
}

function corrupt(detail: string): never {
  throw new BitstreamError("corrupt-payload", detail);
}

/** Decoder state shared with the escape path, which is rare enough to live outside the hot loop. */
interface In {
  bytes: Uint8Array;
  x: number;
  pos: number;
}

function getNibble(s: In): number {
  const slot = s.x & MASK;
  const nib = slot >>> 12;
  let x = NIBBLE_FREQ * (s.x >>> SCALE) + slot - nib * NIBBLE_FREQ;
  while (x < L) {
    if (s.pos >= s.bytes.length) corrupt("ran out of bytes");
    x = (x << 8) | s.bytes[s.pos++];
  }
  s.x = x;
  return nib;
}

function getEscaped(s: In, offset: number, support: number): number {
  const n = getNibble(s) + 1;
  if (n > MAX_NIBBLES) corrupt("escape longer than any int32");
  let d = 0;
  for (let j = 0; j < n; j++) d = d * 16 + getNibble(s);
  const v = d % 2 === 0 ? offset + support + d / 2 : offset - 1 - (d - 1) / 2;
  if (v > 0x7fffffff || v < -0x80000000) corrupt("escaped value beyond int32");
  return v;
}

/**
 * Decodes segments of the given sizes from one rANS byte stream. Every byte must be consumed and the state
 * must return to its initial value; anything else means the stream is corrupt, never a silently wrong tensor.
 */
export function ransDecode(bytes: Uint8Array, segments: { count: number; tables: EntropyTables }[]): Int32Array[] {
  const end = bytes.length;
  if (end < 4) throw new BitstreamError("truncated", "the coded payload is shorter than its 4-byte state");
  let x = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  if (x < L || x >= 2 ** 31) corrupt("initial state out of range");
  // A stream holds at most 31 bits in its final state and 8 per further byte, and starts from 23 bits
  // (L = 2^23); so a payload far too short for the declared symbols is refused before their arrays exist.
  let needed = 0;
  for (const seg of segments) {
    if (seg.count % seg.tables.channels !== 0) throw new BitstreamError("table-mismatch", `${seg.count} symbols do not fill ${seg.tables.channels} channels`);
    needed += minimumBits(seg.tables, seg.count);
  }
  if (needed > 8 * end - 24 + 64) corrupt(`${end} bytes are too short for the declared symbols (at least ${Math.ceil(needed / 8)} needed)`);
  let pos = 4;
  const safeEnd = end - 2;
  const esc: In = { bytes, x, pos };
  const out: Int32Array[] = [];
  for (const seg of segments) {
    const { channels, stride, cdf, cdfLength, offset } = seg.tables;
    const lut = lookupFor(seg.tables);
    const symbols = new Int32Array(seg.count);
    for (let i = 0, c = 0; i < seg.count; i++) {
      const slot = x & MASK;
      const row = c * stride;
      let k = lut[(c << LOOKUP_BITS) | (slot >>> LOOKUP_SHIFT)];
      while (cdf[row + k + 1] <= slot) k++;
      const start = cdf[row + k];
      x = (cdf[row + k + 1] - start) * (x >>> SCALE) + slot - start;
      if (pos <= safeEnd) {
        // At most two bytes come in per symbol; pull them in without branches, which the CPU cannot predict.
        let need = (x - L) >>> 31;
        x = (x << (need << 3)) | (bytes[pos] & -need);
        pos += need;
        need = (x - L) >>> 31;
        x = (x << (need << 3)) | (bytes[pos] & -need);
        pos += need;
      } else {
        while (x < L) {
          if (pos >= end) corrupt("ran out of bytes");
          x = (x << 8) | bytes[pos++];
        }
      }
      const support = cdfLength[c] - 2;
      if (k < support) symbols[i] = offset[c] + k;
      else {
        esc.x = x;
        esc.pos = pos;
        symbols[i] = getEscaped(esc, offset[c], support);
        x = esc.x;
        pos = esc.pos;
      }
      if (++c === channels) c = 0;
    }
    out.push(symbols);
  }
  if (pos !== end) corrupt(`${end - pos} bytes left over after the last symbol`);
  if (x !== L) corrupt("final state does not match");
  return out;
}

/**
 * The container for one image's bitstream:
 *
 *   "SP" | version (low 6 bits) + explicit-shape flag (0x80) + unit flag (0x40) | varint model | varint split
 *   | varint rate | [unit: 8 bytes, the id of the fitted unit that made the stream]
 *   | [explicit shapes: varint tensors, per tensor varint rank then varint dims] | varint payload length
 *   | payload (one rANS stream carrying every tensor in order) | CRC-32 (little endian) of all bytes before it
 *
 * A manifest-defined stream (ids under 128) costs 11 bytes on top of its payload below 128 payload bytes, 12 below
 * 16 KiB and 13 below 2 MiB: 6 of magic, version and ids, 1-3 of payload length, 4 of CRC. A stream made with a
 * unit fitted in the page (not in the manifest) carries that unit's id too, 8 bytes more, so that a decoder holding
 * another unit for the same ids refuses it instead of decoding garbage. Streams without the flag are byte for byte
 * what they were before the flag existed.
 */
import { crc32 } from "./crc32";
import { BitstreamError } from "./errors";
import { ransDecode, ransEncode } from "./rans";
import type { EntropyTables } from "./tables";
import { readVarint, writeVarint } from "./varint";

export const MAGIC = [0x53, 0x50];
export const VERSION = 1;
const EXPLICIT_SHAPE = 0x80;
const UNIT_ID = 0x40;
const VERSION_BITS = 0x3f;
/** A fitted unit's id: 8 bytes, written as 16 lowercase hex digits. */
export const UNIT_ID_BYTES = 8;
const UNIT_ID_PATTERN = /^[0-9a-f]{16}$/;

export function isUnitId(v: unknown): v is string {
  return typeof v === "string" && UNIT_ID_PATTERN.test(v);
}
/** Sanity limits a decoder enforces before allocating anything. */
export const LIMITS = { maxElements: 1 << 24, maxTensors: 16, maxRank: 6, maxPayloadBytes: 1 << 26 };

export interface StreamIds {
  model: number;
  split: number;
  rate: number;
  /** The fitted unit that made the stream (16 hex digits); absent for a manifest's own units. */
  unit?: string;
}

export interface Header extends StreamIds {
  /** Present only when no manifest defines the shapes (e.g. the demo tensor). */
  shapes?: number[][];
}

/** What the receiver knows for a given model/split/rate: the tensors' shapes and the tables coding them. */
export interface StreamSpec {
  shapes: number[][];
  tables: EntropyTables[];
}

/** Throws a RangeError for shapes a decoder would refuse, so that no writer produces an unreadable stream. */
function checkShapes(shapes: number[][]): void {
  if (shapes.length < 1 || shapes.length > LIMITS.maxTensors) throw new RangeError(`${shapes.length} tensors; 1..${LIMITS.maxTensors} allowed`);
  let elements = 0;
  for (const shape of shapes) {
    if (shape.length < 1 || shape.length > LIMITS.maxRank) throw new RangeError(`rank ${shape.length}; 1..${LIMITS.maxRank} allowed`);
    for (const d of shape) if (!Number.isInteger(d) || d < 1) throw new RangeError(`dimension ${d} is not a positive integer`);
    elements += elementCount(shape);
  }
  if (elements > LIMITS.maxElements) throw new RangeError(`${elements} elements; at most ${LIMITS.maxElements} allowed`);
}

export function writeContainer(header: Header, payload: Uint8Array): Uint8Array {
  if (header.shapes) checkShapes(header.shapes);
  if (payload.length > LIMITS.maxPayloadBytes) throw new RangeError(`payload of ${payload.length} bytes exceeds ${LIMITS.maxPayloadBytes}`);
  if (header.unit !== undefined && !isUnitId(header.unit)) throw new RangeError(`unit id ${header.unit} is not 16 hex digits`);
  const head: number[] = [...MAGIC, VERSION | (header.shapes ? EXPLICIT_SHAPE : 0) | (header.unit ? UNIT_ID : 0)];
  writeVarint(head, header.model);
  writeVarint(head, header.split);
  writeVarint(head, header.rate);
  if (header.unit) for (let i = 0; i < UNIT_ID_BYTES; i++) head.push(parseInt(header.unit.slice(2 * i, 2 * i + 2), 16));
  if (header.shapes) {
    writeVarint(head, header.shapes.length);
    for (const shape of header.shapes) {
      writeVarint(head, shape.length);
      for (const d of shape) writeVarint(head, d);
    }
  }
  writeVarint(head, payload.length);
  const out = new Uint8Array(head.length + payload.length + 4);
  out.set(head, 0);
  out.set(payload, head.length);
  const crc = crc32(out, 0, head.length + payload.length);
  new DataView(out.buffer).setUint32(out.length - 4, crc, true);
  return out;
}

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function readContainer(bytes: Uint8Array): { header: Header; payload: Uint8Array } {
  if (bytes.length === 0) throw new BitstreamError("truncated", "the file is empty");
  if (bytes[0] !== MAGIC[0] || (bytes.length > 1 && bytes[1] !== MAGIC[1])) throw new BitstreamError("bad-magic");
  if (bytes.length < 3) throw new BitstreamError("truncated", "the header is incomplete");
  const version = bytes[2] & VERSION_BITS;
  if (version !== VERSION) throw new BitstreamError("unknown-version", `version ${version}`);
  let pos = 3;
  const [model, afterModel] = readVarint(bytes, pos);
  const [split, afterSplit] = readVarint(bytes, afterModel);
  const [rate, afterRate] = readVarint(bytes, afterSplit);
  pos = afterRate;
  let unit: string | undefined;
  if (bytes[2] & UNIT_ID) {
    if (bytes.length < pos + UNIT_ID_BYTES) throw new BitstreamError("truncated", "the unit id is incomplete");
    unit = Array.from(bytes.subarray(pos, pos + UNIT_ID_BYTES), (b) => b.toString(16).padStart(2, "0")).join("");
    pos += UNIT_ID_BYTES;
  }
  let shapes: number[][] | undefined;
  if (bytes[2] & EXPLICIT_SHAPE) {
    let count: number;
    [count, pos] = readVarint(bytes, pos);
    if (count < 1 || count > LIMITS.maxTensors) throw new BitstreamError("too-large", `${count} tensors`);
    shapes = [];
    let elements = 0;
    for (let t = 0; t < count; t++) {
      let rank: number;
      [rank, pos] = readVarint(bytes, pos);
      if (rank < 1 || rank > LIMITS.maxRank) throw new BitstreamError("too-large", `rank ${rank}`);
      const shape: number[] = [];
      for (let r = 0; r < rank; r++) {
        let d: number;
        [d, pos] = readVarint(bytes, pos);
        if (d < 1 || d > LIMITS.maxElements) throw new BitstreamError("too-large", `dimension ${d}`);
        shape.push(d);
      }
      elements += elementCount(shape);
      if (elements > LIMITS.maxElements) throw new BitstreamError("too-large", `${elements} elements`);
      shapes.push(shape);
    }
  }
  const [len, afterLength] = readVarint(bytes, pos);
  pos = afterLength;
  if (len > LIMITS.maxPayloadBytes) throw new BitstreamError("too-large", `payload of ${len} bytes`);
  const end = pos + len + 4;
  if (bytes.length < end) throw new BitstreamError("truncated", `${end - bytes.length} bytes missing`);
  if (bytes.length > end) throw new BitstreamError("trailing-bytes", `${bytes.length - end} extra bytes`);
  const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(end - 4, true);
  if (crc32(bytes, 0, end - 4) !== stored) throw new BitstreamError("checksum-mismatch");
  const header: Header = { model, split, rate, shapes };
  if (unit) header.unit = unit;
  return { header, payload: bytes.subarray(pos, pos + len) };
}

export interface EncodedStream {
  bytes: Uint8Array;
  payloadBytes: number;
}

/** Codes the symbols of every tensor (channels-last, one tables object per tensor) into one container. */
export function encodeSymbols(header: Header, tensors: { symbols: Int32Array; tables: EntropyTables }[]): EncodedStream {
  if (header.shapes) {
    const { shapes } = header;
    if (shapes.length !== tensors.length) throw new RangeError(`${shapes.length} shapes for ${tensors.length} tensors`);
    tensors.forEach((t, i) => {
      if (elementCount(shapes[i]) !== t.symbols.length)
        throw new RangeError(`tensor ${i}: shape ${JSON.stringify(shapes[i])} does not hold ${t.symbols.length} symbols`);
      if (shapes[i][shapes[i].length - 1] !== t.tables.channels)
        throw new RangeError(`tensor ${i}: last dimension is not the tables' ${t.tables.channels} channels`);
    });
  }
  const payload = ransEncode(tensors);
  return { bytes: writeContainer(header, payload), payloadBytes: payload.length };
}

/**
 * Decodes a container. `resolve` maps the stream's ids (and explicit shapes, if any) to what the receiver
 * knows; it throws BitstreamError("unknown-id") for ids it does not have. Shapes and tables are checked
 * against each other before a single symbol is decoded.
 */
export function decodeSymbols(bytes: Uint8Array, resolve: (header: Header) => StreamSpec): { header: Header; shapes: number[][]; symbols: Int32Array[] } {
  const { header, payload } = readContainer(bytes);
  const spec = resolve(header);
  if (header.shapes) {
    const same =
      header.shapes.length === spec.shapes.length &&
      header.shapes.every((s, i) => s.length === spec.shapes[i].length && s.every((d, j) => d === spec.shapes[i][j]));
    if (!same) throw new BitstreamError("shape-mismatch", `stream says ${JSON.stringify(header.shapes)}, expected ${JSON.stringify(spec.shapes)}`);
  }
  if (spec.tables.length !== spec.shapes.length) throw new BitstreamError("table-mismatch", "one table set per tensor is needed");
  let elements = 0;
  const segments = spec.shapes.map((shape, i) => {
    const count = elementCount(shape);
    elements += count;
    if (shape[shape.length - 1] !== spec.tables[i].channels) {
      throw new BitstreamError("table-mismatch", `tensor ${i} has ${shape[shape.length - 1]} channels, its tables ${spec.tables[i].channels}`);
    }
    return { count, tables: spec.tables[i] };
  });
  if (elements > LIMITS.maxElements) throw new BitstreamError("too-large", `${elements} elements`);
  return { header, shapes: spec.shapes, symbols: ransDecode(payload, segments) };
}

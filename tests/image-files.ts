/**
 * Image files made in the tests (never committed): PNGs of any colour type and depth with extra chunks,
 * EXIF blocks, and JPEGs with an orientation. Used by the unit tests and the end-to-end tests.
 */
import { zlibSync } from "fflate";
import jpeg from "jpeg-js";
import { pngChunk } from "@/lib/baselines/png";
import { concatBytes as concat } from "@/lib/util/bytes";

export { concat, pngChunk };

export interface PngSpec {
  width: number;
  height: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  colorType: 0 | 2 | 3 | 4 | 6;
  bitDepth?: 1 | 2 | 4 | 8 | 16;
  /** Unfiltered scanlines, without the filter byte: height * ceil(width * bits per pixel / 8) bytes. */
  rows: Uint8Array;
  /** Chunks placed between IHDR and IDAT (PLTE, tRNS, eXIf...). */
  chunks?: Uint8Array[];
  /** zlib level; 1 is quick for big files. */
  level?: number;
}

const SAMPLES = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

/** The signature and IHDR of a PNG, nothing more: all a size check needs. */
export function pngHeader(width: number, height: number, colorType = 2, bitDepth = 8): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  return concat([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", ihdr)]);
}

export function pngFile(s: PngSpec): Uint8Array {
  const depth = s.bitDepth ?? 8;
  const stride = Math.ceil((s.width * SAMPLES[s.colorType] * depth) / 8);
  if (s.rows.length !== stride * s.height) throw new Error(`pngFile: ${s.rows.length} bytes of rows, expected ${stride * s.height}`);
  const raw = new Uint8Array(s.height * (stride + 1));
  for (let y = 0; y < s.height; y++) raw.set(s.rows.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return concat([
    pngHeader(s.width, s.height, s.colorType, depth),
    ...(s.chunks ?? []),
    pngChunk("IDAT", zlibSync(raw, { level: (s.level ?? 6) as 6 })),
    pngChunk("IEND", new Uint8Array(0)),
  ]);
}

/** RGBA pixels -> an 8-bit RGBA PNG. */
export function rgbaPng(width: number, height: number, rgba: Uint8Array, chunks?: Uint8Array[]): Uint8Array {
  return pngFile({ width, height, colorType: 6, rows: rgba, chunks });
}

/** A black-and-white (1-bit) PNG of any size whose pixels are all black: a valid file that compresses to little. */
export function hugeBlackPng(width: number, height: number): Uint8Array {
  return pngFile({ width, height, colorType: 0, bitDepth: 1, rows: new Uint8Array(Math.ceil(width / 8) * height), level: 1 });
}

/** A TIFF block (as EXIF holds it) with one tag: the orientation. */
export function exifTiff(orientation: number, littleEndian = true): Uint8Array {
  const t = new Uint8Array(26);
  const v = new DataView(t.buffer);
  t.set(littleEndian ? [0x49, 0x49] : [0x4d, 0x4d]);
  v.setUint16(2, 42, littleEndian);
  v.setUint32(4, 8, littleEndian);
  v.setUint16(8, 1, littleEndian); // one entry
  v.setUint16(10, 0x0112, littleEndian); // Orientation
  v.setUint16(12, 3, littleEndian); // SHORT
  v.setUint32(14, 1, littleEndian); // count
  v.setUint16(18, orientation, littleEndian);
  return t;
}

/** RGBA pixels -> a JPEG (jpeg-js), optionally with an EXIF orientation and a metadata segment of `padding` bytes before the frame. */
export function jpegFile(width: number, height: number, rgba: Uint8Array, o: { quality?: number; orientation?: number; padding?: number } = {}): Uint8Array {
  const file = new Uint8Array(jpeg.encode({ data: rgba, width, height }, o.quality ?? 90).data);
  const extra: Uint8Array[] = [];
  if (o.orientation) {
    const tiff = exifTiff(o.orientation, false);
    const seg = new Uint8Array(4 + 6 + tiff.length);
    seg.set([0xff, 0xe1, (seg.length - 2) >> 8, (seg.length - 2) & 0xff]);
    seg.set([0x45, 0x78, 0x69, 0x66, 0, 0], 4);
    seg.set(tiff, 10);
    extra.push(seg);
  }
  for (let left = o.padding ?? 0; left > 0; left -= 65533) {
    const n = Math.min(left, 65533);
    const seg = new Uint8Array(2 + 2 + n);
    seg.set([0xff, 0xe2, (n + 2) >> 8, (n + 2) & 0xff]);
    extra.push(seg);
  }
  return concat([file.subarray(0, 2), ...extra, file.subarray(2)]);
}

/** A w x h RGBA picture from a function of (x, y) -> [r, g, b, a]. */
export function rgbaOf(width: number, height: number, f: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out.set(f(x, y), 4 * (y * width + x));
  return out;
}

/**
 * What an image file says about itself before it is decoded: its format and size from the first bytes (PNG IHDR,
 * JPEG SOFn, WebP VP8/VP8L/VP8X, GIF logical screen, BMP info header), so that a huge picture is refused without
 * decoding it, and the EXIF orientation of JPEG and PNG files (browsers apply it; pure decoders do not).
 */

export type ImageFormat = "png" | "jpeg" | "webp" | "gif" | "bmp";

export interface ImageHeader {
  format: ImageFormat;
  /** As stored, before any EXIF rotation. */
  width: number;
  height: number;
  /** Bits per sample (PNG only; 8 elsewhere). */
  bitDepth: number;
}

/**
 * The header of `bytes`, a prefix of a file: "truncated" when the prefix ends before the size is known (read more,
 * or the file is cut short), "unknown" when the file is none of the formats above or its header is malformed.
 */
export type HeaderRead = ImageHeader | "truncated" | "unknown";

/** How many leading bytes usually hold the size (a JPEG's SOF can come after long EXIF or ICC segments). */
export const HEADER_PREFIX_BYTES = 64 * 1024;

const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const be32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const le16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const le24 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const le32 = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

function startsWith(b: Uint8Array, sig: number[]): boolean {
  return sig.every((v, i) => b[i] === v);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function sized(format: ImageFormat, width: number, height: number, bitDepth = 8): HeaderRead {
  return width > 0 && height > 0 ? { format, width, height, bitDepth } : "unknown";
}

function png(b: Uint8Array): HeaderRead {
  if (b.length < 26) return "truncated";
  if (ascii(b, 12, 4) !== "IHDR") return "unknown";
  return sized("png", be32(b, 16), be32(b, 20), b[24]);
}

/** JPEG markers that start a frame (SOF0..SOF15 except DHT C4, JPG C8, DAC CC) and carry its size. */
function isSof(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

function jpeg(b: Uint8Array): HeaderRead {
  let i = 2;
  for (;;) {
    if (i + 4 > b.length) return "truncated";
    if (b[i] !== 0xff) return "unknown";
    const m = b[i + 1];
    if (m === 0xff) {
      i++; // fill byte
      continue;
    }
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    if (m === 0xda || m === 0xd9) return "unknown"; // scan data or the end before any frame header
    const len = be16(b, i + 2);
    if (len < 2) return "unknown";
    if (isSof(m)) {
      if (i + 9 > b.length) return "truncated";
      // precision (1), height (2), width (2); a height of 0 is defined later by a DNL marker, which nobody writes.
      return sized("jpeg", be16(b, i + 7), be16(b, i + 5));
    }
    i += 2 + len;
  }
}

function webp(b: Uint8Array): HeaderRead {
  if (b.length < 30) return "truncated";
  const kind = ascii(b, 12, 4);
  if (kind === "VP8 ") {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return "unknown";
    return sized("webp", le16(b, 26) & 0x3fff, le16(b, 28) & 0x3fff);
  }
  if (kind === "VP8L") {
    if (b[20] !== 0x2f) return "unknown";
    const bits = le32(b, 21);
    return sized("webp", (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (kind === "VP8X") return sized("webp", le24(b, 24) + 1, le24(b, 27) + 1);
  return "unknown";
}

function gif(b: Uint8Array): HeaderRead {
  if (b.length < 10) return "truncated";
  return sized("gif", le16(b, 6), le16(b, 8));
}

function bmp(b: Uint8Array): HeaderRead {
  if (b.length < 26) return "truncated";
  const infoSize = le32(b, 14);
  if (infoSize === 12) return sized("bmp", le16(b, 18), le16(b, 20));
  if (infoSize < 40) return "unknown";
  // A negative height means rows stored top-down.
  return sized("bmp", Math.abs(le32(b, 18) | 0), Math.abs(le32(b, 22) | 0));
}

export function readImageHeader(b: Uint8Array): HeaderRead {
  if (b.length >= 8 && startsWith(b, PNG_SIGNATURE)) return png(b);
  if (b.length >= 3 && startsWith(b, [0xff, 0xd8, 0xff])) return jpeg(b);
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") return webp(b);
  if (b.length >= 6 && (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a")) return gif(b);
  if (b.length >= 2 && ascii(b, 0, 2) === "BM") return bmp(b);
  // Too short to tell: a prefix of one of the signatures may still turn out to be an image.
  const sigs = [PNG_SIGNATURE, [0xff, 0xd8, 0xff], [0x52, 0x49, 0x46, 0x46], [0x47, 0x49, 0x46, 0x38], [0x42, 0x4d]];
  if (b.length < 12 && sigs.some((s) => startsWith(b, s.slice(0, b.length)))) return "truncated";
  return "unknown";
}

/** The orientation tag (1..8) of a TIFF/EXIF block, 1 when absent or unreadable. */
function tiffOrientation(t: Uint8Array): number {
  if (t.length < 8) return 1;
  const little = t[0] === 0x49 && t[1] === 0x49;
  if (!little && !(t[0] === 0x4d && t[1] === 0x4d)) return 1;
  const u16 = (i: number) => (little ? le16(t, i) : be16(t, i));
  const u32 = (i: number) => (little ? le32(t, i) : be32(t, i));
  const ifd = u32(4);
  if (ifd + 2 > t.length) return 1;
  const count = u16(ifd);
  for (let k = 0; k < count; k++) {
    const e = ifd + 2 + 12 * k;
    if (e + 12 > t.length) return 1;
    if (u16(e) === 0x0112 && u16(e + 2) === 3) {
      const o = u16(e + 8);
      return o >= 1 && o <= 8 ? o : 1;
    }
  }
  return 1;
}

/**
 * The EXIF orientation of a whole JPEG (APP1 "Exif") or PNG (eXIf chunk) file, 1..8 (1: as stored). Chromium
 * applies both when it decodes; WebP's EXIF it ignores, so WebP is always 1 here too.
 */
export function exifOrientation(b: Uint8Array, format: ImageFormat): number {
  if (format === "jpeg") {
    let i = 2;
    while (i + 4 <= b.length && b[i] === 0xff) {
      const m = b[i + 1];
      if (m === 0xda || m === 0xd9) break;
      if (m === 0xff || m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
        i += m === 0xff ? 1 : 2;
        continue;
      }
      const len = be16(b, i + 2);
      if (m === 0xe1 && len >= 8 && ascii(b, i + 4, 6) === "Exif\0\0") return tiffOrientation(b.subarray(i + 10, Math.min(b.length, i + 2 + len)));
      i += 2 + len;
    }
    return 1;
  }
  if (format === "png") {
    let i = 8;
    while (i + 12 <= b.length) {
      const len = be32(b, i);
      const type = ascii(b, i + 4, 4);
      if (type === "eXIf") return tiffOrientation(b.subarray(i + 8, Math.min(b.length, i + 8 + len)));
      if (type === "IDAT" || type === "IEND") break;
      i += 12 + len;
    }
  }
  return 1;
}

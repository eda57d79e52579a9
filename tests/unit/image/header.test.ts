import { describe, expect, it } from "vitest";
import { webpRoundTrip } from "@/lib/baselines/webp-node";
import { exifOrientation, HEADER_PREFIX_BYTES, readImageHeader } from "@/lib/image/header";
import { concat, exifTiff, hugeBlackPng, jpegFile, pngChunk, pngFile, pngHeader, rgbaOf } from "../../image-files";

const grey = (w: number, h: number) => rgbaOf(w, h, () => [90, 90, 90, 255]);

/** A RIFF/WebP file with one chunk `tag` whose first bytes are `body` (the rest is not needed for the size). */
function webpWith(tag: string, body: number[]): Uint8Array {
  const data = new Uint8Array(Math.max(body.length, 10));
  data.set(body);
  const out = new Uint8Array(20 + data.length);
  out.set([..."RIFF"].map((c) => c.charCodeAt(0)));
  new DataView(out.buffer).setUint32(4, out.length - 8, true);
  out.set(
    [..."WEBP"].map((c) => c.charCodeAt(0)),
    8,
  );
  out.set(
    [...tag].map((c) => c.charCodeAt(0)),
    12,
  );
  new DataView(out.buffer).setUint32(16, data.length, true);
  out.set(data, 20);
  return out;
}

describe("readImageHeader", () => {
  it("reads a PNG's size and depth from IHDR, also for a size nobody could decode", () => {
    expect(readImageHeader(pngFile({ width: 3, height: 2, colorType: 2, bitDepth: 16, rows: new Uint8Array(36) }))).toEqual({
      format: "png",
      width: 3,
      height: 2,
      bitDepth: 16,
    });
    // The signature and IHDR (the first 33 bytes) of a 30000 x 30000 file are all it takes.
    expect(readImageHeader(pngHeader(30000, 30000))).toMatchObject({ width: 30000, height: 30000 });
  });

  it("reads a JPEG's size from its frame header, past long metadata segments", () => {
    const file = jpegFile(37, 21, grey(37, 21), { padding: 100_000 });
    expect(readImageHeader(file.subarray(0, HEADER_PREFIX_BYTES))).toBe("truncated");
    expect(readImageHeader(file)).toEqual({ format: "jpeg", width: 37, height: 21, bitDepth: 8 });
  });

  it("reads the three kinds of WebP: lossy VP8, lossless VP8L, extended VP8X", async () => {
    const { bytes } = await webpRoundTrip({ pixels: new Uint8Array(45 * 17 * 3), width: 45, height: 17, channels: 3 }, 50);
    expect(readImageHeader(bytes)).toMatchObject({ format: "webp", width: 45, height: 17 });
    // VP8L: signature 0x2f, then 14 bits of width - 1 and 14 bits of height - 1, little-endian: 300 x 200.
    const bits = 299 | (199 << 14);
    expect(readImageHeader(webpWith("VP8L", [0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, bits >>> 24]))).toMatchObject({
      width: 300,
      height: 200,
    });
    // VP8X: flags and reserved (4 bytes), then 24-bit width - 1 and height - 1: 20000 x 70000.
    expect(readImageHeader(webpWith("VP8X", [0, 0, 0, 0, 0x1f, 0x4e, 0x00, 0x6f, 0x11, 0x01]))).toMatchObject({ width: 20000, height: 70000 });
  });

  it("reads GIF and BMP sizes", () => {
    const gif = new Uint8Array([..."GIF89a"].map((c) => c.charCodeAt(0)).concat([0x30, 0x75, 0x10, 0x27, 0, 0, 0]));
    expect(readImageHeader(gif)).toEqual({ format: "gif", width: 30000, height: 10000, bitDepth: 8 });
    const bmp = new Uint8Array(54);
    bmp.set([0x42, 0x4d]);
    const v = new DataView(bmp.buffer);
    v.setUint32(14, 40, true);
    v.setInt32(18, 640, true);
    v.setInt32(22, -480, true); // top-down rows
    expect(readImageHeader(bmp)).toEqual({ format: "bmp", width: 640, height: 480, bitDepth: 8 });
  });

  it("tells a cut-short header from a file that is no image", () => {
    expect(readImageHeader(hugeBlackPng(10, 10).subarray(0, 20))).toBe("truncated");
    expect(readImageHeader(new Uint8Array([0x89, 0x50]))).toBe("truncated");
    expect(readImageHeader(new TextEncoder().encode("these are not pixels"))).toBe("unknown");
    expect(readImageHeader(new Uint8Array(0))).toBe("truncated");
    // A PNG whose first chunk is not IHDR, and one that says it is 0 pixels wide.
    const png = hugeBlackPng(10, 10);
    const bad = png.slice();
    bad.set([0x58], 12);
    expect(readImageHeader(bad)).toBe("unknown");
    const zero = png.slice();
    zero.set([0, 0, 0, 0], 16);
    expect(readImageHeader(zero)).toBe("unknown");
  });
});

describe("exifOrientation", () => {
  it("finds the orientation in a JPEG's APP1 segment and a PNG's eXIf chunk, in either byte order", () => {
    expect(exifOrientation(jpegFile(4, 2, grey(4, 2), { orientation: 6 }), "jpeg")).toBe(6);
    expect(exifOrientation(jpegFile(4, 2, grey(4, 2)), "jpeg")).toBe(1);
    const png = (tiff: Uint8Array) => pngFile({ width: 1, height: 1, colorType: 0, rows: new Uint8Array(1), chunks: [pngChunk("eXIf", tiff)] });
    expect(exifOrientation(png(exifTiff(8, true)), "png")).toBe(8);
    expect(exifOrientation(png(exifTiff(3, false)), "png")).toBe(3);
    expect(exifOrientation(png(exifTiff(9)), "png")).toBe(1); // out of range
    expect(exifOrientation(concat([png(exifTiff(5)).subarray(0, 40)]), "png")).toBe(1); // cut short
  });
});

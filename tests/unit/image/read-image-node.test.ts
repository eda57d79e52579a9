import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { webpRoundTrip } from "@/lib/baselines/webp-node";
import { HEADER_PREFIX_BYTES } from "@/lib/image/header";
import { MAX_FILE_BYTES } from "@/lib/image/limits";
import { readImage, type ByteSource } from "@/lib/image/read-image";
import { decodeImageNode, modelInputOfFile, readImageBytes, readImageFileNode } from "@/lib/image/read-image-node";
import { exifTiff, hugeBlackPng, jpegFile, pngChunk, pngFile, pngHeader, rgbaOf, rgbaPng } from "../../image-files";

const DIGITS = { size: { width: 28, height: 28, channels: 1 as const }, framing: "crop" as const };
const PHOTOS = { size: { width: 16, height: 16, channels: 3 as const }, framing: "stretch" as const };

/** A ByteSource over bytes that records every read. */
function spySource(bytes: Uint8Array, name = "x.png", size = bytes.length) {
  const reads: [number, number][] = [];
  const source: ByteSource = { name, size, read: (s, e) => (reads.push([s, e]), Promise.resolve(bytes.subarray(s, e))) };
  return { source, reads };
}

const dir = mkdtempSync(path.join(tmpdir(), "read-image-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("refusals, each a sentence", () => {
  it("refuses a huge picture from its header: only the first bytes are read and nothing is decoded", async () => {
    const file = hugeBlackPng(12000, 12000);
    const { source, reads } = spySource(file, "big.png");
    let decoded = 0;
    const read = await readImage(source, () => (decoded++, Promise.reject(new Error("not reached"))), DIGITS);
    expect(read).toEqual({ ok: false, problem: "too-large", message: '"big.png" is too large (12000 × 12000 pixels; the limit is 40 megapixels).' });
    expect(decoded).toBe(0);
    expect(reads).toEqual([[0, Math.min(file.length, HEADER_PREFIX_BYTES)]]);
  });

  it("calls a 30000 x 30000 PNG too large, not unreadable", async () => {
    const read = await readImageBytes(pngHeader(30000, 30000), { ...DIGITS, name: "wall.png" });
    expect(read.ok || read.message).toBe('"wall.png" is too large (30000 × 30000 pixels; the limit is 40 megapixels).');
  });

  it("refuses an oversized file by its size before reading any of it", async () => {
    const { source, reads } = spySource(new Uint8Array(0), "film.png", MAX_FILE_BYTES + 1);
    const read = await readImage(source, decodeImageNode, DIGITS);
    expect(read.ok || read.message).toBe('"film.png" is too large (40 MB; the limit is 40 MB).');
    expect(reads).toEqual([]);
  });

  it("says so for empty files, non-images, cut-short headers, damaged data and failed reads", async () => {
    const say = async (bytes: Uint8Array, name: string) => {
      const r = await readImageBytes(bytes, { ...DIGITS, name });
      return r.ok ? "ok" : `${r.problem}: ${r.message}`;
    };
    expect(await say(new Uint8Array(0), "e.png")).toBe('empty: "e.png" is empty (0 bytes), so there is no image to use.');
    expect(await say(new TextEncoder().encode("these are not pixels"), "notes.png")).toMatch(
      /^not-an-image: "notes.png" is not an image this app can read \(it is not a PNG, JPEG, WebP, GIF or BMP file\)/,
    );
    expect(await say(pngHeader(10, 10).subarray(0, 20), "cut.png")).toMatch(/^not-an-image: .*its header is cut short/);
    const damaged = pngFile({ width: 8, height: 8, colorType: 0, rows: new Uint8Array(64) });
    damaged.fill(7, 40, 60); // inside IDAT
    expect(await say(damaged, "d.png")).toMatch(/^undecodable: "d.png" looks like a PNG file but could not be decoded: .+\.$/);
    const gif = new Uint8Array([..."GIF89a"].map((c) => c.charCodeAt(0)).concat([2, 0, 2, 0, 0, 0, 0]));
    expect(await say(gif, "a.gif")).toMatch(/^undecodable: .*GIF files are read only in the browser/);
    const failing: ByteSource = { name: "gone.png", size: 100, read: () => Promise.reject(new Error("NotReadableError: the file changed")) };
    const r = await readImage(failing, decodeImageNode, DIGITS);
    expect(r.ok || r.message).toBe('"gone.png" could not be read: NotReadableError: the file changed.');
  });
});

describe("decoding in Node", () => {
  it("keeps the high byte of 16-bit PNG samples, as Chromium does (pngjs alone would round 0x80FF to 129)", async () => {
    const rows = Uint8Array.from([0x80, 0xff, 0x00, 0x7f, 0xff, 0xff]);
    const img = await decodeImageNode(pngFile({ width: 1, height: 1, colorType: 2, bitDepth: 16, rows }), { format: "png", width: 1, height: 1, bitDepth: 16 });
    expect(Array.from(img.data)).toEqual([128, 0, 255, 255]);
  });

  it("applies EXIF orientation to JPEG and PNG", async () => {
    // Left half black, right half white, 16 x 8; orientation 6 turns it clockwise: 8 x 16, top half black.
    const rgba = rgbaOf(16, 8, (x) => (x < 8 ? [0, 0, 0, 255] : [255, 255, 255, 255]));
    const jpeg = await readImageBytes(jpegFile(16, 8, rgba, { orientation: 6 }), PHOTOS);
    const png = await readImageBytes(rgbaPng(16, 8, rgba, [pngChunk("eXIf", exifTiff(6))]), PHOTOS);
    for (const r of [jpeg, png]) {
      if (!r.ok) throw new Error(r.message);
      expect([r.width, r.height]).toEqual([8, 16]);
      expect(r.pixels[0]).toBeLessThan(10); // top-left
      expect(r.pixels[3 * (15 * 16)]).toBeGreaterThan(245); // bottom-left
    }
  });

  it("reads a JPEG whose frame header comes after 100 KB of metadata, and WebP", async () => {
    const rgba = rgbaOf(20, 10, (x) => [x * 10, 50, 100, 255]);
    const jpeg = await readImageBytes(jpegFile(20, 10, rgba, { padding: 100_000 }), PHOTOS);
    expect(jpeg.ok && [jpeg.format, jpeg.width, jpeg.height]).toEqual(["jpeg", 20, 10]);
    const { bytes } = await webpRoundTrip({ pixels: new Uint8Array(20 * 10 * 3).fill(90), width: 20, height: 10, channels: 3 }, 90);
    const webp = await readImageBytes(bytes, PHOTOS);
    expect(webp.ok && [webp.format, webp.width, webp.height, webp.blank]).toEqual(["webp", 20, 10, true]);
  });

  it("a black stroke on a transparent PNG becomes a readable digit, from a file on disk", async () => {
    const rgba = rgbaOf(56, 56, (x, y) => (x >= 24 && x < 32 && y >= 10 && y < 46 ? [0, 0, 0, 255] : [0, 0, 0, 0]));
    const file = path.join(dir, "stroke.png");
    writeFileSync(file, rgbaPng(56, 56, rgba));
    const read = await modelInputOfFile(file, DIGITS);
    expect([read.blank, read.background, read.inverted]).toEqual([false, "white", true]);
    expect(read.pixels[10 * 28 + 13]).toBe(255);
    const big = path.join(dir, "big.png");
    writeFileSync(big, hugeBlackPng(12000, 12000));
    const r = await readImageFileNode(big, DIGITS);
    expect(r.ok || r.problem).toBe("too-large");
    await expect(modelInputOfFile(big, DIGITS)).rejects.toThrow('"big.png" is too large (12000 × 12000 pixels');
  });
});

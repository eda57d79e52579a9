/**
 * Node entry of image reading (scripts, evaluation, tests): bytes or a file path -> the model's input, with the
 * same steps and options as the page (lib/image/read-image-browser.ts). Decoders that give Chromium's pixels: pngjs
 * for PNG (16-bit samples keep their high byte and the eXIf orientation is applied, as in Chromium), libjpeg-turbo
 * (MozJPEG in wasm) for JPEG, libwebp (@jsquash/webp) for WebP. GIF and BMP are read only by the page.
 */
import { open } from "node:fs/promises";
import path from "node:path";
import { PNG } from "pngjs";
import { decodeWebpRgba } from "@/lib/baselines/webp-node";
import { exifOrientation, type ImageHeader } from "./header";
import { decodeJpegNode } from "./jpeg-node";
import { applyOrientation } from "./orientation";
import { readImage, type ByteSource, type ImageRead, type ReadOptions } from "./read-image";
import type { RgbaImage } from "./rgba";

function decodePng(bytes: Uint8Array, header: ImageHeader): RgbaImage {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const deep = header.bitDepth === 16;
  // pngjs rounds 16-bit samples to 8 bits; Chromium keeps the high byte. Lower depths pngjs scales as Chromium does.
  const png = PNG.sync.read(buffer, { skipRescale: deep });
  const data = deep
    ? Uint8Array.from(png.data as unknown as Uint16Array, (v) => v >> 8)
    : new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length);
  return applyOrientation({ width: png.width, height: png.height, data }, exifOrientation(bytes, "png"));
}

/** The platform step of readImage in Node. */
export async function decodeImageNode(bytes: Uint8Array, header: ImageHeader): Promise<RgbaImage> {
  switch (header.format) {
    case "png":
      return decodePng(bytes, header);
    case "jpeg":
      return decodeJpegNode(bytes);
    case "webp":
      return decodeWebpRgba(bytes);
    default:
      throw new Error(`${header.format.toUpperCase()} files are read only in the browser; convert it to PNG for Node`);
  }
}

function memorySource(bytes: Uint8Array, name: string): ByteSource {
  return { name, size: bytes.length, read: (start, end) => Promise.resolve(bytes.subarray(start, end)) };
}

/** Bytes already in memory -> the model's input (or a sentence saying why not). */
export function readImageBytes(bytes: Uint8Array, options: ReadOptions & { name?: string }): Promise<ImageRead> {
  return readImage(memorySource(bytes, options.name ?? "image"), decodeImageNode, options);
}

/** A file -> the model's input; a huge file is refused from its first bytes, without reading it whole. */
export async function readImageFileNode(file: string, options: ReadOptions): Promise<ImageRead> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const source: ByteSource = {
      name: path.basename(file),
      size,
      read: async (start, end) => {
        const out = new Uint8Array(end - start);
        const { bytesRead } = await handle.read(out, 0, out.length, start);
        return out.subarray(0, bytesRead);
      },
    };
    return await readImage(source, decodeImageNode, options);
  } finally {
    await handle.close();
  }
}

/** For scripts: the model's input, or an Error carrying the sentence. */
export async function modelInputOfFile(file: string, options: ReadOptions): Promise<Extract<ImageRead, { ok: true }>> {
  const read = await readImageFileNode(file, options);
  if (!read.ok) throw new Error(read.message);
  return read;
}

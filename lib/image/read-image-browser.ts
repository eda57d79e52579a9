/**
 * Browser entry of image reading: a File or Blob -> the model's input, the same steps and options as Node
 * (lib/image/read-image-node.ts). Decoding is the browser's own, without colour management or premultiplication:
 * for PNG, JPEG and WebP the same pixels as Node's decoders give (measured in Chromium; transparent pixels agree
 * premultiplied, see rgba.ts), and Chromium applies the EXIF orientation of JPEG and PNG as Node's path does.
 * Browser only (createImageBitmap, OffscreenCanvas).
 */
import type { ImageHeader } from "./header";
import { readImage, type ImageRead, type ReadOptions } from "./read-image";
import type { RgbaImage } from "./rgba";

/** The platform step of readImage in the browser. */
export async function decodeImageBrowser(bytes: Uint8Array, header: ImageHeader): Promise<RgbaImage> {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: `image/${header.format}` });
  const bitmap = await createImageBitmap(blob, { premultiplyAlpha: "none", colorSpaceConversion: "none" });
  const { width, height } = bitmap;
  let canvas: OffscreenCanvas | null = new OffscreenCanvas(width, height);
  try {
    const ctx = canvas.getContext("2d", { willReadFrequently: true });
    if (!ctx) throw new Error("no 2D canvas");
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    return { width, height, data: ctx.getImageData(0, 0, width, height).data };
  } finally {
    bitmap.close();
    // Let the canvas's pixels go now rather than at the next garbage collection.
    canvas.width = canvas.height = 0;
    canvas = null;
  }
}

/** A File or Blob -> the model's input (or a sentence saying why not). Only the first bytes are read before the size check. */
export function readImageBlob(blob: Blob, name: string, options: ReadOptions): Promise<ImageRead> {
  const source = { name, size: blob.size, read: async (start: number, end: number) => new Uint8Array(await blob.slice(start, end).arrayBuffer()) };
  return readImage(source, decodeImageBrowser, options);
}

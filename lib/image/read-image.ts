/**
 * Reading an image file into a model's input, the same steps on every platform: refuse empty and oversized files,
 * read the size from the header and refuse huge pictures before decoding, decode (the one platform-specific step),
 * then prepareImage. Every failure is a sentence, never a throw.
 */
import { HEADER_PREFIX_BYTES, readImageHeader, type ImageFormat, type ImageHeader } from "./header";
import { fileTooLarge, MAX_FILE_BYTES, picturePixelsProblem } from "./limits";
import { prepareImage, type Framing, type ModelSize, type Prepared } from "./prepare";
import type { RgbaImage } from "./rgba";

/** A file's bytes on demand, so that a huge file is refused from its first bytes. */
export interface ByteSource {
  name: string;
  size: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

/** Decodes a whole file whose header has been read: RGBA as shown (EXIF orientation applied). */
export type Decoder = (bytes: Uint8Array, header: ImageHeader) => Promise<RgbaImage>;

export interface ReadOptions {
  size: ModelSize;
  framing: Framing;
}

export type ReadProblem = "empty" | "file-too-large" | "not-an-image" | "too-large" | "undecodable";

export type ImageRead =
  | ({ ok: true; format: ImageFormat; /** As shown, after EXIF orientation. */ width: number; height: number } & Prepared)
  | { ok: false; problem: ReadProblem; message: string };

export const FORMAT_NAMES: Record<ImageFormat, string> = { png: "PNG", jpeg: "JPEG", webp: "WebP", gif: "GIF", bmp: "BMP" };

export async function readImage(file: ByteSource, decode: Decoder, options: ReadOptions): Promise<ImageRead> {
  const fail = (problem: ReadProblem, message: string): ImageRead => ({ ok: false, problem, message });
  const name = file.name;
  if (file.size === 0) return fail("empty", `"${name}" is empty (0 bytes), so there is no image to use.`);
  if (file.size > MAX_FILE_BYTES) return fail("file-too-large", fileTooLarge(name, file.size));
  let bytes: Uint8Array | null = null;
  let header;
  try {
    const prefix = await file.read(0, Math.min(file.size, HEADER_PREFIX_BYTES));
    header = readImageHeader(prefix);
    if (prefix.length === file.size) bytes = prefix;
    else if (header === "truncated") {
      // A JPEG whose frame header comes after long metadata: the whole file (at most MAX_FILE_BYTES) is read.
      bytes = await file.read(0, file.size);
      header = readImageHeader(bytes);
    }
  } catch (e) {
    return fail("undecodable", `"${name}" could not be read: ${messageOf(e)}`);
  }
  if (header === "unknown" || header === "truncated") {
    const why = header === "truncated" ? "its header is cut short" : "it is not a PNG, JPEG, WebP, GIF or BMP file";
    return fail("not-an-image", `"${name}" is not an image this app can read (${why}). Try a PNG, JPEG, WebP or GIF.`);
  }
  const tooLarge = picturePixelsProblem(name, header.width, header.height);
  if (tooLarge) return fail("too-large", tooLarge);
  let image: RgbaImage;
  try {
    bytes ??= await file.read(0, file.size);
    image = await decode(bytes, header);
  } catch (e) {
    return fail("undecodable", `"${name}" looks like a ${FORMAT_NAMES[header.format]} file but could not be decoded: ${messageOf(e)}`);
  }
  bytes = null;
  return { ok: true, format: header.format, width: image.width, height: image.height, ...prepareImage(image, options.size, options.framing) };
}

function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.endsWith(".") ? m : `${m}.`;
}

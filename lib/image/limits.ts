/** What the app agrees to read, and the sentences that say so. */

/** Larger files are refused before they are read: the model sees at most 512 x 512 pixels anyway. */
export const MAX_FILE_BYTES = 40 * 1024 * 1024;
/**
 * Larger pictures are refused from their header, before decoding: the page holds two or three copies of 4 bytes
 * per pixel while it decodes and reads one (a bitmap, a canvas, its pixels).
 */
export const MAX_PIXELS = 40_000_000;

const mb = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;

export function fileTooLarge(name: string, bytes: number): string {
  return `"${name}" is too large (${mb(bytes)}; the limit is ${mb(MAX_FILE_BYTES)}).`;
}

export function picturePixelsProblem(name: string, width: number, height: number): string | null {
  if (width * height <= MAX_PIXELS) return null;
  return `"${name}" is too large (${width} × ${height} pixels; the limit is ${MAX_PIXELS / 1e6} megapixels).`;
}

/**
 * Browser side of image uploads and drawings: decode with createImageBitmap, crop and resize with the
 * browser's high-quality scaler, and hand the RGBA pixels to lib/view/image-input.ts.
 * Every failure is a sentence, never a throw.
 */
import type { InputSpec } from "@/lib/models/manifest";
import { centerSquare, fitBox, rgbaToModelPixels, type ModelPixels } from "@/lib/view/image-input";

/** Larger files are refused before decoding: the model sees 28 x 28 pixels anyway. */
export const MAX_FILE_BYTES = 40 * 1024 * 1024;
/** Decoded pictures larger than this (in pixels) are refused rather than risk running out of memory. */
export const MAX_PIXELS = 50_000_000;

export type ImageRead =
  ({ ok: true; width: number; height: number; crop: { sx: number; sy: number; size: number } } & ModelPixels) | { ok: false; message: string };

function rgbaOf(spec: InputSpec, draw: (ctx: OffscreenCanvasRenderingContext2D) => void): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(spec.width, spec.height);
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2D canvas");
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = "high";
  draw(ctx);
  return ctx.getImageData(0, 0, spec.width, spec.height).data;
}

export async function readImageFile(file: File, spec: InputSpec): Promise<ImageRead> {
  if (file.size === 0) return { ok: false, message: `"${file.name}" is empty (0 bytes), so there is no image to use.` };
  if (file.size > MAX_FILE_BYTES)
    return { ok: false, message: `"${file.name}" is ${(file.size / 1048576).toFixed(0)} MB; files up to ${MAX_FILE_BYTES / 1048576} MB are accepted.` };
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return {
      ok: false,
      message: `"${file.name}" is not an image this browser can read${file.type ? ` (type ${file.type})` : ""}. Try a PNG, JPEG, WebP or GIF.`,
    };
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) {
      return { ok: false, message: `"${file.name}" is ${width} × ${height} pixels; pictures up to ${MAX_PIXELS / 1e6} megapixels are accepted.` };
    }
    const crop = centerSquare(width, height);
    // The browser's resampler averages the whole crop; drawImage straight from 6000 px to 28 px would alias.
    const small = await createImageBitmap(bitmap, crop.sx, crop.sy, crop.size, crop.size, {
      resizeWidth: spec.width,
      resizeHeight: spec.height,
      resizeQuality: "high",
    });
    try {
      const rgba = rgbaOf(spec, (ctx) => ctx.drawImage(small, 0, 0));
      return { ok: true, width, height, crop, ...rgbaToModelPixels(rgba, spec) };
    } finally {
      small.close();
    }
  } catch (e) {
    return { ok: false, message: `"${file.name}" could not be processed: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    bitmap.close();
  }
}

/**
 * A drawing (light strokes on a dark or clear canvas) -> model pixels: the strokes' bounding box, scaled and
 * centred like the training digits. Returns null when nothing is drawn.
 */
export function readDrawing(canvas: HTMLCanvasElement, spec: InputSpec): ModelPixels | null {
  const ctx = canvas.getContext("2d");
  if (!ctx) return null;
  const { width: w, height: h } = canvas;
  const data = ctx.getImageData(0, 0, w, h).data;
  let x0 = w,
    y0 = h,
    x1 = -1,
    y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (data[4 * (y * w + x)] > 32) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const box = { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
  const { dx, dy, dw, dh } = fitBox(box, spec.width);
  const rgba = rgbaOf(spec, (c) => {
    c.fillStyle = "black";
    c.fillRect(0, 0, spec.width, spec.height);
    c.drawImage(canvas, box.x, box.y, box.w, box.h, dx, dy, dw, dh);
  });
  return rgbaToModelPixels(rgba, spec);
}

/** A gallery image file -> model pixels, stretched to the model's input (as the photo models were evaluated). */
export async function readSampleImage(url: string, spec: InputSpec): Promise<ModelPixels> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not download ${url} (HTTP ${res.status}).`);
  const bitmap = await createImageBitmap(await res.blob(), { resizeWidth: spec.width, resizeHeight: spec.height, resizeQuality: "high" });
  try {
    return rgbaToModelPixels(
      rgbaOf(spec, (ctx) => ctx.drawImage(bitmap, 0, 0)),
      spec,
    );
  } finally {
    bitmap.close();
  }
}

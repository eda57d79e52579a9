/**
 * The page's image inputs, all through lib/image (the same steps as the Node scripts): uploads (crop or fit to
 * the model's input, whatever its size), gallery photos (stretched, as the detector was evaluated) and
 * drawings (the strokes' box scaled like an MNIST digit). Every failure of a file is a sentence, never a throw.
 */
import type { InputSpec } from "@/lib/models/manifest";
import type { ModelPixels } from "@/lib/image/model-pixels";
import { prepareDrawing, type Framing } from "@/lib/image/prepare";
import type { ImageRead } from "@/lib/image/read-image";
import { readImageBlob } from "@/lib/image/read-image-browser";

export type { ImageRead };

export function readImageFile(file: File, spec: InputSpec, framing: Framing): Promise<ImageRead> {
  return readImageBlob(file, file.name, { size: spec, framing });
}

/**
 * A drawing (light strokes on a black canvas) -> model pixels: the strokes' bounding box, scaled and centred like
 * the training digits. Returns null when nothing is drawn.
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
  return prepareDrawing({ width: w, height: h, data }, { x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 }, spec);
}

/** A gallery image file -> model pixels, stretched to the model's input (as the photo models were evaluated). */
export async function readSampleImage(url: string, spec: InputSpec): Promise<ModelPixels> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not download ${url} (HTTP ${res.status}).`);
  const read = await readImageBlob(await res.blob(), url.slice(url.lastIndexOf("/") + 1), { size: spec, framing: "stretch" });
  if (!read.ok) throw new Error(read.message);
  return read;
}

/** The sample gallery file (public/models/<model>/samples.json): 8-bit pixels in base64, one record per image. */
import type { InputSpec } from "@/lib/models/manifest";

export interface SampleJSON {
  id: string;
  label: string;
  width: number;
  height: number;
  channels: number;
  pixels: string;
}

/** An entry of a photo index (public/samples/photos/photos.json): an image file next to the index. */
export interface PhotoSampleJSON {
  id: string;
  file: string;
  title: string;
  width: number;
  height: number;
}

export type Sample =
  | {
      id: string;
      label: string;
      /** 8-bit pixels, channels-last, already the model's input size. */
      pixels: Uint8Array;
      width: number;
      height: number;
      channels: number;
    }
  | {
      id: string;
      label: string;
      /** An image file the page decodes and resizes to the model's input. */
      url: string;
      width: number;
      height: number;
    };

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

/** `folder`: the URL folder of the gallery file, which image files are relative to. */
export function parseSamples(json: unknown, folder = ""): Sample[] {
  const list = (json as { samples?: (SampleJSON | PhotoSampleJSON)[] })?.samples;
  if (!Array.isArray(list)) throw new Error("The sample gallery file is malformed.");
  return list.map((s): Sample => {
    if ("file" in s) return { id: s.id, label: s.title, url: folder + s.file, width: s.width, height: s.height };
    const pixels = fromBase64(s.pixels);
    if (pixels.length !== s.width * s.height * s.channels)
      throw new Error(`Sample ${s.id} has ${pixels.length} bytes, expected ${s.width * s.height * s.channels}.`);
    return { id: s.id, label: s.label, pixels, width: s.width, height: s.height, channels: s.channels };
  });
}

/** 8-bit pixels -> the model's value range, as float32. */
export function pixelsToInput(pixels: Uint8Array, spec: InputSpec): Float32Array {
  const [lo, hi] = spec.range;
  return Float32Array.from(pixels, (v) => lo + (v / 255) * (hi - lo));
}

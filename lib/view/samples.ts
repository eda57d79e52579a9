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

export interface Sample {
  id: string;
  label: string;
  /** 8-bit pixels, channels-last. */
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

export function parseSamples(json: unknown): Sample[] {
  const list = (json as { samples?: SampleJSON[] })?.samples;
  if (!Array.isArray(list)) throw new Error("The sample gallery file is malformed.");
  return list.map((s) => {
    const pixels = fromBase64(s.pixels);
    if (pixels.length !== s.width * s.height * s.channels) throw new Error(`Sample ${s.id} has ${pixels.length} bytes, expected ${s.width * s.height * s.channels}.`);
    return { id: s.id, label: s.label, pixels, width: s.width, height: s.height, channels: s.channels };
  });
}

/** 8-bit pixels -> the model's value range, as float32. */
export function pixelsToInput(pixels: Uint8Array, spec: InputSpec): Float32Array {
  const [lo, hi] = spec.range;
  return Float32Array.from(pixels, (v) => lo + (v / 255) * (hi - lo));
}

/**
 * WebP of the input image, for the evaluation scripts in Node: libwebp as built by Squoosh (npm @jsquash/webp,
 * Apache-2.0), its wasm read from node_modules. Deterministic: one encoder thread, and the plain and SIMD builds
 * give the same bytes, so the plain build is used everywhere.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import decode, { init as initDecoder } from "@jsquash/webp/decode.js";
import encode, { init as initEncoder } from "@jsquash/webp/encode.js";
import { fromRgba, toRgba, type GreyOrRgb } from "./image-codecs";

let ready: Promise<void> | null = null;

function load(): Promise<void> {
  // The decoder returns an ImageData, which Node lacks: a plain holder of the same three fields does.
  globalThis.ImageData ??= class {
    constructor(
      public data: Uint8ClampedArray,
      public width: number,
      public height: number,
    ) {}
  } as unknown as typeof ImageData;
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve("@jsquash/webp/package.json")), "codec");
  const compile = async (file: string) => WebAssembly.compile(await readFile(path.join(dir, file)));
  return (async () => {
    const [enc, dec] = await Promise.all([compile("enc/webp_enc.wasm"), compile("dec/webp_dec.wasm")]);
    await Promise.all([initEncoder(enc), initDecoder(dec)]);
  })();
}

/** Decodes a WebP file to RGBA (libwebp, as Chromium decodes WebP: identical pixels, measured). */
export async function decodeWebpRgba(bytes: Uint8Array): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  ready ??= load();
  await ready;
  const { width, height, data } = await decode(bytes.slice().buffer);
  return { width, height, data };
}

/** WebP round trip at a quality (0..100, lossy): the file's bytes and the pixels decoded from it. */
export async function webpRoundTrip(img: GreyOrRgb, quality: number): Promise<{ bytes: Uint8Array; decoded: Uint8Array }> {
  ready ??= load();
  await ready;
  const rgba = new Uint8ClampedArray(toRgba(img).buffer);
  const file = new Uint8Array(await encode({ data: rgba, width: img.width, height: img.height, colorSpace: "srgb" } as ImageData, { quality }));
  const decoded = fromRgba((await decode(file.buffer)).data, img);
  return { bytes: file, decoded };
}

/**
 * JPEG decoding in Node as Chromium decodes it: libjpeg-turbo's decoder (MozJPEG's, in wasm, npm @jsquash/jpeg,
 * Apache-2.0) gives Chromium's pixels exactly (measured on the gallery photos and on progressive, 4:2:0, 4:4:4
 * and grey files), where jpeg-js differs by up to 4 levels. The EXIF orientation is applied, as Chromium does.
 * Synchronous: the wasm module is compiled and instantiated on first use.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import mozjpeg, { type MozJPEGModule } from "@jsquash/jpeg/codec/dec/mozjpeg_dec.js";
import { exifOrientation } from "./header";
import { applyOrientation } from "./orientation";
import type { RgbaImage } from "./rgba";

let decoder: MozJPEGModule | null = null;

function load(): MozJPEGModule {
  const file = path.join(path.dirname(createRequire(import.meta.url).resolve("@jsquash/jpeg/package.json")), "codec/dec/mozjpeg_dec.wasm");
  const wasm = new WebAssembly.Module(readFileSync(file));
  const module = { noInitialRun: true } as Partial<MozJPEGModule> & Record<string, unknown>;
  // A synchronous instantiation: the Emscripten module is ready (decode defined) when the factory returns.
  module.instantiateWasm = (imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance) => void) => {
    const instance = new WebAssembly.Instance(wasm, imports);
    done(instance);
    return instance.exports;
  };
  void mozjpeg(module);
  if (typeof module.decode !== "function") throw new Error("the JPEG decoder did not start");
  return module as MozJPEGModule;
}

export function decodeJpegNode(bytes: Uint8Array): RgbaImage {
  decoder ??= load();
  // The flag is preserveOrientation: true would rotate as EXIF says; false gives the stored pixels, turned below as PNG's are.
  const image = decoder.decode(bytes as Uint8Array<ArrayBuffer>, false);
  if (!image) throw new Error("the JPEG decoder could not read it");
  const { width, height, data } = image;
  return applyOrientation({ width, height, data }, exifOrientation(bytes, "jpeg"));
}

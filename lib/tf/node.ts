// Node-side TensorFlow.js: the wasm backend (SIMD, one thread) plus the gradient kernels it lacks.
// tfjs-node cannot be installed offline, and the cpu backend is ~30x slower than wasm.
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmGradients } from "./wasm-gradients";

export type TF = typeof tf;

let ready: Promise<TF> | null = null;

/** Folder holding the three .wasm binaries, as a file-system path ending in a separator. */
export function wasmDistFolder(): string {
  // Resolve through Node rather than import.meta.url so tsx, vitest and plain node agree.
  const require = createRequire(import.meta.url);
  const pkg = require.resolve("@tensorflow/tfjs-backend-wasm/package.json");
  return path.join(path.dirname(pkg), "dist") + path.sep;
}

/** Returns the tf namespace with the wasm backend active. Safe to call many times. */
export function initNodeTf(): Promise<TF> {
  ready ??= (async () => {
    // The threaded build needs workers that Node's Emscripten glue does not set up here.
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
    tf.env().set("WASM_HAS_SIMD_SUPPORT", true);
    setWasmPaths(wasmDistFolder());
    registerWasmGradients(tf);
    const ok = await tf.setBackend("wasm");
    if (!ok) throw new Error("The TensorFlow.js wasm backend failed to initialise in Node.");
    await tf.ready();
    return tf;
  })();
  return ready;
}

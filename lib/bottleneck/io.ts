/**
 * A trained BU on disk: bu.json (config, parameter names and shapes, measured sizes) next to bu.bin
 * (float32 little-endian values in the same order) and tables.json (its entropy model as codec tables).
 */
import * as tf from "@tensorflow/tfjs";
import { paramShapes, type BuConfig, type BuParams } from "./bu";

export interface BuFileJSON {
  format: "splitscope-bu";
  version: 1;
  config: BuConfig;
  weights: { name: string; shape: number[] }[];
}

export function serializeBu(cfg: BuConfig, params: BuParams): { json: BuFileJSON; bin: Uint8Array } {
  const specs = paramShapes(cfg).map(([name, shape]) => ({ name, shape }));
  const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  const values = new Float32Array(total);
  let at = 0;
  for (const { name } of specs) {
    const v = params[name].dataSync();
    values.set(v, at);
    at += v.length;
  }
  return { json: { format: "splitscope-bu", version: 1, config: cfg, weights: specs }, bin: new Uint8Array(values.buffer) };
}

/** Checks the file against the layout its own config implies; throws an Error saying what differs. */
export function deserializeBu(json: BuFileJSON, bin: ArrayBuffer | Uint8Array): { config: BuConfig; params: BuParams } {
  if (json?.format !== "splitscope-bu" || json.version !== 1) throw new Error("not a Splitscope bottleneck unit file (format/version)");
  const expected = paramShapes(json.config);
  if (expected.length !== json.weights.length) throw new Error("bottleneck unit file lists the wrong number of weights");
  const bytes = bin instanceof Uint8Array ? bin : new Uint8Array(bin);
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const params: BuParams = {};
  let at = 0;
  for (let i = 0; i < expected.length; i++) {
    const [name, shape] = expected[i];
    const got = json.weights[i];
    if (got.name !== name || got.shape.join("x") !== shape.join("x"))
      throw new Error(`bottleneck unit weight ${i} is ${got.name} ${got.shape}, expected ${name} ${shape}`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (at + size > values.length) throw new Error("bottleneck unit weights file is too short");
    params[name] = tf.tensor(values.subarray(at, at + size), shape);
    at += size;
  }
  if (at !== values.length) throw new Error("bottleneck unit weights file has extra values");
  return { config: json.config, params };
}

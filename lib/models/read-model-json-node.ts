// Reads a tfjs model.json and its weight files from disk in Node, where tf.loadLayersModel and
// tf.loadGraphModel have no file:// handler without tfjs-node. Both loaders hand the result to tf.io.fromMemory.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type * as tfNamespace from "@tensorflow/tfjs";

export interface ModelJsonOnDisk {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: object;
  userDefinedMetadata?: { [key: string]: object };
  weightsManifest: Array<{ paths: string[]; weights: tfNamespace.io.WeightsManifestEntry[] }>;
}

/** The model's JSON, its weight specs, and all weight files concatenated in manifest order. */
export async function readModelArtifacts(
  modelJsonPath: string,
): Promise<{ json: ModelJsonOnDisk; weightSpecs: tfNamespace.io.WeightsManifestEntry[]; weightData: ArrayBuffer }> {
  const json = JSON.parse(await readFile(modelJsonPath, "utf8")) as ModelJsonOnDisk;
  const folder = path.dirname(modelJsonPath);
  const chunks = await Promise.all(json.weightsManifest.flatMap((group) => group.paths.map((p) => readFile(path.join(folder, p)))));
  const weightData = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    weightData.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { json, weightSpecs: json.weightsManifest.flatMap((group) => group.weights), weightData: weightData.buffer };
}

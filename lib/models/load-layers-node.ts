// Loads a tfjs layers model (model.json + weight files) from disk in Node, where tf.loadLayersModel has no
// file:// handler without tfjs-node.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type * as tfNamespace from "@tensorflow/tfjs";

type TF = typeof tfNamespace;

interface ModelJson {
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: tfNamespace.io.WeightsManifestEntry[] }>;
}

export async function loadLayersModelFromFile(tf: TF, modelJsonPath: string): Promise<tfNamespace.LayersModel> {
  const json = JSON.parse(await readFile(modelJsonPath, "utf8")) as ModelJson;
  const folder = path.dirname(modelJsonPath);
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const chunks = await Promise.all(
    json.weightsManifest.flatMap((group) => group.paths.map((p) => readFile(path.join(folder, p)))),
  );
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const weightData = new ArrayBuffer(total);
  const view = new Uint8Array(weightData);
  let offset = 0;
  for (const chunk of chunks) {
    view.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

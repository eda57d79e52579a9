// Loads a tfjs graph model (model.json + weight files) from disk in Node, where tf.loadGraphModel has no
// file:// handler without tfjs-node.
import { readFile } from "node:fs/promises";
import path from "node:path";
import type * as tfNamespace from "@tensorflow/tfjs";

type TF = typeof tfNamespace;

interface GraphModelJson {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: object;
  userDefinedMetadata?: { [key: string]: object };
  weightsManifest: Array<{ paths: string[]; weights: tfNamespace.io.WeightsManifestEntry[] }>;
}

export async function loadGraphModelFromFile(tf: TF, modelJsonPath: string): Promise<tfNamespace.GraphModel> {
  const json = JSON.parse(await readFile(modelJsonPath, "utf8")) as GraphModelJson;
  const folder = path.dirname(modelJsonPath);
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  const chunks = await Promise.all(
    json.weightsManifest.flatMap((group) => group.paths.map((p) => readFile(path.join(folder, p)))),
  );
  const weightData = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    weightData.set(chunk, offset);
    offset += chunk.byteLength;
  }
  const { modelTopology, format, generatedBy, convertedBy, signature, userDefinedMetadata } = json;
  return tf.loadGraphModel(
    tf.io.fromMemory({ modelTopology, format, generatedBy, convertedBy, signature, userDefinedMetadata, weightSpecs, weightData: weightData.buffer }),
  );
}

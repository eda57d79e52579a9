// Loads a tfjs layers model (model.json + weight files) from disk in Node.
import type * as tfNamespace from "@tensorflow/tfjs";
import { readModelArtifacts } from "./read-model-json-node";

export async function loadLayersModelFromFile(tf: typeof tfNamespace, modelJsonPath: string): Promise<tfNamespace.LayersModel> {
  const { json, weightSpecs, weightData } = await readModelArtifacts(modelJsonPath);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

// Loads a tfjs graph model (model.json + weight files) from disk in Node.
import type * as tfNamespace from "@tensorflow/tfjs";
import { readModelArtifacts } from "./read-model-json-node";

export async function loadGraphModelFromFile(tf: typeof tfNamespace, modelJsonPath: string): Promise<tfNamespace.GraphModel> {
  const { json, weightSpecs, weightData } = await readModelArtifacts(modelJsonPath);
  const { modelTopology, format, generatedBy, convertedBy, signature, userDefinedMetadata } = json;
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology, format, generatedBy, convertedBy, signature, userDefinedMetadata, weightSpecs, weightData }));
}

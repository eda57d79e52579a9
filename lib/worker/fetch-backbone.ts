/**
 * A backbone over HTTP: the tfjs model.json and its weight files fetched with checked statuses and byte-level
 * progress (tfjs's own loader reads a failed response's body as weights), then built from memory as the Node
 * loaders do (lib/models/load-*-node.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { layersBackbone, type Backbone } from "@/lib/models/backbone";
import { graphBackbone, type GraphStructure } from "@/lib/models/graph-backbone";
import type { GraphNode } from "@/lib/models/graph-macs";
import type { ModelManifest } from "@/lib/models/manifest";
import type { ModelJsonOnDisk } from "@/lib/models/read-model-json-node";
import { concatBytes } from "@/lib/util/bytes";
import { describeFile, fetchBytes, fetchJson, LoadError, throwIfCancelled } from "./fetch-checked";

export type Phase = "weights" | "build";

function checkModelJson(json: unknown, url: string): ModelJsonOnDisk {
  const j = json as ModelJsonOnDisk;
  const ok =
    j !== null &&
    typeof j === "object" &&
    typeof j.modelTopology === "object" &&
    Array.isArray(j.weightsManifest) &&
    j.weightsManifest.every((g) => Array.isArray(g?.paths) && g.paths.every((p) => typeof p === "string") && Array.isArray(g.weights));
  if (!ok) throw new LoadError(`The model description (${url}) is not a TensorFlow.js model: it lacks its topology or its list of weight files.`);
  return j;
}

/** The graph's nodes and weight shapes, and its input node, so that the backbone can list its cuts. */
function graphStructure(manifest: ModelManifest, json: ModelJsonOnDisk): GraphStructure | undefined {
  const topology = json.modelTopology as { node?: GraphNode[] };
  const input = topology.node?.find((n) => n.op === "Placeholder");
  if (!topology.node || !input) return undefined;
  return {
    topology: { nodes: topology.node, weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as { name: string; shape: number[] }[] },
    input: { node: input.name, shape: [1, manifest.input.height, manifest.input.width, manifest.input.channels] },
  };
}

export async function fetchBackbone(
  manifest: ModelManifest,
  folder: string,
  signal: AbortSignal,
  onProgress: (phase: Phase, fraction: number | null) => void,
): Promise<Backbone> {
  const url = folder + manifest.backbone.url;
  const json = checkModelJson(await fetchJson(url, "the model description", signal), url);
  const base = url.slice(0, url.lastIndexOf("/") + 1);
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  // Progress over all files by bytes; a file whose size is not yet known counts as nothing until it is.
  const received = paths.map(() => 0);
  const expected = paths.map((): number | null => null);
  const report = () => {
    const total = expected.reduce<number>((a, b) => a + (b ?? 0), 0);
    onProgress("weights", expected.every((e) => e !== null) && total > 0 ? received.reduce((a, b) => a + b, 0) / total : null);
  };
  onProgress("weights", 0);
  const parts = await Promise.all(
    paths.map((p, i) =>
      fetchBytes(base + p, "the model weights", signal, (got, size) => {
        received[i] = got;
        expected[i] = size;
        report();
      }),
    ),
  );
  throwIfCancelled(signal);
  const weightData = concatBytes(parts);
  onProgress("build", null);
  const { modelTopology, format, generatedBy, convertedBy, signature, userDefinedMetadata } = json;
  const weightSpecs = json.weightsManifest.flatMap((g) => g.weights);
  const artifacts = { modelTopology, format, generatedBy, convertedBy, signature, userDefinedMetadata, weightSpecs, weightData: weightData.buffer };
  let backbone: Backbone;
  try {
    backbone =
      manifest.backbone.kind === "graph"
        ? graphBackbone(
            await tf.loadGraphModel(tf.io.fromMemory(artifacts)),
            manifest.backbone.outputs,
            graphStructure(manifest, json),
            manifest.backbone.probe,
          )
        : layersBackbone(await tf.loadLayersModel(tf.io.fromMemory(artifacts)));
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new LoadError(`The model weights do not fit ${describeFile("the model description", url)}: ${detail}`);
  }
  if (signal.aborted) {
    backbone.dispose();
    throwIfCancelled(signal);
  }
  return backbone;
}

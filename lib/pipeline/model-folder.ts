/**
 * A model folder on disk (manifest.json, backbone, bottleneck units) and the whole split pipeline run once on one
 * 8-bit image, in Node: the e2e reference (over the built site) and the golden vectors (over public/) use this.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { argmax } from "@/lib/metrics/summary";
import { layersBackbone, type Backbone } from "@/lib/models/backbone";
import { graphBackbone } from "@/lib/models/graph-backbone";
import { loadGraphModelFromFile } from "@/lib/models/load-graph-node";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { shownDetections } from "@/lib/view/detections";
import { pixelsToInput } from "@/lib/view/samples";
import { folderSource } from "./node-files";
import { runClient, runServer } from "./run";
import { disposeRate, loadRate } from "./units";

export interface FolderModel {
  manifest: ModelManifest;
  backbone: Backbone;
  folder: string;
}

export async function loadModelFolder(folder: string): Promise<FolderModel> {
  const manifest = validateManifest(JSON.parse(await readFile(path.join(folder, "manifest.json"), "utf8")));
  const file = path.join(folder, manifest.backbone.url);
  const backbone =
    manifest.backbone.kind === "layers"
      ? layersBackbone(await loadLayersModelFromFile(tf, file))
      : graphBackbone(await loadGraphModelFromFile(tf, file), manifest.backbone.outputs, undefined, manifest.backbone.probe);
  return { manifest, backbone, folder };
}

/** The top result named as the page names it: the top class, or a detector's most confident shown box's class ("none"). */
export function topName(manifest: ModelManifest, output: Float32Array): string {
  if (manifest.task !== "detection") return manifest.classes[argmax(output)];
  const d = shownDetections(output)[0];
  return d ? manifest.classes[d.cls] : "none";
}

export interface PipelineRun {
  /** The whole bitstream the client sends. */
  bytes: Uint8Array;
  /** What the tail makes of those bytes, and what the unsplit model says. */
  splitTop: string;
  unsplitTop: string;
}

/** 8-bit pixels at the model's input size -> its input tensor, as the page makes it. */
function inputOf(manifest: ModelManifest, pixels: Uint8Array): tf.Tensor4D {
  const { height, width, channels } = manifest.input;
  return tf.tensor4d(pixelsToInput(pixels, manifest.input), [1, height, width, channels]);
}

/** Client (head, BU encoder, rANS) and server (decode, BU decoder, tail) on the real bytes, plus the unsplit model. */
export async function runPipelineOnce({ manifest, backbone, folder }: FolderModel, pixels: Uint8Array, split: number, rate: number): Promise<PipelineRun> {
  const s = manifest.splits[split];
  const units = await loadRate(folderSource(folder), s, s.rates[rate]);
  const x = inputOf(manifest, pixels);
  try {
    const client = await runClient(backbone, units, { model: manifest.index, split, rate }, x);
    const server = await runServer(backbone, units, manifest.index, client.bitstreams);
    const unsplit = backbone.predict(x);
    const splitOut = (await server.outputs[0].data()) as Float32Array;
    const unsplitOut = (await unsplit[0].data()) as Float32Array;
    tf.dispose([...client.features, ...server.reconstruction, ...server.outputs, ...unsplit]);
    return { bytes: client.bitstreams[0], splitTop: topName(manifest, splitOut), unsplitTop: topName(manifest, unsplitOut) };
  } finally {
    x.dispose();
    disposeRate(units);
  }
}

/** The server side alone on a given stream: what the tail predicts from it. Throws BitstreamError for a bad stream. */
export async function decodeTop({ manifest, backbone, folder }: FolderModel, bytes: Uint8Array, split: number, rate: number): Promise<string> {
  const s = manifest.splits[split];
  const units = await loadRate(folderSource(folder), s, s.rates[rate]);
  try {
    const server = await runServer(backbone, units, manifest.index, [bytes]);
    const out = (await server.outputs[0].data()) as Float32Array;
    tf.dispose([...server.reconstruction, ...server.outputs]);
    return topName(manifest, out);
  } finally {
    disposeRate(units);
  }
}

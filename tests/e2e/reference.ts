/**
 * The pipeline run in the test process itself (Node, tfjs wasm backend, the lib/ code the scripts use) on the
 * files the site serves, so the page's figures are checked against an independent run rather than against
 * numbers copied from the page.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { layersBackbone, type Backbone } from "@/lib/models/backbone";
import { graphBackbone } from "@/lib/models/graph-backbone";
import { loadGraphModelFromFile } from "@/lib/models/load-graph-node";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { shownDetections } from "@/lib/view/detections";
import { pixelsToInput } from "@/lib/view/samples";
import { argmax } from "@/lib/metrics/summary";
import type { RdFile } from "@/lib/metrics/rd-schema";
import { folderSource } from "@/lib/pipeline/node-files";
import { runClient, runServer } from "@/lib/pipeline/run";
import { disposeRate, loadRate } from "@/lib/pipeline/units";
import { initNodeTf } from "@/lib/tf/node";

export const SITE_DIR = path.resolve(process.env.E2E_ROOT_DIR ?? "out");

export function readSiteJson<T>(sitePath: string): T {
  return JSON.parse(readFileSync(path.join(SITE_DIR, sitePath), "utf8")) as T;
}

export interface Reference {
  bytes: Uint8Array;
  splitTop: string;
  unsplitTop: string;
}

interface LoadedModel {
  manifest: ModelManifest;
  backbone: Backbone;
  folder: string;
}

const loaded = new Map<string, Promise<LoadedModel>>();

/** The model as the site serves it, loaded once per test process. */
function siteModel(id: "digits" | "centernet"): Promise<LoadedModel> {
  if (!loaded.has(id)) {
    loaded.set(
      id,
      (async () => {
        const tf = await initNodeTf();
        const folder = path.join(SITE_DIR, `models/${id}`);
        const manifest = siteManifest(id);
        const file = path.join(folder, manifest.backbone.url);
        const backbone =
          manifest.backbone.kind === "layers"
            ? layersBackbone(await loadLayersModelFromFile(tf, file))
            : graphBackbone(await loadGraphModelFromFile(tf, file), manifest.backbone.outputs);
        return { manifest, backbone, folder };
      })(),
    );
  }
  return loaded.get(id)!;
}

function siteManifest(id: "digits" | "centernet"): ModelManifest {
  return validateManifest(readSiteJson(`models/${id}/manifest.json`));
}

export const digitsManifest = () => siteManifest("digits");
export const centernetManifest = () => siteManifest("centernet");

export function digitsRd(): RdFile {
  return readSiteJson<RdFile>(digitsManifest().rd!);
}

/**
 * Runs the model's split pipeline and the unsplit model on 8-bit pixels at the model's input size (turned into
 * its input range as the page does) and names the top result the way the page does: the top class, or for a
 * detector the class of its most confident detection shown ("none" when there is none).
 */
export async function referenceRunOf(id: "digits" | "centernet", pixels: Uint8Array, split: number, rate: number): Promise<Reference> {
  const tf = await initNodeTf();
  const { manifest, backbone, folder } = await siteModel(id);
  const s = manifest.splits[split];
  const units = await loadRate(folderSource(folder), s, s.rates[rate]);
  const x = tf.tensor4d(pixelsToInput(pixels, manifest.input), [1, manifest.input.height, manifest.input.width, manifest.input.channels]);
  const top = (out: Float32Array) => {
    if (manifest.task !== "detection") return manifest.classes[argmax(out)];
    const d = shownDetections(out)[0];
    return d ? manifest.classes[d.cls] : "none";
  };
  try {
    const client = await runClient(backbone, units, { model: manifest.index, split, rate }, x);
    const server = await runServer(backbone, units, manifest.index, client.bitstreams);
    const unsplit = backbone.predict(x);
    const splitOut = (await server.outputs[0].data()) as Float32Array;
    const unsplitOut = (await unsplit[0].data()) as Float32Array;
    tf.dispose([...client.features, ...server.reconstruction, ...server.outputs, ...unsplit]);
    return { bytes: client.bitstreams[0], splitTop: top(splitOut), unsplitTop: top(unsplitOut) };
  } finally {
    x.dispose();
    disposeRate(units);
  }
}

export function referenceRun(pixels: Uint8Array, split: number, rate: number): Promise<Reference> {
  return referenceRunOf("digits", pixels, split, rate);
}

export function samplePixels(id: string): { pixels: Uint8Array; label: string } {
  const { samples } = readSiteJson<{ samples: { id: string; label: string; pixels: string }[] }>("models/digits/samples.json");
  const s = samples.find((x) => x.id === id);
  if (!s) throw new Error(`no sample ${id}`);
  return { pixels: new Uint8Array(Buffer.from(s.pixels, "base64")), label: s.label };
}

export function hexOf(bytes: Uint8Array, count = 32): string {
  return Array.from(bytes.subarray(0, count), (b) => b.toString(16).padStart(2, "0")).join(" ") + (bytes.length > count ? " …" : "");
}

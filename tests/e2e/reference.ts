/**
 * The pipeline run in the test process itself (Node, tfjs wasm backend, the lib/ code the scripts use) on the
 * files the site serves, so the page's figures are checked against an independent run rather than against
 * numbers copied from the page.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { layersBackbone, type Backbone } from "@/lib/models/backbone";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
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

let loaded: Promise<{ manifest: ModelManifest; backbone: Backbone; folder: string }> | null = null;

async function digits() {
  loaded ??= (async () => {
    const tf = await initNodeTf();
    const folder = path.join(SITE_DIR, "models/digits");
    const manifest = validateManifest(readSiteJson("models/digits/manifest.json"));
    const model = await loadLayersModelFromFile(tf, path.join(folder, manifest.backbone.url));
    return { manifest, backbone: layersBackbone(model), folder };
  })();
  return loaded;
}

export function digitsManifest(): ModelManifest {
  return validateManifest(readSiteJson("models/digits/manifest.json"));
}

export function digitsRd(): RdFile {
  return readSiteJson<RdFile>(digitsManifest().rd!);
}

/** 8-bit grey pixels -> what the digits model gets: [0, 1] floats. */
export async function referenceRun(pixels: Uint8Array, split: number, rate: number): Promise<Reference> {
  const tf = await initNodeTf();
  const { manifest, backbone, folder } = await digits();
  const s = manifest.splits[split];
  const r = s.rates[rate];
  const units = await loadRate(folderSource(folder), s, r);
  const x = tf.tensor4d(Float32Array.from(pixels, (v) => v / 255), [1, 28, 28, 1]);
  try {
    const client = await runClient(backbone, units, { model: manifest.index, split, rate }, x);
    const server = await runServer(backbone, units, manifest.index, client.bitstreams);
    const unsplit = backbone.predict(x);
    const splitLogits = await server.outputs[0].data();
    const unsplitLogits = await unsplit[0].data();
    tf.dispose([...client.features, ...server.reconstruction, ...server.outputs, ...unsplit]);
    return { bytes: client.bitstreams[0], splitTop: manifest.classes[argmax(splitLogits)], unsplitTop: manifest.classes[argmax(unsplitLogits)] };
  } finally {
    x.dispose();
    disposeRate(units);
  }
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

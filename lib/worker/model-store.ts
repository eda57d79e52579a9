/**
 * The worker's loaded model: registry -> manifest (validated) -> backbone weights (with download progress)
 * -> bottleneck units per rate level, fetched on first use and kept until the model changes.
 * One model at a time: switching disposes the previous backbone and every loaded rate.
 */
import * as tf from "@tensorflow/tfjs";
import { layersBackbone, type Backbone } from "@/lib/models/backbone";
import { graphBackbone } from "@/lib/models/graph-backbone";
import { findRate, validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { disposeRate, loadRate, type FileSource, type LoadedRate } from "@/lib/pipeline/units";
import { assetUrl } from "./asset-url";
import type { Progress, RegistryEntry } from "./playground-protocol";

export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LoadError";
  }
}

async function fetchOk(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch {
    throw new LoadError(`Could not download ${url} (network error).`);
  }
  if (!res.ok) throw new LoadError(`Could not download ${url} (HTTP ${res.status}).`);
  return res;
}

async function fetchJson(url: string): Promise<unknown> {
  const res = await fetchOk(url);
  try {
    return await res.json();
  } catch {
    throw new LoadError(`${url} is not valid JSON.`);
  }
}

/** Files next to a manifest, fetched relative to its folder. */
function folderSource(folder: string): FileSource {
  return {
    json: (path) => fetchJson(folder + path),
    bytes: async (path) => new Uint8Array(await (await fetchOk(folder + path)).arrayBuffer()),
  };
}

let registry: Promise<RegistryEntry[]> | null = null;

export function loadRegistry(): Promise<RegistryEntry[]> {
  registry ??= fetchJson(assetUrl("/models/index.json")).then((json) => {
    const models = (json as { models?: unknown }).models;
    if (!Array.isArray(models) || !models.every((m) => typeof m?.id === "string" && typeof m?.manifest === "string")) {
      throw new LoadError("The model registry (models/index.json) is malformed.");
    }
    return models as RegistryEntry[];
  });
  registry.catch(() => (registry = null));
  return registry;
}

const manifests = new Map<string, Promise<{ manifest: ModelManifest; folder: string }>>();

/** A registry entry's manifest, validated, with the URL folder its relative paths start from. */
export function loadManifest(entry: RegistryEntry): Promise<{ manifest: ModelManifest; folder: string }> {
  let p = manifests.get(entry.id);
  if (!p) {
    const url = assetUrl("/" + entry.manifest);
    p = fetchJson(url).then((json) => {
      let manifest: ModelManifest;
      try {
        manifest = validateManifest(json);
      } catch (e) {
        throw new LoadError(e instanceof Error ? e.message : String(e));
      }
      return { manifest, folder: url.slice(0, url.lastIndexOf("/") + 1) };
    });
    p.catch(() => manifests.delete(entry.id));
    manifests.set(entry.id, p);
  }
  return p;
}

export interface LoadedModel {
  id: string;
  manifest: ModelManifest;
  backbone: Backbone;
  /** The bottleneck units of one rate level, loaded once. */
  rate(split: number, rate: number): Promise<LoadedRate>;
}

let current: { id: string; model: Promise<LoadedModel>; dispose: () => void } | null = null;

async function warmUp(backbone: Backbone, manifest: ModelManifest): Promise<void> {
  const { height, width, channels } = manifest.input;
  const x = tf.zeros([1, height, width, channels]) as tf.Tensor4D;
  const outputs = backbone.predict(x);
  await outputs[0].data();
  tf.dispose([x, ...outputs]);
}

async function open(entry: RegistryEntry, onProgress: (p: Progress) => void): Promise<{ model: LoadedModel; rates: Map<string, Promise<LoadedRate>> }> {
  const { manifest, folder } = await loadManifest(entry);
  onProgress({ what: "backbone weights", fraction: 0 });
  const url = folder + manifest.backbone.url;
  const options = { onProgress: (fraction: number) => onProgress({ what: "backbone weights", fraction }) };
  const backbone =
    manifest.backbone.kind === "graph"
      ? graphBackbone(await tf.loadGraphModel(url, options), manifest.backbone.outputs)
      : layersBackbone(await tf.loadLayersModel(url, options));
  // A kernel's first run prepares it (on wasm, every convolution packs its weights), which would otherwise land in
  // the first stage times the page shows: one run on a blank input while the page still says "loading" instead.
  onProgress({ what: "first run (kernel setup)", fraction: 1 });
  await warmUp(backbone, manifest);
  const files = folderSource(folder);
  const rates = new Map<string, Promise<LoadedRate>>();
  const model: LoadedModel = {
    id: entry.id,
    manifest,
    backbone,
    rate(split, rate) {
      const key = `${split}/${rate}`;
      let p = rates.get(key);
      if (!p) {
        const found = findRate(manifest, split, rate);
        if (!found) return Promise.reject(new LoadError(`Model ${manifest.id} has no split ${split} with rate level ${rate}.`));
        p = loadRate(files, found.split, found.rate);
        p.catch(() => rates.delete(key));
        rates.set(key, p);
      }
      return p;
    },
  };
  return { model, rates };
}

/** Loads (or returns the already loaded) model; a different id disposes the previous one first. */
export async function useModel(id: string, onProgress: (p: Progress) => void = () => {}): Promise<LoadedModel> {
  if (current?.id === id) return current.model;
  const entry = (await loadRegistry()).find((e) => e.id === id);
  if (!entry) throw new LoadError(`There is no model "${id}" in the registry.`);
  if (current?.id === id) return current.model; // loaded by a call that overtook this one
  current?.dispose();
  const opened = open(entry, onProgress);
  const model = opened.then((o) => o.model);
  const mine = {
    id,
    model,
    dispose: () => {
      void opened.then(
        ({ model: m, rates }) => {
          for (const r of rates.values()) r.then(disposeRate, () => {});
          m.backbone.dispose();
        },
        () => {},
      );
    },
  };
  current = mine;
  model.catch(() => {
    if (current === mine) current = null;
  });
  return model;
}

/** The registry entry whose manifest has this index (bitstream headers carry indices). */
export async function entryByIndex(index: number): Promise<RegistryEntry | undefined> {
  for (const entry of await loadRegistry()) {
    const { manifest } = await loadManifest(entry);
    if (manifest.index === index) return entry;
  }
  return undefined;
}

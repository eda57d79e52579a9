/**
 * The worker's models. The worker alone reads and validates the registry (public/models/index.json), each
 * model's manifest and its small files (RD results, samples); the page gets the validated result.
 *
 * Loaded models (backbone weights, bottleneck units per rate level, input sessions) are shared by reference
 * count: the page's model and the model of the last decoded bitstream each hold one reference (two slots), every
 * run and decode holds one while it works, and a model is disposed when its count falls to zero. A load whose
 * last reference goes while it is still downloading is cancelled.
 */
import { findRate, validateManifest, type ModelManifest } from "@/lib/models/manifest";
import type { Backbone } from "@/lib/models/backbone";
import { rdProblems, type RdFile } from "@/lib/metrics/rd-schema";
import { disposeRate, loadRate, type FileSource, type LoadedRate } from "@/lib/pipeline/units";
import { parseSamples } from "@/lib/view/samples";
import { assetUrl } from "./asset-url";
import { fetchBackbone } from "./fetch-backbone";
import { Cancelled, fetchBytes, fetchJson, LoadError } from "./fetch-checked";
import type { ModelEntry, ModelFiles, Progress, RegistryEntry } from "./playground-protocol";
import { fittedRate, withFitted } from "./fitted-units";
import { SessionStore } from "./session";

export { Cancelled, LoadError };

/** `rel` resolved against `folder` ("../" allowed); an absolute folder keeps its origin, a site path stays a path. */
export function resolvePath(folder: string, rel: string): string {
  const base = "http://base.invalid";
  const url = new URL(rel, new URL(folder, base + "/"));
  return url.origin === base ? url.pathname : url.href;
}

let registry: Promise<RegistryEntry[]> | null = null;

export function loadRegistry(): Promise<RegistryEntry[]> {
  registry ??= fetchJson(assetUrl("/models/index.json"), "the model list").then((json) => {
    const models = (json as { models?: unknown })?.models;
    const valid =
      Array.isArray(models) &&
      models.length > 0 &&
      models.every((m) => typeof m?.id === "string" && typeof m?.manifest === "string") &&
      new Set(models.map((m: RegistryEntry) => m.id)).size === models.length;
    if (!valid) throw new LoadError(`The model list (${assetUrl("/models/index.json")}) is malformed: it needs one entry with an id and a manifest per model.`);
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
    p = fetchJson(url, `the description of model "${entry.id}"`).then((json) => {
      let manifest: ModelManifest;
      try {
        manifest = validateManifest(json);
      } catch (e) {
        throw new LoadError(`The description of model "${entry.id}" (${url}) is unusable. ${e instanceof Error ? e.message : String(e)}.`);
      }
      if (manifest.id !== entry.id) throw new LoadError(`The description at ${url} is for model "${manifest.id}", not "${entry.id}".`);
      return { manifest, folder: url.slice(0, url.lastIndexOf("/") + 1) };
    });
    p.catch(() => manifests.delete(entry.id));
    manifests.set(entry.id, p);
  }
  return p;
}

async function entryOf(id: string): Promise<RegistryEntry> {
  const entry = (await loadRegistry()).find((e) => e.id === id);
  if (!entry) throw new LoadError(`There is no model "${id}" in the model list.`);
  return entry;
}

/** Every model with the name its manifest gives it, for the model menu. */
export async function listModels(): Promise<ModelEntry[]> {
  const entries = await loadRegistry();
  return Promise.all(
    entries.map(async (e) => {
      const { manifest } = await loadManifest(e);
      return { id: e.id, name: manifest.name, task: manifest.task, inputChannels: manifest.input.channels };
    }),
  );
}

/** The registry entry and manifest whose index a bitstream header names, loading no weights. */
export async function manifestByIndex(index: number): Promise<ModelManifest | undefined> {
  for (const entry of await loadRegistry()) {
    const { manifest } = await loadManifest(entry);
    if (manifest.index === index) return manifest;
  }
  return undefined;
}

/** The small files the page draws before any weights arrive: manifest, RD results (or why not), samples. */
export async function modelFiles(id: string): Promise<ModelFiles> {
  const { manifest, folder } = await loadManifest(await entryOf(id));
  let rd: RdFile | null = null;
  let rdProblem: string | null = null;
  if (manifest.rd) {
    try {
      const json = await fetchJson(assetUrl("/" + manifest.rd), "the rate-distortion results");
      const problems = rdProblems(json);
      if (problems.length) rdProblem = `The rate-distortion results do not match their schema: ${problems.slice(0, 3).join("; ")}.`;
      else rd = json as RdFile;
    } catch (e) {
      rdProblem = e instanceof Error ? e.message : String(e);
    }
  } else rdProblem = "This model has no precomputed rate-distortion results.";
  let samples: ModelFiles["samples"] = [];
  if (manifest.samples) {
    const url = resolvePath(folder, manifest.samples);
    try {
      samples = parseSamples(await fetchJson(url, "the sample gallery"), url.slice(0, url.lastIndexOf("/") + 1));
    } catch (e) {
      if (e instanceof LoadError) throw e;
      throw new LoadError(`The sample gallery (${url}) is unusable: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { manifest: withFitted(manifest), rd, rdProblem, samples };
}

/** Files next to a manifest, fetched relative to its folder. */
function folderSource(folder: string): FileSource {
  return {
    json: (path) => fetchJson(folder + path, "a bottleneck unit file"),
    bytes: (path) => fetchBytes(folder + path, "a bottleneck unit's weights"),
  };
}

export interface LoadedModel {
  id: string;
  manifest: ModelManifest;
  backbone: Backbone;
  /** Cached results per input (see session.ts); disposed with the model. */
  sessions: SessionStore;
  /** The bottleneck units of one rate level, loaded once. */
  rate(split: number, rate: number): Promise<LoadedRate>;
  /** Whether this split point has run on this model before (its kernels are set up); marks it as run. */
  firstRunOf(split: number): boolean;
}

/** A counted reference to a model, released once (whether or not it has finished loading). */
export interface ModelHandle {
  model: Promise<LoadedModel>;
  release(): void;
}

interface Slot {
  refs: number;
  abort: AbortController;
  model: Promise<LoadedModel>;
  listeners: Set<(p: Progress) => void>;
}

const slots = new Map<string, Slot>();

/** A rate level to load while the backbone downloads (the one the page will run first). */
export interface Prefetch {
  split: number;
  rate: number;
}

async function open(id: string, signal: AbortSignal, progress: (p: Progress) => void, prefetch?: Prefetch): Promise<LoadedModel> {
  progress({ phase: "manifest", what: "the model description", fraction: null });
  const { manifest, folder } = await loadManifest(await entryOf(id));
  const files = folderSource(folder);
  const rates = new Map<string, Promise<LoadedRate>>();
  const loadRateOnce = (split: number, rate: number): Promise<LoadedRate> => {
    const key = `${split}/${rate}`;
    let p = rates.get(key);
    if (!p) {
      const found = findRate(manifest, split, rate);
      if (!found) return Promise.reject(new LoadError(`Model ${manifest.id} has no split ${split} with rate level ${rate}.`));
      p = loadRate(files, found.split, found.rate).catch((e: unknown) => {
        throw e instanceof LoadError ? e : new LoadError(`The bottleneck unit for ${found.split.label}, ${found.rate.id} is unusable: ${String(e)}`);
      });
      p.catch(() => rates.delete(key));
      rates.set(key, p);
    }
    return p;
  };
  // The first rate level's units (a few small files) download alongside the backbone's weights.
  if (prefetch && findRate(manifest, prefetch.split, prefetch.rate)) loadRateOnce(prefetch.split, prefetch.rate).catch(() => {});
  let backbone: Backbone;
  try {
    backbone = await fetchBackbone(manifest, folder, signal, (phase, fraction) =>
      progress(phase === "weights" ? { phase, what: "the backbone weights", fraction } : { phase, what: "building the model", fraction }),
    );
  } catch (e) {
    for (const r of rates.values()) r.then(disposeRate, () => {});
    throw e;
  }
  const ran = new Set<number>();
  const sessions = new SessionStore(manifest, backbone);
  let disposed = false;
  const model: LoadedModel & { dispose(): void } = {
    id,
    // With the units fitted in this worker: they are split points like the manifest's own.
    get manifest() {
      return withFitted(manifest);
    },
    backbone,
    sessions,
    rate(split, rate) {
      if (disposed) return Promise.reject(new Error(`model ${id} is no longer loaded`));
      const fitted = split >= manifest.splits.length ? fittedRate(id, split, rate) : undefined;
      return fitted ? Promise.resolve(fitted) : loadRateOnce(split, rate);
    },
    firstRunOf(split) {
      const first = !ran.has(split);
      ran.add(split);
      return first;
    },
    dispose() {
      disposed = true;
      sessions.dispose();
      for (const r of rates.values()) r.then(disposeRate, () => {});
      backbone.dispose();
    },
  };
  return model;
}

/**
 * A reference to model `id`, loading it if no one holds it. Progress reaches `onProgress` until it has loaded.
 * Releasing the last reference disposes the model, or cancels its load if it is still loading.
 */
export function acquireModel(id: string, onProgress?: (p: Progress) => void, prefetch?: Prefetch): ModelHandle {
  let slot = slots.get(id);
  if (!slot) {
    const abort = new AbortController();
    const listeners = new Set<(p: Progress) => void>();
    const model = open(id, abort.signal, (p) => listeners.forEach((l) => l(p)), prefetch);
    const mine: Slot = { refs: 0, abort, model, listeners };
    slot = mine;
    slots.set(id, mine);
    model.then(
      () => listeners.clear(),
      () => {
        if (slots.get(id) === mine) slots.delete(id);
      },
    );
  }
  const s = slot;
  s.refs++;
  if (onProgress) s.listeners.add(onProgress);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (onProgress) s.listeners.delete(onProgress);
    if (--s.refs > 0) return;
    if (slots.get(id) === s) slots.delete(id);
    s.abort.abort();
    s.model.then(
      (m) => (m as LoadedModel & { dispose(): void }).dispose(),
      () => {},
    );
  };
  return { model: s.model, release };
}

/** Models with a reference, for tests and the memory readout. */
export function loadedModelIds(): string[] {
  return [...slots.keys()];
}

/** One model per purpose (the page's, the decoder's): choosing another releases the previous one's reference. */
export class ModelSlot {
  private held: { id: string; handle: ModelHandle } | null = null;

  get id(): string | null {
    return this.held?.id ?? null;
  }

  /**
   * The slot's model, switching to `id` if it holds another. A switch releases the other at once: a load still
   * under way is cancelled (its caller gets Cancelled) unless someone else holds that model too.
   */
  async use(id: string, onProgress?: (p: Progress) => void, prefetch?: Prefetch): Promise<LoadedModel> {
    if (this.held?.id !== id) {
      this.held?.handle.release();
      this.held = { id, handle: acquireModel(id, onProgress, prefetch) };
    }
    const mine = this.held!;
    try {
      const model = await mine.handle.model;
      if (this.held !== mine) throw new Cancelled(`Loading model "${id}"`);
      return model;
    } catch (e) {
      // A failed load leaves the slot empty, so that the next use (a retry) starts afresh.
      if (this.held !== mine) throw new Cancelled(`Loading model "${id}"`);
      this.held = null;
      mine.handle.release();
      throw e;
    }
  }

  /** An extra reference to the slot's model (loaded) while some work uses it; the caller releases it. */
  async hold(id: string): Promise<{ model: LoadedModel; release(): void }> {
    const mine = this.held;
    if (mine?.id !== id) throw new Cancelled(`Work on model "${id}"`);
    await mine.handle.model;
    // Checked again after the wait: the slot's own reference keeps the model loaded only while it is still held.
    if (this.held !== mine) throw new Cancelled(`Work on model "${id}"`);
    const extra = acquireModel(id);
    return { model: await extra.model, release: extra.release };
  }

  clear(): void {
    this.held?.handle.release();
    this.held = null;
  }
}

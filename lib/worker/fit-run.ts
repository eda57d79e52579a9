/**
 * "Fit a unit here" inside the worker: the page's model, cut where the page asks, units fitted on the images it
 * sends (lib/pipeline/fit-cut.ts, the same code the bench runs in Node), progress events naming each phase and
 * each level's measured point, a cancel that stops the fit between steps, and the result registered as a split
 * point (fitted-units.ts). Loading a unit file goes through the same registration.
 */
import * as tf from "@tensorflow/tfjs";
import { markPrepared, type Cut } from "@/lib/models/cuts";
import type { ModelManifest } from "@/lib/models/manifest";
import { disposeFitted, fitAtCut, type CutFitProgress } from "@/lib/pipeline/fit-cut";
import type { LoadedRate } from "@/lib/pipeline/units";
import { newUnitId, readUnitFile, UnitFileError, unitFileJson } from "@/lib/pipeline/unit-file";
import { registerWasmGradients } from "@/lib/tf/wasm-gradients";
import { pixelsToInput } from "@/lib/view/samples";
import type { CutsResult, FitParams, FittedResult, LoadUnitParams } from "./fit-protocol";
import { addFitted, fittedById, fittedFor, type FittedEntry } from "./fitted-units";
import type { LoadedModel } from "./model-store";
import { BadInput, pageSlot } from "./playground-run";
import type { Progress } from "./playground-protocol";

/** Thrown when the page cancels a fit; the handler turns it into a "cancelled" answer. */
export class FitCancelled extends Error {
  constructor() {
    super("The fit was cancelled.");
    this.name = "FitCancelled";
  }
}

/** At most this many images per fit: enough for the closed-form start, few enough to stay quick. */
export const MAX_FIT_IMAGES = 200;

let running: AbortController | null = null;

async function withPageModel<T>(id: string, work: (model: LoadedModel) => Promise<T>): Promise<T> {
  if (typeof id !== "string") throw new BadInput("Which model? The request names none.");
  const handle = await pageSlot.hold(id);
  try {
    return await work(handle.model);
  } finally {
    handle.release();
  }
}

/** The manifest without the fitted split points (those come after the prepared ones). */
function prepared(model: LoadedModel): ModelManifest {
  const m = model.manifest;
  return { ...m, splits: m.splits.slice(0, m.splits.length - fittedFor(m.id).length) };
}

function cutsOf(model: LoadedModel): Cut[] {
  const cuts = model.backbone.cuts?.();
  if (!cuts) throw new BadInput(`${model.manifest.name} cannot list its layers.`);
  return cuts;
}

export async function listCuts(p: { model: string }): Promise<CutsResult> {
  return withPageModel(p.model, async (model) => ({ model: model.id, cuts: markPrepared(cutsOf(model), prepared(model)) }));
}

const PHASE_WORDS: Record<CutFitProgress["phase"], string> = {
  features: "computing the cut tensors",
  sensitivity: "measuring what the tail is sensitive to",
  moments: "principal components of the patches",
  start: "closed-form start",
  entropy: "fitting the entropy model",
  "fine-tune": "fine-tuning",
  tables: "building the coding tables",
  measure: "measuring on real bitstreams",
};

/** Overall share done: the cut tensors first (5 %), the sensitivity if measured (10 %), then each tensor's levels, finest first. */
function fractionOf(p: CutFitProgress): number {
  if (p.phase === "features") return (0.05 * p.step) / Math.max(1, p.steps);
  if (p.phase === "sensitivity") return 0.05 + (0.1 * p.step) / Math.max(1, p.steps);
  const done = p.rateIndex === null ? 0 : p.levels - 1 - p.rateIndex;
  const from = p.measuresSensitivity ? 0.15 : 0.05;
  return Math.min(1, from + ((1 - from) * (p.tensor * p.levels + done)) / (p.tensors * p.levels));
}

function unitTensorCount(rates: LoadedRate[]): number {
  return rates.reduce((n, r) => n + r.units.reduce((k, u) => k + Object.keys(u.bu.weights).length, 0), 0);
}

export async function fit(p: FitParams, progress: (p: Progress) => void): Promise<FittedResult> {
  if (running) throw new BadInput("A fit is already running: cancel it first.");
  const abort = new AbortController();
  running = abort;
  try {
    return await withPageModel(p.model, async (model) => {
      const manifest = model.manifest;
      const cuts = cutsOf(model);
      const cutIndex = cuts.findIndex((c) => c.id === p.cut);
      if (cutIndex < 0) throw new BadInput(`${manifest.name} has no layer "${String(p.cut)}".`);
      const { height, width, channels } = manifest.input;
      const per = height * width * channels;
      if (!Array.isArray(p.images) || p.images.length === 0) throw new BadInput("A fit needs at least one image.");
      if (p.images.length > MAX_FIT_IMAGES) throw new BadInput(`A fit takes at most ${MAX_FIT_IMAGES} images; ${p.images.length} were sent.`);
      p.images.forEach((img, i) => {
        if (!(img instanceof Uint8Array) || img.length !== per) throw new BadInput(`Image ${i + 1} is not ${height} × ${width} × ${channels} 8-bit pixels.`);
      });
      if (tf.getBackend() === "wasm") registerWasmGradients(tf);

      const inputs = new Float32Array(p.images.length * per);
      p.images.forEach((img, i) => inputs.set(pixelsToInput(img, manifest.input), i * per));
      const before = tf.memory().numTensors;
      const t0 = performance.now();
      const unitId = newUnitId();
      const cut = cuts[cutIndex];
      const report = (fitProgress: CutFitProgress, point?: FittedResult["points"][number]) =>
        progress({
          phase: "fit",
          what: point ? `level r${point.rate} measured` : PHASE_WORDS[fitProgress.phase],
          fraction: fractionOf(fitProgress),
          fit: { progress: fitProgress, point, elapsedMs: performance.now() - t0 },
        });
      let last: CutFitProgress | null = null;
      let fitted;
      try {
        fitted = await fitAtCut({
          backbone: model.backbone,
          manifest: prepared(model),
          cut,
          splitIndex: manifest.splits.length,
          splitId: `fit-${unitId.slice(0, 8)}`,
          unitId,
          cutIndex,
          inputs,
          count: p.images.length,
          signal: abort.signal,
          onProgress: (fp) => {
            last = fp;
            report(fp);
          },
          onPoint: (point) => last && report(last, point),
        });
      } catch (e) {
        if (abort.signal.aborted) throw new FitCancelled();
        throw e;
      }
      const file = JSON.stringify(
        unitFileJson({ id: unitId, model: model.id, cut: cut.id, images: fitted.images, split: fitted.split, points: fitted.points, files: fitted.files }),
      );
      return register(
        model,
        { id: unitId, model: model.id, split: fitted.split, rates: fitted.rates, file },
        fitted.points,
        fitted.images,
        fitted.seconds,
        before,
      );
    });
  } finally {
    if (running === abort) running = null;
  }
}

function register(model: LoadedModel, entry: FittedEntry, points: FittedResult["points"], images: number, seconds: number, before: number): FittedResult {
  addFitted(entry);
  return {
    model: model.id,
    unitId: entry.id,
    split: entry.split,
    points,
    images,
    seconds,
    file: entry.file,
    tensors: { before, after: tf.memory().numTensors, unit: unitTensorCount(entry.rates) },
  };
}

export function cancelFit(): { cancelled: boolean } {
  if (!running) return { cancelled: false };
  running.abort();
  return { cancelled: true };
}

export async function loadUnit(p: LoadUnitParams): Promise<FittedResult> {
  if (typeof p.text !== "string") throw new BadInput("No unit file was sent.");
  return withPageModel(p.model, async (model) => {
    const before = tf.memory().numTensors;
    const cuts = cutsOf(model);
    let unit;
    try {
      unit = readUnitFile(p.text, prepared(model), cuts, model.manifest.splits.length);
    } catch (e) {
      if (e instanceof UnitFileError) throw new BadInput(e.message);
      throw e;
    }
    const known = fittedById(unit.id);
    if (known) {
      // The same unit again: keep the one already here.
      disposeFitted(unit);
      if (known.model !== model.id) throw new BadInput(`This unit is already loaded for model "${known.model}".`);
      return {
        model: model.id,
        unitId: known.id,
        split: known.split,
        points: unit.points,
        images: unit.images,
        seconds: 0,
        file: known.file,
        tensors: { before, after: tf.memory().numTensors, unit: unitTensorCount(known.rates) },
      };
    }
    unit.split.id = `fit-${unit.id.slice(0, 8)}`;
    unit.split.label = unit.split.label.startsWith("Loaded") ? unit.split.label : `Loaded unit: ${unit.cut.label}`;
    return register(model, { id: unit.id, model: model.id, split: unit.split, rates: unit.rates, file: p.text }, unit.points, unit.images, 0, before);
  });
}

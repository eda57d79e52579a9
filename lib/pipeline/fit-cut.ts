/**
 * Fitting bottleneck units at any cut of a loaded model, on a handful of images: what "Fit a unit here" does in the
 * worker and what `npm run bench:fit` times in Node, one procedure for both.
 *
 *   features  the head runs once over the images; the cut tensors and the unsplit model's outputs are kept;
 *   fit       per cut tensor, lib/bottleneck/fit.ts's fitUnits (closed-form PCA start, entropy model per level,
 *             the short fine-tune of its budget), finest level first;
 *   measure   as soon as every tensor has its unit for a level, that level runs through the real pipeline on the
 *             same images: real bitstreams (their bytes), decoded, through the real tail (its agreement with the
 *             unsplit model).
 * How, per model and cut (levels, allocation, budget), is fit-plan.ts's planFor.
 * The result is a split point like a manifest's, with its units loaded, plus the files that describe each unit
 * (unit-file.ts), so a fitted unit can be run, downloaded and loaded again like a prepared one.
 */
import * as tf from "@tensorflow/tfjs";
import { tablesToJSON, type EntropyTablesJSON } from "@/lib/codec";
import { buParamCount, decoderMacs, encoderMacs, foldForInference, latentShape, type BuConfig } from "@/lib/bottleneck/bu";
import { fitUnits, QUICK_BUDGET, type FitBudget, type FitLevel, type FitProgress, type FittedUnit } from "@/lib/bottleneck/fit";
import { serializeBu, type BuFileJSON } from "@/lib/bottleneck/io";
import { stepForDistortion } from "@/lib/bottleneck/allocation";
import { mean, top1 } from "@/lib/metrics/summary";
import type { Backbone } from "@/lib/models/backbone";
import type { Cut } from "@/lib/models/cuts";
import type { ModelManifest, RateLevel, SplitPoint } from "@/lib/models/manifest";
import { abortIfAsked, yieldToEvents } from "@/lib/util/cooperative";
import { matchedCount, shownDetections } from "@/lib/view/detections";
import { gainedComponents, measureGains, planFor, type FitPlan } from "./fit-plan";
import { encodeFeatures, runServer } from "./run";
import { disposeRate, type LoadedRate } from "./units";

export interface CutFitProgress {
  phase: "features" | "sensitivity" | FitProgress["phase"] | "measure";
  /** Whether this fit measures the tail's sensitivity (a phase of its own before the units). */
  measuresSensitivity: boolean;
  /** Which cut tensor is being fitted (0-based) of how many. */
  tensor: number;
  tensors: number;
  rateIndex: number | null;
  levels: number;
  step: number;
  steps: number;
}

/** One level of the fitted curve, measured on real bitstreams. */
export interface FitPoint {
  rate: number;
  bytesMean: number;
  /** Share of the images where the split model agrees with the unsplit one (top-1 class; detections found again). */
  agreement: number;
  featureMse: number;
  /** Seconds since the fit started when this level was done. */
  seconds: number;
}

export interface UnitFiles {
  bu: BuFileJSON;
  weights: Uint8Array;
  tables: EntropyTablesJSON;
}

export interface FittedSplit {
  split: SplitPoint;
  /** Loaded units per level, in level order: the caller disposes them (disposeFitted). */
  rates: LoadedRate[];
  /** Per level, per cut tensor: the unit's files. */
  files: UnitFiles[][];
  points: FitPoint[];
  images: number;
  seconds: number;
}

export function disposeFitted(f: Pick<FittedSplit, "rates">): void {
  for (const r of f.rates) disposeRate(r);
}

export interface CutFitOptions {
  backbone: Backbone;
  manifest: ModelManifest;
  cut: Cut;
  /** The index the fitted split point gets in the page's list (after the manifest's own). */
  splitIndex: number;
  splitId: string;
  unitId: string;
  /** The cut's index in the model's list of cuts: what the fitted unit's streams name as their split. */
  cutIndex: number;
  /** Model inputs (already in the model's value range), NHWC, `count` of them. */
  inputs: Float32Array;
  count: number;
  plan?: FitPlan;
  budget?: FitBudget;
  seed?: number;
  /** Images per head run. */
  chunk?: number;
  signal?: AbortSignal;
  onProgress?: (p: CutFitProgress) => void;
  /** Each level as soon as it is measured (finest first). */
  onPoint?: (p: FitPoint) => void;
}

/**
 * A fine-tuning batch holds at most this many values of the cut tensor: 32 digits' maps are small, but 32 of the
 * detector's 128 x 128 x 24 maps (and their gradients) would not fit the wasm heap, so big maps train in small batches.
 */
const MAX_BATCH_VALUES = 1 << 21;

/**
 * Values in one patch at most: 2x2 patches of the detector's deep 88- and 120-channel maps (352, 480 values) would get
 * under ten latent channels within the parameter budget, too few for the detection head (nothing is found again).
 */
const MAX_PATCH_VALUES = 128;

function budgetFor(b: FitBudget, shape: [number, number, number]): FitBudget {
  const values = shape[0] * shape[1] * shape[2];
  return { ...b, batchSize: Math.max(2, Math.min(b.batchSize, Math.floor(MAX_BATCH_VALUES / values))) };
}

function levelLabel(r: number, count: number): string {
  return r === 0 ? "fewest bytes" : r === count - 1 ? "best quality" : `level ${r + 1}`;
}

export async function fitAtCut(o: CutFitOptions): Promise<FittedSplit> {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const { backbone, manifest, cut } = o;
  const plan = o.plan ?? planFor(manifest, cut);
  const levels = plan.levels.length;
  const tensors = cut.tensors.length;
  const { height, width, channels } = manifest.input;
  const pix = height * width * channels;
  if (o.count < 1 || o.inputs.length !== o.count * pix)
    throw new Error(`${o.inputs.length} input values for ${o.count} images of ${height}x${width}x${channels}`);
  const report = (p: Omit<CutFitProgress, "tensors" | "levels" | "measuresSensitivity">) =>
    o.onProgress?.({ ...p, tensors, levels, measuresSensitivity: plan.allocation !== undefined });

  // Features: the cut tensors and the unsplit outputs of every image, computed once.
  const chunk = o.chunk ?? (manifest.task === "detection" ? 1 : 64);
  const feats = cut.tensors.map((t) => new Float32Array(o.count * t.shape.reduce((a, b) => a * b, 1)));
  const unsplit: Float32Array[] = [];
  for (let s = 0; s < o.count; s += chunk) {
    report({ phase: "features", tensor: 0, rateIndex: null, step: s, steps: o.count });
    const n = Math.min(chunk, o.count - s);
    const x = tf.tensor4d(o.inputs.subarray(s * pix, (s + n) * pix), [n, height, width, channels]);
    try {
      const heads = backbone.head(x, cut.tensors);
      try {
        heads.forEach((h, i) => feats[i].set(h.dataSync(), s * (feats[i].length / o.count)));
        const outs = backbone.tail(heads, cut.tensors);
        const out = outs[0].dataSync() as Float32Array;
        tf.dispose(outs);
        const per = out.length / n;
        for (let i = 0; i < n; i++) unsplit.push(out.slice(i * per, (i + 1) * per));
      } finally {
        tf.dispose(heads);
      }
    } finally {
      x.dispose();
    }
    await yieldToEvents();
    abortIfAsked(o.signal);
  }
  const reference = unsplit.map((out) => (manifest.task === "detection" ? shownDetections(out) : top1(out, out.length)[0]));

  // Per level, per tensor: the fitted unit, once known.
  const fitted: (FittedUnit | null)[][] = plan.levels.map(() => cut.tensors.map(() => null));
  const rates: (LoadedRate | null)[] = plan.levels.map(() => null);
  const files: UnitFiles[][] = plan.levels.map(() => []);
  const points: FitPoint[] = [];
  const rateLevels: RateLevel[] = [];
  const split: SplitPoint = {
    id: o.splitId,
    index: o.splitIndex,
    label: `Fitted here: ${cut.label}`,
    tensors: cut.tensors,
    headMacs: cut.headMacs,
    clientShare: cut.clientShare,
    rates: rateLevels,
  };

  const measure = async (r: number) => {
    report({ phase: "measure", tensor: tensors - 1, rateIndex: r, step: 0, steps: 1 });
    const units = fitted[r] as FittedUnit[];
    const cfgs: BuConfig[] = units.map((u) => u.cfg);
    const rate: RateLevel = {
      id: `r${r}`,
      index: r,
      label: levelLabel(r, levels),
      lambda: units[0].lambda,
      latentChannels: Math.max(...cfgs.map((c) => c.latentChannels)),
      stride: cfgs[0].stride,
      step: cfgs[0].step,
      units: cfgs.map((c, i) => ({ bu: `fitted:${o.unitId}/r${r}/u${i}`, weights: "fitted", tables: "fitted", latentShape: latentShape(c) })),
      buParams: cfgs.reduce((n, c) => n + buParamCount(c), 0),
      encoderMacs: cfgs.reduce((n, c) => n + encoderMacs(c), 0),
      decoderMacs: cfgs.reduce((n, c) => n + decoderMacs(c), 0),
    };
    const loaded: LoadedRate = {
      split,
      rate,
      units: units.map((u) => ({ bu: foldForInference(u.cfg, u.params), tables: u.tables })),
      unitId: o.unitId,
      cutIndex: o.cutIndex,
    };
    rates[r] = loaded;
    files[r] = units.map((u) => {
      const { json, bin } = serializeBu(u.cfg, u.params);
      return { bu: json, weights: bin, tables: tablesToJSON(u.tables) };
    });
    for (const u of units) tf.dispose(Object.values(u.params));
    fitted[r] = cut.tensors.map(() => null);

    // The level on every image, through real bitstreams.
    const bytes: number[] = [];
    const agree: number[] = [];
    const mses: number[] = [];
    for (let s = 0; s < o.count; s += chunk) {
      const n = Math.min(chunk, o.count - s);
      const xs = cut.tensors.map((t, i) => {
        const per = t.shape.reduce((a, b) => a * b, 1);
        return tf.tensor4d(feats[i].subarray(s * per, (s + n) * per), [n, ...t.shape] as [number, number, number, number]);
      });
      try {
        const coded = await encodeFeatures(loaded, { model: manifest.index, split: split.index, rate: r }, xs);
        const server = await runServer(backbone, loaded, manifest.index, coded.bitstreams);
        try {
          bytes.push(...coded.bitstreams.map((b) => b.length));
          const out = server.outputs[0].dataSync() as Float32Array;
          const per = out.length / n;
          let mseSum = 0;
          xs.forEach((x, i) => {
            const a = x.dataSync();
            const b = server.reconstruction[i].dataSync();
            let e = 0;
            for (let k = 0; k < a.length; k++) e += (a[k] - b[k]) ** 2;
            mseSum += e / a.length;
          });
          for (let i = 0; i < n; i++) {
            const o_ = out.subarray(i * per, (i + 1) * per);
            const ref = reference[s + i];
            if (typeof ref === "number") agree.push(top1(o_, o_.length)[0] === ref ? 1 : 0);
            else agree.push(ref.length === 0 ? (shownDetections(o_).length === 0 ? 1 : 0) : matchedCount(shownDetections(o_), ref) / ref.length);
            mses.push(mseSum / xs.length);
          }
        } finally {
          tf.dispose([...server.reconstruction, ...server.outputs]);
        }
      } finally {
        tf.dispose(xs);
      }
    }
    const point: FitPoint = { rate: r, bytesMean: mean(bytes), agreement: mean(agree), featureMse: mean(mses), seconds: seconds() };
    points.push(point);
    rateLevels[r] = rate;
    o.onPoint?.(point);
    await yieldToEvents();
  };

  // Task-aware allocation: per cut tensor its principal components and the gain of each.
  const allocation = plan.allocation
    ? await measureGains({
        backbone,
        cut,
        feats,
        count: o.count,
        ...plan.allocation,
        seed: (o.seed ?? 7) + 13,
        onProgress: (t, step, steps) => report({ phase: "sensitivity", tensor: t, rateIndex: null, step, steps }),
        signal: o.signal,
      })
    : null;
  abortIfAsked(o.signal);
  const steps = plan.levels.map((l) => {
    if ("step" in l) return l.step;
    if (!allocation) throw new Error("a level given by its distortion needs the allocation's gains");
    return stepForDistortion(gainedComponents(cut, allocation), l.distortion);
  });
  // The parameter budget of a level, shared by the cut's tensors as full-rank units would need it (channels squared).
  const squares = cut.tensors.map((t) => t.shape[2] ** 2);
  const squareSum = squares.reduce((a, b) => a + b, 0);

  try {
    for (let t = 0; t < tensors; t++) {
      const shape = cut.tensors[t].shape as [number, number, number];
      const levelsHere: FitLevel[] = steps.map((step, r) => ({
        step,
        // A patch must tile the map, and stay small enough (MAX_PATCH_VALUES) that the parameter budget leaves it a
        // useful number of latent channels: single positions otherwise.
        stride: ((l) => (shape[0] % l === 0 && shape[1] % l === 0 && l * l * shape[2] <= MAX_PATCH_VALUES ? l : 1))(plan.levels[r].stride),
      }));
      // Every unit passes through onLevel, which takes it over: the list fitUnits returns holds nothing more.
      await fitUnits({
        shape,
        nonNegative: cut.tensors[t].nonNegative,
        stride: 1,
        tensors: feats[t],
        count: o.count,
        klWeight: 0,
        levels: levelsHere,
        maxLatentChannels: Math.min(plan.maxLatentChannels, shape[2] * Math.max(...levelsHere.map((l) => l.stride ?? 1)) ** 2),
        maxParams: Math.floor((plan.paramShare * manifest.backbone.params * squares[t]) / squareSum),
        componentFraction: plan.componentFraction,
        lambdaFactor: plan.lambdaFactor,
        gains: allocation?.gains[t],
        components: allocation?.pcs[t],
        budget: budgetFor(o.budget ?? { ...QUICK_BUDGET, ...plan.budget }, shape),
        seed: (o.seed ?? 7) + 1000 * t,
        signal: o.signal,
        onProgress: (p) => report({ phase: p.phase, tensor: t, rateIndex: p.rateIndex, step: p.step, steps: p.steps }),
        onLevel: async (u) => {
          fitted[u.rateIndex][t] = u;
          if (t === tensors - 1) await measure(u.rateIndex);
        },
      });
    }
  } catch (e) {
    for (const row of fitted) for (const u of row) if (u) tf.dispose(Object.values(u.params));
    for (const r of rates) if (r) disposeRate(r);
    throw e;
  }
  return { split, rates: rates as LoadedRate[], files, points: [...points].sort((a, b) => a.rate - b.rate), images: o.count, seconds: seconds() };
}

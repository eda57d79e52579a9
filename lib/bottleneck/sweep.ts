/**
 * One BU architecture trained along a sweep of (lambda, quantizer step), best quality first: the first level
 * from its initial values, each next one warm-started from the previous, its entropy model rescaled to the new
 * step (or, given levelInit, started afresh: for levels that differ in latent channels). Rate levels are numbered
 * from fewest bytes (r0) to best quality, so level i of n is rate n - 1 - i.
 * Both training scripts (digits, CenterNet) run their sweeps through this.
 */
import * as tf from "@tensorflow/tfjs";
import type { EntropyTables } from "@/lib/codec";
import type { BuConfig, BuParams } from "./bu";
import { exportTables, rescaleEntropyParams } from "./entropy-model";
import { trainBottleneckUnit, type TrainOptions } from "./train";

export interface SweepConfig {
  /** Per level, in training order (best quality first). */
  lambdas: number[];
  steps: number[];
  /** Per level, when levels differ in latent channels (then each level needs levelInit). */
  levelLatentChannels?: number[];
  firstSteps: number;
  nextSteps: number;
}

export interface SweepLevel {
  index: number;
  rateIndex: number;
  lambda: number;
  /** The level's configuration (its quantizer step set). */
  cfg: BuConfig;
  trainSteps: number;
  /** Valid until the sweep moves on to the next level. */
  params: BuParams;
  tables: EntropyTables;
  history: ReturnType<typeof trainBottleneckUnit>["history"];
  seconds: number;
}

export async function* trainRateSweep(o: {
  cfg: BuConfig;
  init: BuParams;
  sweep: SweepConfig;
  stepsScale: number;
  firstLearningRate: number;
  learningRate: number;
  seed: number;
  /** Shape the BU trains on, when it differs from cfg.inShape (e.g. patches of a larger tensor). */
  trainShape?: BuConfig["inShape"];
  /** Multiplies each lambda (e.g. to keep "bits per whole image" while training on patches). */
  lambdaScale?: number;
  train: Pick<TrainOptions, "nextBatch" | "tail" | "klWeight" | "featureVariance" | "logEvery" | "transform">;
  /** A fresh start for each level after the first instead of the previous level's weights. */
  levelInit?: (cfg: BuConfig) => BuParams;
  onLog: (rateIndex: number, step: number, terms: Parameters<NonNullable<TrainOptions["onLog"]>>[1]) => void;
}): AsyncGenerator<SweepLevel> {
  const { sweep } = o;
  let params = o.init;
  for (const [i, lambda] of sweep.lambdas.entries()) {
    const rateIndex = sweep.lambdas.length - 1 - i;
    const cfg: BuConfig = { ...o.cfg, step: sweep.steps[i], latentChannels: sweep.levelLatentChannels?.[i] ?? o.cfg.latentChannels };
    if (i > 0 && o.levelInit) {
      tf.dispose(Object.values(params));
      params = o.levelInit(cfg);
    } else if (i > 0) {
      if (cfg.latentChannels !== o.cfg.latentChannels) throw new Error("levels with their own latent channels need levelInit");
      // Same latent, coarser step: rescale the density to the new symbol units instead of relearning it.
      const previous = params;
      params = rescaleEntropyParams(previous, sweep.steps[i - 1] / sweep.steps[i]);
      previous["em.matrix0"].dispose();
    }
    const trainSteps = Math.max(1, Math.round((i === 0 ? sweep.firstSteps : sweep.nextSteps) * o.stepsScale));
    const t0 = Date.now();
    const { params: trained, history } = trainBottleneckUnit({
      ...o.train,
      cfg: o.trainShape ? { ...cfg, inShape: o.trainShape } : cfg,
      init: params,
      steps: trainSteps,
      learningRate: i === 0 ? o.firstLearningRate : o.learningRate,
      lambda: lambda * (o.lambdaScale ?? 1),
      seed: o.seed + i,
      onLog: (step, terms) => o.onLog(rateIndex, step, terms),
    });
    tf.dispose(Object.values(params));
    params = trained;
    const tables = exportTables(params, cfg.latentChannels);
    yield { index: i, rateIndex, lambda, cfg, trainSteps, params, tables, history, seconds: (Date.now() - t0) / 1000 };
  }
  tf.dispose(Object.values(params));
}

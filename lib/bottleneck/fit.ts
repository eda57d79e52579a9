/**
 * Fitting the bottleneck units of one cut tensor, one per rate level, from cached head outputs: the one procedure
 * that the training script (full budget) and the browser (a small budget) both run.
 *
 *   moments     principal components of the tensor's s x s patches (space-to-depth), computed once;
 *   start       per level, a patch unit in closed form: transform coding in those components, as many latent
 *               channels as its quantizer step resolves (pca-init: patchPcaInitParams, componentsFor);
 *   entropy     the entropy model fitted to the start's latents, transform fixed (cheap: no decoder, no tail);
 *   fine-tune   transform and entropy model together on distortion + lambda * rate, distortion being the feature
 *               MSE (relative to the tensor's variance) plus klWeight * KL(teacher || student) through the frozen
 *               tail when klWeight > 0.
 * Every level starts afresh from the same components, so no level inherits another's compromises, and the finest
 * level can be given the largest fine-tuning budget. Pure TypeScript + tfjs: the tensors come in as plain
 * Float32Arrays, the tail as a function; progress is reported by phase and an AbortSignal stops it between steps.
 */
import * as tf from "@tensorflow/tfjs";
import type { EntropyTables } from "@/lib/codec";
import { abortIfAsked, yieldToEvents } from "@/lib/util/cooperative";
import { createRng } from "@/lib/util/prng";
import type { BuConfig, BuParams } from "./bu";
import { buParamCount, encode, encoderMacs } from "./bu";
import { applyLatentGains, weightedComponents } from "./allocation";
import { channelsFirst, exportTables, likelihood, rescaleEntropyParams } from "./entropy-model";
import { channelMoments, componentsFor, patchPcaInitParams, principalComponents, spaceToDepth, type PrincipalComponents } from "./pca-init";
import { trainStepTerms } from "./train";

export interface FitLevel {
  /** Quantizer step, in units of the tensor's RMS channel deviation (the latent's unit). */
  step: number;
  /** Latent channels; by default the components the step resolves (componentFraction), at most maxLatentChannels. */
  latentChannels?: number;
  /** Default: where a uniform quantizer of this step balances rate and distortion (lambdaForStep). */
  lambda?: number;
  /** Patch size and stride of this level's unit (default: the fit's): coarse levels may pay off with larger patches. */
  stride?: number;
}

export interface FitBudget {
  /** Steps fitting the entropy model to the start's latents (transform fixed). */
  entropySteps: number;
  /**
   * When set, a level whose channels are the first ones of the finer level just fitted (same patch size) starts its
   * entropy model from that level's, rescaled to its step, and fits it this many steps instead of entropySteps.
   */
  entropyWarmSteps?: number;
  /** Positions (latent vectors) per entropy step. */
  entropyBatch: number;
  /** Fine-tuning steps of every level, and of the finest (last) level. */
  fineTuneSteps: number;
  finestFineTuneSteps: number;
  /** Images per fine-tuning step. */
  batchSize: number;
  learningRate: number;
  entropyLearningRate: number;
  /** At most this many cached maps enter the patch moments (the first ones). */
  momentImages: number;
}

export interface FitProgress {
  phase: "moments" | "start" | "entropy" | "fine-tune" | "tables";
  /** Rate index of the level being fitted; null while computing the moments. */
  rateIndex: number | null;
  step: number;
  steps: number;
  terms?: { loss: number; featureMse: number; kl: number; bitsPerImage: number };
}

export interface FitOptions {
  /** The cut tensor's shape [H, W, C] and whether it is non-negative (after a ReLU). */
  shape: [number, number, number];
  nonNegative: boolean;
  /** Patch size and stride of the units (must divide H and W), unless a level sets its own. */
  stride: number;
  /** Cached head outputs: `count` maps of H*W*C values, channels-last, one after another. */
  tensors: Float32Array;
  count: number;
  /** The unsplit model's logits for the same images (count x classes); needed when klWeight > 0. */
  teacherLogits?: Float32Array;
  classes?: number;
  /** The frozen tail: cut tensor -> logits (gradients flow through it, its weights stay). */
  tail?: (x: tf.Tensor4D) => tf.Tensor2D;
  klWeight: number;
  /** Rate levels from fewest bytes (r0) to best quality. */
  levels: FitLevel[];
  maxLatentChannels: number;
  /** Budgets every unit must keep (e.g. 2 % of the backbone's parameters, 10 % of the head's MACs): fewer channels if not. */
  maxParams?: number;
  maxEncoderMacs?: number;
  /** A component is kept when its spread is at least this fraction of the level's step. */
  componentFraction: number;
  /**
   * Task-aware allocation (allocation.ts): one gain per principal component of the tensor at o.stride (as the
   * components come, largest variance first), by which the component enters the latent. Every level then uses o.stride.
   */
  gains?: number[];
  /** The principal components at o.stride, when the caller has them already (they are computed otherwise). */
  components?: PrincipalComponents;
  lambdaFactor?: number;
  budget: FitBudget;
  seed: number;
  onProgress?: (p: FitProgress) => void;
  /** Called as each level is done (finest first), before the next starts: the caller may measure it at once. */
  onLevel?: (unit: FittedUnit) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface FittedUnit {
  rateIndex: number;
  cfg: BuConfig;
  lambda: number;
  /** The caller owns these tensors. */
  params: BuParams;
  tables: EntropyTables;
  fineTuneSteps: number;
  /** Loss terms at the start of fine-tuning and at its end. */
  start: FitProgress["terms"];
  final: FitProgress["terms"];
  seconds: number;
}

/** Cheap budget (browser) and full budget (training script) differ only in these numbers. */
export const QUICK_BUDGET: FitBudget = {
  entropySteps: 40,
  entropyBatch: 1024,
  fineTuneSteps: 0,
  finestFineTuneSteps: 30,
  batchSize: 32,
  learningRate: 1e-3,
  entropyLearningRate: 0.01,
  momentImages: 1000,
};

/**
 * lambda (per image, against the relative feature MSE) where a uniform quantizer of step D at high rate balances:
 * D(R) ~ D^2/12 * 2^(-2R/N) per value, so d(distortion)/d(bits per image) = 2 ln 2 * (D^2 / 12) / variance / N.
 */
export function lambdaForStep(step: number, pc: PrincipalComponents, variance: number, values: number, factor = 1): number {
  return (factor * 2 * Math.LN2 * (step * pc.rms) ** 2) / 12 / variance / values;
}

const noTail = (): tf.Tensor2D => {
  throw new Error("feature-only distillation never runs the tail");
};

function tensorVariance(data: Float32Array): number {
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < data.length; i++) {
    sum += data[i];
    sq += data[i] * data[i];
  }
  return sq / data.length - (sum / data.length) ** 2;
}

export async function fitUnits(o: FitOptions): Promise<FittedUnit[]> {
  const [H, W, C] = o.shape;
  const per = H * W * C;
  const b = o.budget;
  if (o.tensors.length !== o.count * per) throw new Error(`${o.tensors.length} cached values for ${o.count} maps of ${o.shape.join("x")}`);
  if (o.klWeight > 0 && (!o.tail || !o.teacherLogits || !o.classes))
    throw new Error("output distillation (klWeight > 0) needs the tail and the teacher's logits");
  const report = (p: FitProgress) => o.onProgress?.(p);

  report({ phase: "moments", rateIndex: null, step: 0, steps: 1 });
  const momentMaps = Math.min(o.count, b.momentImages);
  const variance = tensorVariance(o.tensors.subarray(0, momentMaps * per));
  // Principal components of the patches, once per patch size the levels use.
  const components = new Map<number, PrincipalComponents>();
  const strides = new Set(o.levels.map((l) => l.stride ?? o.stride));
  if (o.gains && (strides.size !== 1 || !strides.has(o.stride))) throw new Error("gains are per component at the fit's stride, which every level must use");
  if (o.gains && !o.components) throw new Error("gains come with the components they were measured for");
  if (o.components) components.set(o.stride, o.components);
  for (const stride of strides) {
    if (components.has(stride)) continue;
    components.set(stride, principalComponents(channelMoments([spaceToDepth(o.tensors.subarray(0, momentMaps * per), o.shape, stride)], stride * stride * C)));
    await yieldToEvents();
    abortIfAsked(o.signal);
  }
  // The components as the latent carries them: reordered and scaled by their gains.
  let gains: number[] | null = null;
  if (o.gains) {
    const weighted = weightedComponents(components.get(o.stride)!, o.gains);
    components.set(o.stride, weighted.pc);
    gains = weighted.gains;
  }

  const rng = createRng(o.seed);
  const batchOf = (n: number) => {
    const idx = Array.from({ length: n }, () => Math.floor(rng.next() * o.count));
    const x = new Float32Array(n * per);
    idx.forEach((i, k) => x.set(o.tensors.subarray(i * per, (i + 1) * per), k * per));
    let logits: Float32Array | null = null;
    if (o.klWeight > 0) {
      const k = o.classes!;
      logits = new Float32Array(n * k);
      idx.forEach((i, j) => logits!.set(o.teacherLogits!.subarray(i * k, (i + 1) * k), j * k));
    }
    return { x, logits };
  };

  const out: FittedUnit[] = [];
  /** The finer level's entropy model, for the warm start (entropyWarmSteps). */
  let finer = null as { cfg: BuConfig; em: Record<string, tf.Tensor> } | null;
  try {
    // Finest first: with a budget cut short, the best unit is the one already there.
    for (let rateIndex = o.levels.length - 1; rateIndex >= 0; rateIndex--) {
      out.push(await fitLevel(rateIndex));
      await o.onLevel?.(out[out.length - 1]);
      abortIfAsked(o.signal);
    }
  } catch (e) {
    for (const u of out) tf.dispose(Object.values(u.params));
    throw e;
  } finally {
    if (finer) tf.dispose(Object.values(finer.em));
  }
  return out.reverse();

  async function fitLevel(rateIndex: number): Promise<FittedUnit> {
    const t0 = Date.now();
    const level = o.levels[rateIndex];
    const s = level.stride ?? o.stride;
    const pc = components.get(s)!;
    // At least one channel: a step coarser than every component's spread would otherwise leave an empty latent.
    let latentChannels = level.latentChannels ?? Math.max(1, Math.min(o.maxLatentChannels, componentsFor(pc, level.step, o.componentFraction)));
    const cfgWith = (c: number): BuConfig => ({ inShape: o.shape, latentChannels: c, stride: s, step: level.step, nonNegative: o.nonNegative, arch: "patch" });
    while (
      latentChannels > 1 &&
      (buParamCount(cfgWith(latentChannels)) > (o.maxParams ?? Infinity) || encoderMacs(cfgWith(latentChannels)) > (o.maxEncoderMacs ?? Infinity))
    )
      latentChannels--;
    const cfg = cfgWith(latentChannels);
    const lambda = level.lambda ?? lambdaForStep(level.step, pc, variance, per, o.lambdaFactor);
    report({ phase: "start", rateIndex, step: 0, steps: 1 });
    const closedForm = patchPcaInitParams(cfg, pc, createRng(o.seed + 1 + rateIndex).next);
    const start = gains ? applyLatentGains(closedForm, gains) : closedForm;
    const warm = b.entropyWarmSteps !== undefined && finer && finer.cfg.stride === s && finer.cfg.latentChannels >= latentChannels;
    if (warm) {
      // The same components at a coarser step: the finer level's density of its first channels, rescaled.
      const kept = tf.tidy(() => Object.fromEntries(Object.entries(finer!.em).map(([n, t]) => [n, tf.slice(t, 0, latentChannels)])));
      const rescaled = rescaleEntropyParams(kept, finer!.cfg.step / level.step);
      tf.dispose(kept["em.matrix0"]);
      for (const [n, t] of Object.entries(rescaled)) {
        start[n].dispose();
        start[n] = t;
      }
    }
    const vars: Record<string, tf.Variable> = {};
    for (const [name, t] of Object.entries(start)) vars[name] = tf.variable(t, true);
    tf.dispose(Object.values(start));
    try {
      const unit = await trainLevel(rateIndex, t0, cfg, lambda, vars, warm ? b.entropyWarmSteps! : b.entropySteps);
      if (b.entropyWarmSteps !== undefined) {
        if (finer) tf.dispose(Object.values(finer.em));
        finer = {
          cfg,
          em: Object.fromEntries(
            Object.entries(unit.params)
              .filter(([n]) => n.startsWith("em."))
              .map(([n, t]) => [n, tf.clone(t)]),
          ),
        };
      }
      return unit;
    } finally {
      tf.dispose(Object.values(vars));
    }
  }

  async function trainLevel(
    rateIndex: number,
    t0: number,
    cfg: BuConfig,
    lambda: number,
    vars: Record<string, tf.Variable>,
    entropySteps: number,
  ): Promise<FittedUnit> {
    const { latentChannels, stride: s } = cfg;
    const em = Object.entries(vars)
      .filter(([n]) => n.startsWith("em."))
      .map(([, v]) => v);

    // Entropy model on the start's latents: encode a sample of maps once, then fit the densities to random positions.
    const sampleMaps = Math.min(o.count, Math.max(1, Math.ceil((b.entropyBatch * 8) / ((H / s) * (W / s)))));
    const latents = tf.tidy(() => {
      const x = tf.tensor4d(o.tensors.subarray(0, sampleMaps * per), [sampleMaps, H, W, C]);
      return channelsFirst(tf.div(encode(cfg, vars, x), cfg.step) as tf.Tensor4D);
    });
    const positions = latents.shape[2];
    const emOptimizer = tf.train.adam(b.entropyLearningRate);
    try {
      for (let step = 0; step < entropySteps; step++) {
        const cols = tf.tensor1d(
          Array.from({ length: Math.min(b.entropyBatch, positions) }, () => Math.floor(rng.next() * positions)),
          "int32",
        );
        emOptimizer.minimize(
          () =>
            tf.tidy(() => {
              const z = tf.gather(latents, cols, 2) as tf.Tensor3D;
              const noisy = tf.add(z, tf.randomUniform(z.shape, -0.5, 0.5, "float32", o.seed * 7919 + step)) as tf.Tensor3D;
              return tf.neg(tf.mean(tf.log(likelihood(vars, noisy))));
            }) as tf.Scalar,
          false,
          em,
        );
        cols.dispose();
        if (step % 25 === 0) {
          report({ phase: "entropy", rateIndex, step, steps: entropySteps });
          await yieldToEvents();
          abortIfAsked(o.signal);
        }
      }
    } finally {
      emOptimizer.dispose();
      latents.dispose();
    }

    // Fine-tuning: everything trains on distortion + lambda * rate.
    const steps = rateIndex === o.levels.length - 1 ? b.finestFineTuneSteps : b.fineTuneSteps;
    const optimizer = tf.train.adam(b.learningRate);
    const trainable = Object.values(vars);
    let first: FitProgress["terms"];
    let last: FitProgress["terms"];
    /** Terms of one batch; the caller disposes (minimize's own scope does while training). */
    const evalTerms = (step: number) => {
      const { x, logits } = batchOf(b.batchSize);
      const features = tf.tensor4d(x, [b.batchSize, H, W, C]);
      const teacher = logits ? tf.tensor2d(logits, [b.batchSize, o.classes!]) : null;
      return trainStepTerms(cfg, vars, features, teacher, o.tail ?? noTail, o.seed * 100003 + step, {
        lambda,
        klWeight: o.klWeight,
        featureVariance: variance,
      });
    };
    const readTerms = (t: ReturnType<typeof evalTerms>) => ({
      loss: t.loss.dataSync()[0],
      featureMse: t.featureMse.dataSync()[0],
      kl: t.kl.dataSync()[0],
      bitsPerImage: t.bitsPerImage.dataSync()[0],
    });
    try {
      for (let step = 0; step < steps; step++) {
        let terms: FitProgress["terms"];
        const wantLog = step % 10 === 0 || step === steps - 1;
        optimizer.minimize(
          () => {
            const t = evalTerms(step);
            if (wantLog) terms = readTerms(t);
            return t.loss;
          },
          false,
          trainable,
        );
        if (terms) {
          first ??= terms;
          last = terms;
          report({ phase: "fine-tune", rateIndex, step, steps, terms });
          await yieldToEvents();
          abortIfAsked(o.signal);
        }
      }
    } finally {
      optimizer.dispose();
    }
    if (steps === 0) {
      first = last = tf.tidy(() => readTerms(evalTerms(0)));
    }

    report({ phase: "tables", rateIndex, step: 0, steps: 1 });
    const params: BuParams = {};
    for (const [name, v] of Object.entries(vars)) params[name] = v.clone();
    const tables = exportTables(params, latentChannels);
    return { rateIndex, cfg, lambda, params, tables, fineTuneSteps: steps, start: first, final: last, seconds: (Date.now() - t0) / 1000 };
  }
}

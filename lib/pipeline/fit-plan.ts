/**
 * How a unit is fitted at a cut (fit-cut.ts): the plan per model and cut, and the task-aware gains the detector's
 * plan asks for, measured through the tail.
 */
import * as tf from "@tensorflow/tfjs";
import { gainsFromSensitivity, measureSensitivity, rankGroups, type GainedComponent } from "@/lib/bottleneck/allocation";
import { QUICK_BUDGET, type FitBudget } from "@/lib/bottleneck/fit";
import { channelMoments, principalComponents, type PrincipalComponents } from "@/lib/bottleneck/pca-init";
import type { Backbone } from "@/lib/models/backbone";
import type { Cut } from "@/lib/models/cuts";
import type { ModelManifest } from "@/lib/models/manifest";
import { abortIfAsked, yieldToEvents } from "@/lib/util/cooperative";
import { createRng } from "@/lib/util/prng";

export interface FitPlan {
  /**
   * From fewest bytes (r0) to best quality: a quantizer step, or (with allocation) a target for the level's relative
   * gained distortion, which becomes a step once the gains are measured (allocation.ts stepForDistortion).
   */
  levels: ({ step: number; stride: number } | { distortion: number; stride: number })[];
  maxLatentChannels: number;
  componentFraction: number;
  lambdaFactor: number;
  /**
   * "sensitivity": task-aware allocation (lib/bottleneck/allocation.ts), as the prepared detector units: the tail's
   * sensitivity to each principal component of each cut tensor is measured (in groups, rankGroups) on a few of the
   * images, each component enters the latent with the gain it earns, and one step serves every tensor of the cut.
   */
  allocation?: { images: number; noise: number };
  /** Changes to the fit's budget (QUICK_BUDGET otherwise). */
  budget?: Partial<FitBudget>;
  /** Share of the backbone's parameters that all the cut's units of one level may hold together. */
  paramShare: number;
}

/** Digits: steps (in units of the tensor's RMS channel deviation) of a cut no script prepared. */
const DEFAULT_STEPS = [10, 6, 3.5, 2, 1.2];
/**
 * Detector: relative gained distortion of each level at a cut no script prepared; the prepared cuts' steps sit at
 * 40, 23, 12, 4.5 and 1.5 % (early) and 22, 14, 9.5, 5 and 2.5 % (deep cut) on the training photos.
 */
const DEFAULT_DISTORTIONS = [0.3, 0.18, 0.1, 0.05, 0.02];

/**
 * The levels to fit: a prepared split's own steps (and, for digits, patch sizes), so that a refit compares with its
 * units; elsewhere a default ladder.
 *
 * Digits: 2x2 patches on maps of 14 pixels or more (their neighbours are alike), single positions on smaller ones,
 * feature MSE only, a short fine-tune of the finest level.
 * Detector: what its prepared units do, in a small budget: single positions, every channel available, task-aware
 * allocation with the sensitivity measured in groups on four images, the transform frozen at its closed form (the
 * prepared units' transform is frozen too: a feature-MSE fine-tune would undo the allocation), 80 entropy steps for
 * the finest level and 25 for each coarser one, which starts from the finer level's density. At a cut no script
 * prepared, each level's step follows from its target distortion. The parameter share is the prepared deep cut's
 * (3.2 % of the backbone) rounded up. The sensitivity images and the entropy steps were chosen on the validation
 * photos (docs/fitting.md).
 */
export function planFor(manifest: ModelManifest, cut: Cut): FitPlan {
  const prepared = manifest.splits.find((s) => s.tensors.map((t) => t.node).join("+") === cut.id);
  const preparedSteps = prepared && prepared.rates.length > 0 ? prepared.rates : null;
  if (manifest.task === "detection")
    return {
      levels: preparedSteps?.map((r) => ({ step: r.step, stride: 1 })) ?? DEFAULT_DISTORTIONS.map((distortion) => ({ distortion, stride: 1 })),
      maxLatentChannels: Math.max(...cut.tensors.map((t) => t.shape[2])),
      componentFraction: 0.15,
      lambdaFactor: 1,
      allocation: { images: 4, noise: 1 },
      budget: { finestFineTuneSteps: 0, entropySteps: 80, entropyBatch: 1024, entropyWarmSteps: 25 },
      paramShare: 0.035,
    };
  if (preparedSteps)
    return {
      levels: preparedSteps.map((r) => ({ step: r.step, stride: r.stride })),
      maxLatentChannels: Math.max(...preparedSteps.map((r) => r.latentChannels)),
      componentFraction: 0.15,
      lambdaFactor: 0.5,
      paramShare: 0.02,
    };
  const [h, w, c] = cut.tensors[0].shape;
  const stride = h >= 14 && h % 2 === 0 && w % 2 === 0 ? 2 : 1;
  return {
    levels: DEFAULT_STEPS.map((step) => ({ step, stride })),
    maxLatentChannels: Math.min(stride * stride * c, 24),
    componentFraction: 0.15,
    lambdaFactor: 0.5,
    paramShare: 0.02,
  };
}

/**
 * Task-aware allocation at a cut (lib/bottleneck/allocation.ts): per cut tensor its principal components and each
 * component's gain, from the tail's sensitivity (its probe output, or its first) measured in rank groups on `images`
 * of the images, spread over them.
 */
export async function measureGains(o: {
  backbone: Backbone;
  cut: Cut;
  /** Per cut tensor, `count` maps one after another. */
  feats: Float32Array[];
  count: number;
  images: number;
  noise: number;
  seed: number;
  onProgress?: (tensor: number, step: number, steps: number) => void;
  /** Checked before every run of the tail, after letting the worker's messages (a Cancel) in. */
  signal?: AbortSignal;
}): Promise<{ pcs: PrincipalComponents[]; gains: number[][] }> {
  const { backbone, cut } = o;
  const perMap = o.feats.map((f) => f.length / o.count);
  const pcs = cut.tensors.map((t, i) =>
    principalComponents(channelMoments([o.feats[i].subarray(0, Math.min(o.count, QUICK_BUDGET.momentImages) * perMap[i])], t.shape[2])),
  );
  const groups = pcs.map((pc) => rankGroups(pc.vectors.length));
  const runs = groups.reduce((n, g) => n + g.length, 0);
  let done = 0;
  const images = Math.min(o.count, o.images);
  const picks = Array.from({ length: images }, (_, i) => Math.floor((i * o.count) / images));
  const shapes = cut.tensors.map((t) => [1, ...t.shape] as [number, number, number, number]);
  const probe =
    backbone.probe ??
    ((values, tensors) => {
      const [first, ...rest] = backbone.tail(values, tensors);
      tf.dispose(rest);
      return first;
    });
  const sensitivity = await measureSensitivity({
    features: picks.map((k) => o.feats.map((f, i) => f.subarray(k * perMap[i], (k + 1) * perMap[i]))),
    pcs,
    groups,
    noise: o.noise,
    random: createRng(o.seed).next,
    run: async (values) => {
      await yieldToEvents();
      abortIfAsked(o.signal);
      const xs = values.map((v, i) => tf.tensor4d(v, shapes[i]));
      try {
        const out = probe(xs, cut.tensors);
        try {
          return (await out.data()) as Float32Array;
        } finally {
          out.dispose();
        }
      } finally {
        tf.dispose(xs);
      }
    },
    onProgress: (t) => o.onProgress?.(t, done++, runs),
  });
  const reference = Math.max(...sensitivity.flat());
  if (!(reference > 0)) throw new Error("The model's output did not move when this layer was disturbed on these images: there is nothing to allocate bits by.");
  return { pcs, gains: sensitivity.map((s) => gainsFromSensitivity(s, reference)) };
}

/** Every component of every cut tensor as the latent carries it: gained variance in latent units, and positions. */
export function gainedComponents(cut: Cut, a: { pcs: PrincipalComponents[]; gains: number[][] }): GainedComponent[] {
  return a.pcs.flatMap((pc, t) =>
    pc.values.map((v, j) => ({ variance: (v * a.gains[t][j] ** 2) / pc.rms ** 2, positions: cut.tensors[t].shape[0] * cut.tensors[t].shape[1] })),
  );
}

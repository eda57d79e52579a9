/**
 * Trains one bottleneck unit (and its entropy model) at a split point of a frozen backbone.
 * The caller supplies the two halves of the backbone as functions, so the same loop serves any model.
 */
import * as tf from "@tensorflow/tfjs";
import { decode, encode, isTrainable, type BuConfig, type BuParams } from "./bu";
import { latentBits } from "./entropy-model";
import { rdLoss } from "./loss";

export interface TrainOptions {
  cfg: BuConfig;
  /** Initial values (fresh or a neighbouring rate level's); the result is new tensors. */
  init: BuParams;
  /** Next training batch: the head's output at the split and the unsplit model's logits for it. */
  nextBatch: (step: number) => { features: tf.Tensor4D; teacherLogits: tf.Tensor2D | null };
  /** The frozen tail: split tensor -> logits. Gradients flow through it, its weights stay fixed. */
  tail: (x: tf.Tensor4D) => tf.Tensor2D;
  steps: number;
  learningRate: number;
  lambda: number;
  klWeight: number;
  featureVariance: number;
  seed: number;
  /**
   * "frozen" keeps the encoder and decoder as they are (batch norms on their stored statistics, which do not move)
   * and trains only the entropy model: for a unit whose transform was set from the data (pca-init) and which
   * further feature-MSE training would pull away from what the tail needs. Default "train": everything trains.
   */
  transform?: "train" | "frozen";
  onLog?: (step: number, terms: { loss: number; featureMse: number; kl: number; bitsPerImage: number }) => void;
  logEvery?: number;
}

let variableCounter = 0;

/** Rounds in the forward pass, passes gradients straight through in the backward pass. */
const roundStraightThrough = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
  value: tf.round(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => dy,
})) as (x: tf.Tensor) => tf.Tensor;

export function trainStepTerms(
  cfg: BuConfig,
  p: BuParams,
  features: tf.Tensor4D,
  teacherLogits: tf.Tensor2D | null,
  tail: TrainOptions["tail"],
  noiseSeed: number,
  o: Pick<TrainOptions, "lambda" | "klWeight" | "featureVariance" | "transform">,
) {
  const training = o.transform !== "frozen";
  const latent = tf.div(encode(cfg, p, features, training), cfg.step) as tf.Tensor4D;
  // Additive uniform noise stands in for rounding in the rate term; the decoder sees real rounding.
  const noisy = tf.add(latent, tf.randomUniform(latent.shape, -0.5, 0.5, "float32", noiseSeed)) as tf.Tensor4D;
  const bits = latentBits(p, noisy);
  const reconstruction = decode(cfg, p, tf.mul(roundStraightThrough(latent), cfg.step) as tf.Tensor4D, training);
  // With no output term (detection models train on features alone) the tail is not run at all.
  const studentLogits = o.klWeight > 0 ? tail(reconstruction) : null;
  return rdLoss({ features, reconstruction, teacherLogits, studentLogits, bits, ...o });
}

export function trainBottleneckUnit(o: TrainOptions): {
  params: BuParams;
  history: { step: number; loss: number; bitsPerImage: number; featureMse: number; kl: number }[];
} {
  const vars: Record<string, tf.Variable> = {};
  const trains = (name: string) => isTrainable(name) && (o.transform !== "frozen" || name.startsWith("em."));
  for (const [name, t] of Object.entries(o.init)) vars[name] = tf.variable(t, trains(name), `bu${++variableCounter}_${name}`);
  const trainable = Object.entries(vars)
    .filter(([n]) => trains(n))
    .map(([, v]) => v);
  const optimizer = tf.train.adam(o.learningRate);
  const history: { step: number; loss: number; bitsPerImage: number; featureMse: number; kl: number }[] = [];
  const logEvery = o.logEvery ?? 25;
  for (let step = 0; step < o.steps; step++) {
    const { features, teacherLogits } = o.nextBatch(step);
    let terms: { loss: number; featureMse: number; kl: number; bitsPerImage: number } | undefined;
    const wantLog = step % logEvery === 0 || step === o.steps - 1;
    optimizer.minimize(
      () => {
        const t = trainStepTerms(o.cfg, vars, features, teacherLogits, o.tail, o.seed * 100003 + step, o);
        if (wantLog) {
          terms = { loss: t.loss.dataSync()[0], featureMse: t.featureMse.dataSync()[0], kl: t.kl.dataSync()[0], bitsPerImage: t.bitsPerImage.dataSync()[0] };
        }
        return t.loss;
      },
      false,
      trainable,
    );
    tf.dispose(teacherLogits ? [features, teacherLogits] : [features]);
    if (terms) {
      history.push({ step, ...terms });
      o.onLog?.(step, terms);
    }
  }
  optimizer.dispose();
  const params: BuParams = {};
  for (const [name, v] of Object.entries(vars)) {
    params[name] = v.clone();
    v.dispose();
  }
  return { params, history };
}

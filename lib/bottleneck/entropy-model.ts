/**
 * Learned factorized entropy model (Ballé et al. 2018): per latent channel a monotone function L with
 * layers 1-3-3-3-1 (weights kept positive through softplus, tanh gates), CDF(z) = sigmoid(L(z)) and
 * P(symbol k) = CDF(k + 1/2) - CDF(k - 1/2). It gives the differentiable rate while training and, once
 * trained, is tabulated into codec tables.
 */
import * as tf from "@tensorflow/tfjs";
import { buildTables, MAX_SUPPORT, type EntropyTables } from "@/lib/codec";

const FILTERS = [1, 3, 3, 3, 1];
const INIT_SCALE = 10;
const LIKELIHOOD_FLOOR = 1e-9;

/** Parameter names, in the order they are stored. */
export function entropyParamNames(): string[] {
  const names: string[] = [];
  for (let i = 0; i < FILTERS.length - 1; i++) {
    names.push(`em.matrix${i}`, `em.bias${i}`);
    if (i < FILTERS.length - 2) names.push(`em.factor${i}`);
  }
  return names;
}

/**
 * Initial values for C channels. By default the density starts as a broad bump (logistic of scale 10 symbols,
 * centres jittered by the random biases), as in CompressAI. Given per-channel scales (in symbols), each channel
 * starts as a logistic of that scale centred near 0, for a latent whose spread is already known: the rate term
 * is then about right from the first step instead of overcharging every symbol while the density shrinks.
 */
export function initEntropyParams(channels: number, random: () => number, scales?: number[]): Record<string, tf.Tensor> {
  if (scales && scales.length !== channels) throw new Error(`${scales.length} scales for ${channels} channels`);
  const perChannel = scales ?? Array.from({ length: channels }, () => INIT_SCALE);
  // Small biases when the centre matters: a bias b in the first layer shifts the centre by about 3 b s^(1/4).
  const jitter = scales ? 0.05 : 0.5;
  const params: Record<string, tf.Tensor> = {};
  for (let i = 0; i < FILTERS.length - 1; i++) {
    const [fin, fout] = [FILTERS[i], FILTERS[i + 1]];
    // Each layer's weights are 1 / (s^(1/4) fout) after the softplus, so the chain's slope is 1 / s.
    const init = perChannel.flatMap((s) => Array<number>(fout * fin).fill(Math.log(Math.expm1(1 / s ** (1 / (FILTERS.length - 1)) / fout))));
    params[`em.matrix${i}`] = tf.tensor3d(init, [channels, fout, fin]);
    params[`em.bias${i}`] = tf.tensor3d(
      Array.from({ length: channels * fout }, () => (random() - 0.5) * 2 * jitter),
      [channels, fout, 1],
    );
    if (i < FILTERS.length - 2) params[`em.factor${i}`] = tf.zeros([channels, fout, 1]);
  }
  return params;
}

export function entropyParamCount(channels: number): number {
  let n = 0;
  for (let i = 0; i < FILTERS.length - 1; i++) n += FILTERS[i + 1] * FILTERS[i] + FILTERS[i + 1] + (i < FILTERS.length - 2 ? FILTERS[i + 1] : 0);
  return n * channels;
}

/** L(z) for z of shape [C, 1, N]: one monotone function per channel, evaluated at N points. */
function logitsCumulative(params: Record<string, tf.Tensor>, z: tf.Tensor3D): tf.Tensor3D {
  let h: tf.Tensor3D = z;
  for (let i = 0; i < FILTERS.length - 1; i++) {
    h = tf.add(tf.matMul(tf.softplus(params[`em.matrix${i}`]) as tf.Tensor3D, h), params[`em.bias${i}`]);
    if (i < FILTERS.length - 2) h = tf.add(h, tf.mul(tf.tanh(params[`em.factor${i}`]), tf.tanh(h)));
  }
  return h;
}

/** Likelihood of each (noisy or integer) symbol, z of shape [C, 1, N]. */
export function likelihood(params: Record<string, tf.Tensor>, z: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const lower = logitsCumulative(params, tf.sub(z, 0.5));
    const upper = logitsCumulative(params, tf.add(z, 0.5));
    // Evaluate in whichever tail is numerically safer: sigmoid saturates on the far side.
    const sign = tf.neg(tf.sign(tf.add(lower, upper)));
    const p = tf.abs(tf.sub(tf.sigmoid(tf.mul(sign, upper)), tf.sigmoid(tf.mul(sign, lower))));
    return tf.maximum(p, LIKELIHOOD_FLOOR);
  });
}

/**
 * The same density for symbols scaled by `factor` (a quantizer step divided by `factor`): CDF'(z) = CDF(z / factor).
 * Only the first layer's weights change, so a BU warm-started at a new step keeps what its entropy model learned.
 */
export function rescaleEntropyParams(params: Record<string, tf.Tensor>, factor: number): Record<string, tf.Tensor> {
  const first = tf.tidy(() => {
    const w = tf.div(tf.softplus(params["em.matrix0"]), factor);
    // Inverse softplus, log(exp(w) - 1), written as w + log(1 - exp(-w)) so that exp never overflows.
    return tf.add(w, tf.log(tf.neg(tf.expm1(tf.neg(w)))));
  });
  return { ...params, "em.matrix0": first };
}

/** Rearranges a channels-last latent [B, H, W, C] into [C, 1, B*H*W] for the per-channel density. */
export function channelsFirst(latent: tf.Tensor4D): tf.Tensor3D {
  const c = latent.shape[3];
  return tf.reshape(tf.transpose(tf.reshape(latent, [-1, c])), [c, 1, -1]);
}

/** Total bits of a latent (in symbol units) under the model: sum of -log2 P. */
export function latentBits(params: Record<string, tf.Tensor>, z: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => tf.div(tf.neg(tf.sum(tf.log(likelihood(params, channelsFirst(z))))), Math.LN2));
}

/**
 * Tabulates the trained density into codec tables. Each channel's support is the integer range holding all
 * but `tailMass` of its probability (at most MAX_SUPPORT values); the rest goes to the escape symbol.
 */
export function exportTables(params: Record<string, tf.Tensor>, channels: number, tailMass = 1e-6, searchRadius = 1024): EntropyTables {
  const points = 2 * searchRadius + 1;
  const cdf = tf.tidy(() => {
    const grid = tf.tile(tf.reshape(tf.range(-searchRadius - 0.5, searchRadius + 1, 1), [1, 1, points + 1]), [channels, 1, 1]);
    return tf.sigmoid(logitsCumulative(params, grid as tf.Tensor3D)).dataSync();
  });
  const pmfs: Float64Array[] = [];
  const offsets: number[] = [];
  const tails: number[] = [];
  for (let c = 0; c < channels; c++) {
    const row = cdf.subarray(c * (points + 1), (c + 1) * (points + 1));
    // row[j] = CDF(j - searchRadius - 0.5); symbol v covers row[v + R] .. row[v + R + 1].
    let lo = 0;
    while (lo < points - 1 && row[lo + 1] < tailMass / 2) lo++;
    let hi = points - 1;
    while (hi > lo && row[hi] > 1 - tailMass / 2) hi--;
    hi = Math.min(hi, lo + MAX_SUPPORT - 1);
    const pmf = new Float64Array(hi - lo + 1);
    let sum = 0;
    for (let j = lo; j <= hi; j++) {
      pmf[j - lo] = Math.max(row[j + 1] - row[j], 0);
      sum += pmf[j - lo];
    }
    pmfs.push(pmf);
    offsets.push(lo - searchRadius);
    tails.push(Math.max(1 - sum, 0));
  }
  return buildTables(pmfs, offsets, tails);
}

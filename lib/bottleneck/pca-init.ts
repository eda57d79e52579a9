/**
 * A starting point for a BU on a signed split tensor: transform coding in the tensor's principal components.
 * The encoder's 1x1 conv projects the centred channels onto the top latentChannels eigenvectors of their
 * covariance, the decoder's projects back, the depthwise convs start as identities, and the batch norms start
 * as identities or plain scalings on data with these statistics. The latent is then the principal components
 * divided by S, the tensor's RMS channel deviation, so one quantizer step means the same absolute precision for
 * every component: the components whose spread is below the step cost almost nothing (reverse water-filling,
 * roughly). From here training only has to fit the entropy model (which starts at each component's spread) and,
 * if asked, refine the transform, which a few hundred CPU steps can do; from random weights the same units
 * stayed far from this after thousands of patch steps.
 */
import * as tf from "@tensorflow/tfjs";
import { symmetricEigen } from "@/lib/util/eigen";
import { BN_EPSILON, initBuParams, type BuConfig, type BuParams } from "./bu";
import { initEntropyParams } from "./entropy-model";

export interface ChannelMoments {
  channels: number;
  mean: Float64Array;
  /** Row-major channels x channels covariance. */
  cov: Float64Array;
}

/** Per-channel mean and channel covariance over every position of channels-last tensors. */
export function channelMoments(data: Float32Array[], channels: number): ChannelMoments {
  const sum = new Float64Array(channels);
  let n = 0;
  for (const d of data) {
    for (let i = 0; i < d.length; i++) sum[i % channels] += d[i];
    n += d.length / channels;
  }
  const mean = sum.map((s) => s / n);
  const cov = new Float64Array(channels * channels);
  const centred = new Float64Array(channels);
  for (const d of data) {
    for (let p = 0; p < d.length; p += channels) {
      for (let i = 0; i < channels; i++) centred[i] = d[p + i] - mean[i];
      for (let i = 0; i < channels; i++) {
        const ci = centred[i];
        for (let j = i; j < channels; j++) cov[i * channels + j] += ci * centred[j];
      }
    }
  }
  for (let i = 0; i < channels; i++) {
    for (let j = i; j < channels; j++) {
      cov[i * channels + j] /= n;
      cov[j * channels + i] = cov[i * channels + j];
    }
  }
  return { channels, mean, cov };
}

/** The eigen-decomposition of a tensor's channel covariance, computed once per tensor. */
export interface PrincipalComponents {
  channels: number;
  mean: Float64Array;
  /** Each channel's own variance (the covariance's diagonal). */
  channelVariance: number[];
  /** Variances of the components, largest first (rounding below 0 clamped to 0). */
  values: number[];
  /** vectors[j]: the unit channel direction of component j. */
  vectors: Float64Array[];
  /** The tensor's RMS channel deviation: the latent's unit. */
  rms: number;
}

export function principalComponents(m: ChannelMoments): PrincipalComponents {
  const { values, vectors } = symmetricEigen(m.cov, m.channels);
  const ev = values.map((v) => Math.max(v, 0));
  const channelVariance = Array.from({ length: m.channels }, (_, ch) => m.cov[ch * m.channels + ch]);
  return { channels: m.channels, mean: m.mean, channelVariance, values: ev, vectors, rms: Math.sqrt(channelVariance.reduce((a, b) => a + b, 0) / m.channels) };
}

/**
 * How many principal components a unit of quantizer step `step` needs: those whose spread, in the latent's units
 * (the tensor's RMS channel deviation), is at least `fraction` of the step. A weaker component rounds to 0 but for
 * a rare outlier (at 0.15 of the step, beyond 3.3 standard deviations), so sending it buys almost nothing while
 * every one of its symbols still costs the coder time.
 */
export function componentsFor(pc: PrincipalComponents, step: number, fraction: number): number {
  return Math.max(1, pc.values.filter((v) => Math.sqrt(v) / pc.rms >= fraction * step).length);
}

export function pcaInitParams(cfg: BuConfig, pc: PrincipalComponents, random: () => number): BuParams {
  const cin = cfg.inShape[2];
  const c = cfg.latentChannels;
  if (cfg.stride !== 1 || cfg.nonNegative) throw new Error("PCA initialisation is for stride-1 BUs on signed tensors");
  if (pc.channels !== cin || c > cin) throw new Error(`moments of ${pc.channels} channels for a BU on ${cin} channels with ${c} latent channels`);
  const { values: ev, vectors, rms: S } = pc;
  // Variance of each channel as rebuilt from the kept components.
  const captured = Array.from({ length: cin }, (_, ch) => vectors.slice(0, c).reduce((sum, v, j) => sum + v[ch] * v[ch] * ev[j], 0));
  const identityGamma = (variance: number) => Math.sqrt(variance + BN_EPSILON);
  const delta = Array.from({ length: 9 * cin }, (_, i) => (Math.floor(i / cin) === 4 ? 1 : 0));
  const enc = new Float32Array(cin * c);
  const dec = new Float32Array(c * cin);
  for (let ch = 0; ch < cin; ch++) {
    for (let j = 0; j < c; j++) {
      enc[ch * c + j] = vectors[j][ch];
      dec[j * cin + ch] = vectors[j][ch];
    }
  }
  const p = initBuParams(cfg, random);
  const set = (name: string, t: tf.Tensor) => {
    p[name].dispose();
    p[name] = t;
  };
  /** A batch norm on data of these statistics whose output is its input times `gain`, plus `beta`. */
  const bn = (prefix: string, mean: ArrayLike<number>, variance: number[], gain: number, beta: ArrayLike<number>) => {
    set(`${prefix}.mean`, tf.tensor1d(Float32Array.from(mean)));
    set(`${prefix}.variance`, tf.tensor1d(variance));
    set(`${prefix}.gamma`, tf.tensor1d(variance.map((v) => gain * identityGamma(v))));
    set(`${prefix}.beta`, tf.tensor1d(Float32Array.from(beta)));
  };
  const zeros = (n: number) => new Float32Array(n);
  set("enc.dw", tf.tensor4d(delta, [3, 3, cin, 1]));
  set("dec.dw", tf.tensor4d(delta, [3, 3, cin, 1]));
  set("enc.pw", tf.tensor4d(enc, [1, 1, cin, c]));
  set("dec.pw", tf.tensor4d(dec, [1, 1, c, cin]));
  // enc.bn1 centres each channel and divides it by S, so that the 1x1 convs hold the unit eigenvectors themselves
  // (weights of order 1, which Adam's fixed-size steps suit); enc.bn2 and dec.bn3 pass their input through; the
  // last batch norm multiplies by S and puts the mean back.
  bn("enc.bn1", pc.mean, pc.channelVariance, 1 / S, zeros(cin));
  bn(
    "enc.bn2",
    zeros(c),
    ev.slice(0, c).map((v) => v / (S * S)),
    1,
    zeros(c),
  );
  bn(
    "dec.bn3",
    zeros(cin),
    captured.map((v) => v / (S * S)),
    1,
    zeros(cin),
  );
  bn(
    "dec.bn4",
    zeros(cin),
    captured.map((v) => v / (S * S)),
    S,
    pc.mean,
  );
  // Each latent channel is a component of spread sqrt(ev) / S, i.e. sqrt(ev) / S / step symbols; with the
  // training noise (1/12) a logistic of that spread has scale sd * sqrt(3) / pi.
  const scales = ev.slice(0, c).map((v) => (Math.sqrt(v / (S * S * cfg.step * cfg.step) + 1 / 12) * Math.sqrt(3)) / Math.PI);
  const em = initEntropyParams(c, random, scales);
  for (const [name, t] of Object.entries(em)) set(name, t);
  return p;
}

/**
 * Space-to-depth of channels-last maps held as plain arrays: each s x s block of an [H, W, C] map becomes one
 * vector of s*s*C values, ordered (i*s + j)*C + c for block pixel (i, j), the order of a kernel-s conv's taps and of
 * depthToSpace. `data` holds whole maps one after another; the result holds [H/s, W/s] patch vectors per map.
 */
export function spaceToDepth(data: Float32Array, shape: readonly [number, number, number], s: number): Float32Array {
  const [H, W, C] = shape;
  if (s === 1) return data;
  const per = H * W * C;
  const out = new Float32Array(data.length);
  let at = 0;
  for (let n = 0; n < data.length; n += per) {
    for (let by = 0; by < H; by += s) {
      for (let bx = 0; bx < W; bx += s) {
        for (let i = 0; i < s; i++) {
          for (let j = 0; j < s; j++) {
            const from = n + ((by + i) * W + bx + j) * C;
            out.set(data.subarray(from, from + C), at);
            at += C;
          }
        }
      }
    }
  }
  return out;
}

/**
 * The closed-form start of a patch unit (arch "patch", any stride, signed or non-negative tensor): transform coding
 * in the principal components of its s x s patches, `pc` being principalComponents of the patch vectors
 * (spaceToDepth). The encoder's kernels are the top eigenvectors divided by S (the tensor's RMS channel
 * deviation) and its bias centres the patch; the decoder holds the same vectors times S and adds the mean back. At
 * high rate this is where a linear strided encoder trained on feature MSE converges; the decoder's final ReLU (on a
 * non-negative tensor) can only lower the error of a reconstruction whose target is never negative.
 */
export function patchPcaInitParams(cfg: BuConfig, pc: PrincipalComponents, random: () => number): BuParams {
  const d = cfg.stride * cfg.stride * cfg.inShape[2];
  const c = cfg.latentChannels;
  if (cfg.arch !== "patch") throw new Error("patchPcaInitParams is for patch units");
  if (pc.channels !== d || c > d) throw new Error(`components of ${pc.channels}-vectors for a unit on ${d}-value patches with ${c} latent channels`);
  const { values: ev, vectors, rms: S, mean } = pc;
  const enc = new Float32Array(d * c);
  const dec = new Float32Array(c * d);
  const encBias = new Float32Array(c);
  for (let j = 0; j < c; j++) {
    let dot = 0;
    for (let k = 0; k < d; k++) {
      enc[k * c + j] = vectors[j][k] / S;
      dec[j * d + k] = vectors[j][k] * S;
      dot += vectors[j][k] * mean[k];
    }
    encBias[j] = -dot / S;
  }
  const s = cfg.stride;
  const cin = cfg.inShape[2];
  const scales = ev.slice(0, c).map((v) => (Math.sqrt(v / (S * S * cfg.step * cfg.step) + 1 / 12) * Math.sqrt(3)) / Math.PI);
  return {
    "enc.kernel": tf.tensor4d(enc, [s, s, cin, c]),
    "enc.bias": tf.tensor1d(encBias),
    "dec.kernel": tf.tensor4d(dec, [1, 1, c, d]),
    "dec.bias": tf.tensor1d(Float32Array.from(mean)),
    ...initEntropyParams(c, random, scales),
  };
}

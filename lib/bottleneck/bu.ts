/**
 * The bottleneck unit (BU) that sits at a split point, after the companion design of Datta et al.:
 *   encoder (client): depthwise kxk conv, stride s + BN + ReLU, then 1x1 conv down to C channels + BN + ReLU
 *   quantizer:        symbols = round(latent / step)
 *   decoder (server): 1x1 conv back up + BN + ReLU, then a depthwise transposed conv with stride s + BN
 *                     (+ ReLU when the split tensor is non-negative) restoring the split tensor's shape.
 * A signed split tensor (nonNegative false, e.g. a residual block's output) keeps the two per-channel stages and
 * the latent linear: a ReLU there would drop the negative half of every channel before the 1x1 convs can mix
 * channels, and a signed latent keeps the quantizer's zero bin on the middle of each zero-mean component.
 * Parameters live in a flat name -> tensor record so that training, saving and the browser share one layout.
 * A config with arch "patch" is the other design, transform coding of s x s patches (patch-unit.ts); every function
 * here hands such a unit over to it.
 * encode/decode are the training graph (batch norm as its own op); the pipeline runs foldForInference's form of the
 * same unit, where each batch norm is folded into its convolution so that every stage is one fused kernel.
 */
import * as tf from "@tensorflow/tfjs";
import { entropyParamCount, entropyParamNames, initEntropyParams } from "./entropy-model";
import * as patch from "./patch-unit";

export interface BuConfig {
  /** Shape of the split tensor this BU compresses, without batch: [H, W, channels]. */
  inShape: [number, number, number];
  latentChannels: number;
  stride: number;
  step: number;
  /** Whether the split tensor is non-negative (after a ReLU), so the decoder ends in a ReLU too. */
  nonNegative: boolean;
  /** Absent: the depthwise design above. "patch": a kernel-s, stride-s conv and its transpose (patch-unit.ts). */
  arch?: "patch";
}

export type BuParams = Record<string, tf.Tensor>;

/** Shared with pca-init, whose identity batch norms hold only for this epsilon. */
export const BN_EPSILON = 1e-3;
const BN_MOMENTUM = 0.95;

export function encoderKernel(stride: number): number {
  return stride <= 2 ? 3 : stride + 1;
}

export function decoderKernel(stride: number): number {
  return stride === 1 ? 3 : 2 * stride;
}

export function latentShape(cfg: BuConfig): [number, number, number] {
  const [h, w] = cfg.inShape;
  // Same for both designs: a patch unit's stride divides the tensor's size.
  return [Math.ceil(h / cfg.stride), Math.ceil(w / cfg.stride), cfg.latentChannels];
}

function bnNames(prefix: string): string[] {
  return ["gamma", "beta", "mean", "variance"].map((n) => `${prefix}.${n}`);
}

/** Every parameter's name and shape, in storage order. */
export function paramShapes(cfg: BuConfig): [string, number[]][] {
  if (cfg.arch === "patch") return patch.patchParamShapes(cfg);
  const cin = cfg.inShape[2];
  const c = cfg.latentChannels;
  const ke = encoderKernel(cfg.stride);
  const kd = decoderKernel(cfg.stride);
  const shapes: [string, number[]][] = [["enc.dw", [ke, ke, cin, 1]]];
  for (const n of bnNames("enc.bn1")) shapes.push([n, [cin]]);
  shapes.push(["enc.pw", [1, 1, cin, c]]);
  for (const n of bnNames("enc.bn2")) shapes.push([n, [c]]);
  shapes.push(["dec.pw", [1, 1, c, cin]]);
  for (const n of bnNames("dec.bn3")) shapes.push([n, [cin]]);
  shapes.push(["dec.dw", [kd, kd, cin, 1]]);
  for (const n of bnNames("dec.bn4")) shapes.push([n, [cin]]);
  const em = initEntropyParams(c, () => 0);
  for (const n of entropyParamNames()) shapes.push([n, em[n].shape]);
  tf.dispose(em);
  return shapes;
}

/** Moving BN statistics are state, not trainable weights. */
export function isTrainable(name: string): boolean {
  return !name.endsWith(".mean") && !name.endsWith(".variance");
}

export function initBuParams(cfg: BuConfig, random: () => number): BuParams {
  if (cfg.arch === "patch") return patch.patchInitParams(cfg, random);
  const params: BuParams = {};
  const he = (shape: number[], fanIn: number) =>
    tf.tensor(
      Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (random() * 2 - 1) * Math.sqrt(6 / fanIn)),
      shape,
    );
  for (const [name, shape] of paramShapes(cfg)) {
    if (name.startsWith("em.")) continue;
    if (name.endsWith(".gamma") || name.endsWith(".variance")) params[name] = tf.ones(shape);
    else if (name.endsWith(".beta") || name.endsWith(".mean")) params[name] = tf.zeros(shape);
    else if (name.endsWith("dw")) params[name] = he(shape, shape[0] * shape[1]);
    else params[name] = he(shape, shape[2]);
  }
  Object.assign(params, initEntropyParams(cfg.latentChannels, random));
  return params;
}

/** Parameters the BU adds, entropy model included (moving statistics are not parameters). */
export function buParamCount(cfg: BuConfig): number {
  if (cfg.arch === "patch") return patch.patchParamCount(cfg);
  let n = 0;
  for (const [name, shape] of paramShapes(cfg)) if (isTrainable(name) && !name.startsWith("em.")) n += shape.reduce((a, b) => a * b, 1);
  return n + entropyParamCount(cfg.latentChannels);
}

/** Multiply-accumulates of the encoder (client side) for one image. */
export function encoderMacs(cfg: BuConfig): number {
  if (cfg.arch === "patch") return patch.patchEncoderMacs(cfg);
  const [h, w, c] = latentShape(cfg);
  const cin = cfg.inShape[2];
  const k = encoderKernel(cfg.stride);
  return h * w * cin * k * k + h * w * cin * c;
}

/** Multiply-accumulates of the decoder (server side) for one image. */
export function decoderMacs(cfg: BuConfig): number {
  if (cfg.arch === "patch") return patch.patchDecoderMacs(cfg);
  const [h, w, c] = latentShape(cfg);
  const [H, W, cin] = cfg.inShape;
  const k = decoderKernel(cfg.stride);
  // The transposed conv touches only the non-zero inputs: k*k/s^2 taps per output on average.
  return h * w * c * cin + Math.round((H * W * cin * k * k) / (cfg.stride * cfg.stride));
}

/**
 * Batch norm. While training it normalises with the batch's moments and moves the stored statistics toward
 * them (those tensors must be tf.Variables then); at inference it uses the stored statistics.
 */
function batchNorm(p: BuParams, prefix: string, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
  const gamma = p[`${prefix}.gamma`];
  const beta = p[`${prefix}.beta`];
  if (!training)
    return tf.batchNorm4d(x, p[`${prefix}.mean`] as tf.Tensor1D, p[`${prefix}.variance`] as tf.Tensor1D, beta as tf.Tensor1D, gamma as tf.Tensor1D, BN_EPSILON);
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const movingMean = p[`${prefix}.mean`] as tf.Variable;
  const movingVar = p[`${prefix}.variance`] as tf.Variable;
  tf.tidy(() => {
    movingMean.assign(tf.add(tf.mul(movingMean, BN_MOMENTUM), tf.mul(mean, 1 - BN_MOMENTUM)));
    movingVar.assign(tf.add(tf.mul(movingVar, BN_MOMENTUM), tf.mul(variance, 1 - BN_MOMENTUM)));
  });
  return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, beta as tf.Tensor1D, gamma as tf.Tensor1D, BN_EPSILON);
}

/** Client side: split tensor [B, H, W, Cin] -> latent [B, h, w, C] (non-negative for a non-negative tensor). */
export function encode(cfg: BuConfig, p: BuParams, x: tf.Tensor4D, training = false): tf.Tensor4D {
  if (cfg.arch === "patch") return patch.patchEncode(cfg, p, x);
  return tf.tidy(() => {
    let h = tf.depthwiseConv2d(x, p["enc.dw"] as tf.Tensor4D, cfg.stride, "same");
    h = batchNorm(p, "enc.bn1", h, training);
    if (cfg.nonNegative) h = tf.relu(h);
    h = tf.conv2d(h, p["enc.pw"] as tf.Tensor4D, 1, "valid");
    h = batchNorm(p, "enc.bn2", h, training);
    return cfg.nonNegative ? tf.relu(h) : h;
  });
}

/** Inserts s-1 zeros after every row and column: the input side of a transposed convolution. */
function zeroUpsample(x: tf.Tensor4D, s: number): tf.Tensor4D {
  if (s === 1) return x;
  const [b, h, w, c] = x.shape;
  let y = tf.pad(tf.reshape(x, [b * h, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, s - 1],
    [0, 0],
  ]);
  y = tf.reshape(y, [b, h, 1, w * s * c]);
  y = tf.pad(y, [
    [0, 0],
    [0, 0],
    [0, s - 1],
    [0, 0],
  ]);
  return tf.reshape(y, [b, h * s, w * s, c]);
}

/** Server side: dequantized latent [B, h, w, C] -> reconstructed split tensor [B, H, W, Cin]. */
export function decode(cfg: BuConfig, p: BuParams, latent: tf.Tensor4D, training = false): tf.Tensor4D {
  if (cfg.arch === "patch") return patch.patchDecode(cfg, p, latent);
  return tf.tidy(() => {
    let h = tf.conv2d(latent, p["dec.pw"] as tf.Tensor4D, 1, "valid");
    h = batchNorm(p, "dec.bn3", h, training);
    if (cfg.nonNegative) h = tf.relu(h);
    h = tf.depthwiseConv2d(zeroUpsample(h, cfg.stride), p["dec.dw"] as tf.Tensor4D, 1, "same");
    const [H, W] = cfg.inShape;
    if (h.shape[1] !== H || h.shape[2] !== W) h = tf.slice(h, [0, 0, 0, 0], [-1, H, W, -1]);
    h = batchNorm(p, "dec.bn4", h, training);
    return cfg.nonNegative ? tf.relu(h) : h;
  });
}

/**
 * A BU ready for inference: each batch norm folded into the convolution before it (kernel scaled per output
 * channel, bias added), so each stage is one fused conv + bias + activation. The decoder's transposed
 * convolution with stride s is split into its s*s phases: one depthwise conv with channel multiplier s*s on the
 * small latent map, then a pixel shuffle, instead of a conv over a zero-filled map s*s times larger.
 */
export interface InferenceBu {
  cfg: BuConfig;
  /** Depthwise design: encDw, encDwBias, encPw, encPwBias, decPw, decPwBias, decDw, decDwBias; patch design: its own. */
  weights: Record<string, tf.Tensor>;
}

/** Per-channel scale and shift of an inference batch norm: y = x * scale + shift. */
function bnAffine(p: BuParams, prefix: string): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  const scale = tf.div(p[`${prefix}.gamma`], tf.sqrt(tf.add(p[`${prefix}.variance`], BN_EPSILON))) as tf.Tensor1D;
  const shift = tf.sub(p[`${prefix}.beta`], tf.mul(p[`${prefix}.mean`], scale)) as tf.Tensor1D;
  return { scale, shift };
}

/**
 * The s*s phase kernels of a depthwise transposed conv (kernel 2s, "same" padding, on the zero-inserted map):
 * output row s*m + r sums latent rows m and m+1 with taps s-1-r and 2s-1-r; columns likewise.
 * Result [2, 2, C, s*s], multiplier index r*s + q for output phase (r, q).
 */
function phaseKernels(k: tf.Tensor4D, s: number): tf.Tensor4D {
  const phases: tf.Tensor4D[] = [];
  for (let r = 0; r < s; r++) {
    for (let q = 0; q < s; q++) {
      const rows = tf.gather(k, [s - 1 - r, 2 * s - 1 - r], 0);
      phases.push(tf.gather(rows, [s - 1 - q, 2 * s - 1 - q], 1) as tf.Tensor4D);
    }
  }
  return tf.concat(phases, 3);
}

/**
 * Multiplier index m of channel c is output channel c*n + m, so each channel's bias repeats n times. Built from
 * the values: the wasm fused kernels read a bias's rank from its storage, which tile/gather + reshape leave 2-D+.
 */
function repeatEach(v: tf.Tensor1D, n: number): tf.Tensor1D {
  const values = v.dataSync();
  return tf.tensor1d(Float32Array.from({ length: values.length * n }, (_, i) => values[Math.floor(i / n)]));
}

/** The caller owns the result (disposeInferenceBu); p is left untouched. */
export function foldForInference(cfg: BuConfig, p: BuParams): InferenceBu {
  if (cfg.arch === "patch") return { cfg, weights: patch.patchFold(p) };
  const weights = tf.tidy(() => {
    const cin = cfg.inShape[2];
    const s = cfg.stride;
    const bn1 = bnAffine(p, "enc.bn1");
    const bn2 = bnAffine(p, "enc.bn2");
    const bn3 = bnAffine(p, "dec.bn3");
    const bn4 = bnAffine(p, "dec.bn4");
    const decDw = tf.mul(p["dec.dw"], tf.reshape(bn4.scale, [1, 1, cin, 1])) as tf.Tensor4D;
    return {
      encDw: tf.mul(p["enc.dw"], tf.reshape(bn1.scale, [1, 1, cin, 1])),
      encDwBias: bn1.shift,
      encPw: tf.mul(p["enc.pw"], tf.reshape(bn2.scale, [1, 1, 1, -1])),
      encPwBias: bn2.shift,
      decPw: tf.mul(p["dec.pw"], tf.reshape(bn3.scale, [1, 1, 1, cin])),
      decPwBias: bn3.shift,
      decDw: s === 1 ? decDw : phaseKernels(decDw, s),
      decDwBias: s === 1 ? bn4.shift : repeatEach(bn4.shift, s * s),
    };
  });
  return { cfg, weights };
}

export function disposeInferenceBu(bu: InferenceBu): void {
  tf.dispose(Object.values(bu.weights));
}

/** Client side at inference: split tensor [B, H, W, Cin] -> latent [B, h, w, C]. */
export function encodeFolded(bu: InferenceBu, x: tf.Tensor4D): tf.Tensor4D {
  const { cfg, weights: w } = bu;
  if (cfg.arch === "patch") return patch.patchEncodeFolded(cfg, w, x);
  return tf.tidy(() => {
    const act = cfg.nonNegative ? "relu" : "linear";
    const h = tf.fused.depthwiseConv2d({ x, filter: w.encDw as tf.Tensor4D, strides: cfg.stride, pad: "same", bias: w.encDwBias, activation: act });
    return tf.fused.conv2d({ x: h, filter: w.encPw as tf.Tensor4D, strides: 1, pad: "valid", bias: w.encPwBias, activation: act });
  });
}

/** Server side at inference: dequantized latent [B, h, w, C] -> reconstructed split tensor [B, H, W, Cin]. */
export function decodeFolded(bu: InferenceBu, latent: tf.Tensor4D): tf.Tensor4D {
  const { cfg, weights: w } = bu;
  if (cfg.arch === "patch") return patch.patchDecodeFolded(cfg, w, latent);
  return tf.tidy(() => {
    const act = cfg.nonNegative ? "relu" : "linear";
    const h = tf.fused.conv2d({ x: latent, filter: w.decPw as tf.Tensor4D, strides: 1, pad: "valid", bias: w.decPwBias, activation: act });
    const s = cfg.stride;
    const [H, W, cin] = cfg.inShape;
    if (s === 1) return tf.fused.depthwiseConv2d({ x: h, filter: w.decDw as tf.Tensor4D, strides: 1, pad: "same", bias: w.decDwBias, activation: act });
    const phases = tf.fused.depthwiseConv2d({ x: h, filter: w.decDw as tf.Tensor4D, strides: 1, pad: "same", bias: w.decDwBias, activation: act });
    const [b, lh, lw] = phases.shape;
    // [B, h, w, C, r, q] -> [B, h, r, w, q, C]: phase (r, q) of latent pixel (m, n) is output pixel (s*m + r, s*n + q).
    const shuffled = tf.reshape(tf.transpose(tf.reshape(phases, [b, lh, lw, cin, s, s]), [0, 1, 4, 2, 5, 3]), [b, lh * s, lw * s, cin]) as tf.Tensor4D;
    return lh * s === H && lw * s === W ? shuffled : tf.slice(shuffled, [0, 0, 0, 0], [-1, H, W, -1]);
  });
}

/**
 * The bottleneck unit (BU) that sits at a split point, after the companion design of Datta et al.:
 *   encoder (client): depthwise kxk conv, stride s + BN + ReLU, then 1x1 conv down to C channels + BN + ReLU
 *   quantizer:        symbols = round(latent / step)
 *   decoder (server): 1x1 conv back up + BN + ReLU, then a depthwise transposed conv with stride s + BN
 *                     (+ ReLU when the split tensor is non-negative) restoring the split tensor's shape.
 * A signed split tensor (nonNegative false, e.g. a residual block's output) keeps the two per-channel stages
 * linear: a ReLU there would drop the negative half of every channel before the 1x1 convs can mix channels.
 * Parameters live in a flat name -> tensor record so that training, saving and the browser share one layout.
 */
import * as tf from "@tensorflow/tfjs";
import { entropyParamCount, entropyParamNames, initEntropyParams } from "./entropy-model";

export interface BuConfig {
  /** Shape of the split tensor this BU compresses, without batch: [H, W, channels]. */
  inShape: [number, number, number];
  latentChannels: number;
  stride: number;
  step: number;
  /** Whether the split tensor is non-negative (after a ReLU), so the decoder ends in a ReLU too. */
  nonNegative: boolean;
}

export type BuParams = Record<string, tf.Tensor>;

const BN_EPSILON = 1e-3;
const BN_MOMENTUM = 0.95;

export function encoderKernel(stride: number): number {
  return stride <= 2 ? 3 : stride + 1;
}

export function decoderKernel(stride: number): number {
  return stride === 1 ? 3 : 2 * stride;
}

export function latentShape(cfg: BuConfig): [number, number, number] {
  const [h, w] = cfg.inShape;
  return [Math.ceil(h / cfg.stride), Math.ceil(w / cfg.stride), cfg.latentChannels];
}

function bnNames(prefix: string): string[] {
  return ["gamma", "beta", "mean", "variance"].map((n) => `${prefix}.${n}`);
}

/** Every parameter's name and shape, in storage order. */
export function paramShapes(cfg: BuConfig): [string, number[]][] {
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
  const params: BuParams = {};
  const he = (shape: number[], fanIn: number) =>
    tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (random() * 2 - 1) * Math.sqrt(6 / fanIn)), shape);
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
  let n = 0;
  for (const [name, shape] of paramShapes(cfg)) if (isTrainable(name) && !name.startsWith("em.")) n += shape.reduce((a, b) => a * b, 1);
  return n + entropyParamCount(cfg.latentChannels);
}

/** Multiply-accumulates of the encoder (client side) for one image. */
export function encoderMacs(cfg: BuConfig): number {
  const [h, w, c] = latentShape(cfg);
  const cin = cfg.inShape[2];
  const k = encoderKernel(cfg.stride);
  return h * w * cin * k * k + h * w * cin * c;
}

/** Multiply-accumulates of the decoder (server side) for one image. */
export function decoderMacs(cfg: BuConfig): number {
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
  if (!training) return tf.batchNorm4d(x, p[`${prefix}.mean`] as tf.Tensor1D, p[`${prefix}.variance`] as tf.Tensor1D, beta as tf.Tensor1D, gamma as tf.Tensor1D, BN_EPSILON);
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const movingMean = p[`${prefix}.mean`] as tf.Variable;
  const movingVar = p[`${prefix}.variance`] as tf.Variable;
  tf.tidy(() => {
    movingMean.assign(tf.add(tf.mul(movingMean, BN_MOMENTUM), tf.mul(mean, 1 - BN_MOMENTUM)));
    movingVar.assign(tf.add(tf.mul(movingVar, BN_MOMENTUM), tf.mul(variance, 1 - BN_MOMENTUM)));
  });
  return tf.batchNorm4d(x, mean as tf.Tensor1D, variance as tf.Tensor1D, beta as tf.Tensor1D, gamma as tf.Tensor1D, BN_EPSILON);
}

/** Client side: split tensor [B, H, W, Cin] -> non-negative latent [B, h, w, C]. */
export function encode(cfg: BuConfig, p: BuParams, x: tf.Tensor4D, training = false): tf.Tensor4D {
  return tf.tidy(() => {
    let h = tf.depthwiseConv2d(x, p["enc.dw"] as tf.Tensor4D, cfg.stride, "same");
    h = batchNorm(p, "enc.bn1", h, training);
    if (cfg.nonNegative) h = tf.relu(h);
    h = tf.conv2d(h, p["enc.pw"] as tf.Tensor4D, 1, "valid");
    return tf.relu(batchNorm(p, "enc.bn2", h, training));
  });
}

/** Inserts s-1 zeros after every row and column: the input side of a transposed convolution. */
function zeroUpsample(x: tf.Tensor4D, s: number): tf.Tensor4D {
  if (s === 1) return x;
  const [b, h, w, c] = x.shape;
  let y = tf.pad(tf.reshape(x, [b * h, w, 1, c]), [[0, 0], [0, 0], [0, s - 1], [0, 0]]);
  y = tf.reshape(y, [b, h, 1, w * s * c]);
  y = tf.pad(y, [[0, 0], [0, 0], [0, s - 1], [0, 0]]);
  return tf.reshape(y, [b, h * s, w * s, c]);
}

/** Server side: dequantized latent [B, h, w, C] -> reconstructed split tensor [B, H, W, Cin]. */
export function decode(cfg: BuConfig, p: BuParams, latent: tf.Tensor4D, training = false): tf.Tensor4D {
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

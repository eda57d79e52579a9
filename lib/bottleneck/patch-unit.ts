/**
 * The patch bottleneck unit (BuConfig.arch "patch"): transform coding of s x s patches.
 *   encoder (client): one conv with kernel s and stride s (+ bias), i.e. space-to-depth then a linear map of each
 *                     s*s*Cin patch vector to C latent channels; the latent is linear (signed)
 *   decoder (server): one 1x1 conv to s*s*Cin channels (+ bias), then depth-to-space, i.e. a transposed conv with
 *                     kernel s and stride s; a ReLU at the end when the split tensor is non-negative.
 * Its kernels can hold the principal components of the patches exactly (pca-init's patchPcaInitParams), which the
 * depthwise design of bu.ts cannot: a per-channel strided filter followed by a 1x1 conv spans only patch vectors
 * that are separable in space and channels. bu.ts dispatches here for every operation on such a unit.
 * There is no batch norm, so the training graph and the inference form are the same convolutions.
 */
import * as tf from "@tensorflow/tfjs";
import type { BuConfig, BuParams } from "./bu";
import { entropyParamCount, entropyParamNames, initEntropyParams } from "./entropy-model";

function check(cfg: BuConfig): void {
  const [h, w] = cfg.inShape;
  if (h % cfg.stride || w % cfg.stride) throw new Error(`a patch unit of stride ${cfg.stride} needs a tensor whose size it divides, not ${h}x${w}`);
}

/** Length of one patch vector: s * s * Cin. */
export function patchLength(cfg: BuConfig): number {
  return cfg.stride * cfg.stride * cfg.inShape[2];
}

export function patchParamShapes(cfg: BuConfig): [string, number[]][] {
  check(cfg);
  const [s, cin, c, d] = [cfg.stride, cfg.inShape[2], cfg.latentChannels, patchLength(cfg)];
  const shapes: [string, number[]][] = [
    ["enc.kernel", [s, s, cin, c]],
    ["enc.bias", [c]],
    ["dec.kernel", [1, 1, c, d]],
    ["dec.bias", [d]],
  ];
  const em = initEntropyParams(c, () => 0);
  for (const n of entropyParamNames()) shapes.push([n, em[n].shape]);
  tf.dispose(em);
  return shapes;
}

export function patchInitParams(cfg: BuConfig, random: () => number): BuParams {
  const [c, d] = [cfg.latentChannels, patchLength(cfg)];
  const uniform = (shape: number[], fanIn: number) =>
    tf.tensor(
      Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (random() * 2 - 1) * Math.sqrt(3 / fanIn)),
      shape,
    );
  const params: BuParams = {};
  for (const [name, shape] of patchParamShapes(cfg)) {
    if (name === "enc.kernel") params[name] = uniform(shape, d);
    else if (name === "dec.kernel") params[name] = uniform(shape, c);
    else if (!name.startsWith("em.")) params[name] = tf.zeros(shape);
  }
  return { ...params, ...initEntropyParams(c, random) };
}

export function patchParamCount(cfg: BuConfig): number {
  const [c, d] = [cfg.latentChannels, patchLength(cfg)];
  return d * c + c + c * d + d + entropyParamCount(c);
}

export function patchEncoderMacs(cfg: BuConfig): number {
  const [h, w] = cfg.inShape;
  return (h / cfg.stride) * (w / cfg.stride) * patchLength(cfg) * cfg.latentChannels;
}

export function patchDecoderMacs(cfg: BuConfig): number {
  return patchEncoderMacs(cfg);
}

export function patchEncode(cfg: BuConfig, p: BuParams, x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.add(tf.conv2d(x, p["enc.kernel"] as tf.Tensor4D, cfg.stride, "valid"), p["enc.bias"]) as tf.Tensor4D);
}

/** [B, h, w, s*s*C] -> [B, h*s, w*s, C]; channel (i*s + j)*C + c goes to pixel (i, j) of the block. Differentiable. */
export function depthToSpace(x: tf.Tensor4D, s: number): tf.Tensor4D {
  if (s === 1) return x;
  const [b, h, w, d] = x.shape;
  const c = d / (s * s);
  return tf.reshape(tf.transpose(tf.reshape(x, [b, h, w, s, s, c]), [0, 1, 3, 2, 4, 5]), [b, h * s, w * s, c]);
}

export function patchDecode(cfg: BuConfig, p: BuParams, latent: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const h = tf.add(tf.conv2d(latent, p["dec.kernel"] as tf.Tensor4D, 1, "valid"), p["dec.bias"]) as tf.Tensor4D;
    const out = depthToSpace(h, cfg.stride);
    return cfg.nonNegative ? tf.relu(out) : out;
  });
}

/** Inference: the same weights in fused kernels (bias and activation inside the convolution). */
export function patchEncodeFolded(cfg: BuConfig, w: Record<string, tf.Tensor>, x: tf.Tensor4D): tf.Tensor4D {
  return tf.fused.conv2d({ x, filter: w["enc.kernel"] as tf.Tensor4D, strides: cfg.stride, pad: "valid", bias: w["enc.bias"] });
}

export function patchDecodeFolded(cfg: BuConfig, w: Record<string, tf.Tensor>, latent: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const act = cfg.nonNegative ? "relu" : "linear";
    const h = tf.fused.conv2d({ x: latent, filter: w["dec.kernel"] as tf.Tensor4D, strides: 1, pad: "valid", bias: w["dec.bias"], activation: act });
    return cfg.stride === 1 ? h : tf.depthToSpace(h, cfg.stride, "NHWC");
  });
}

/** The inference weights: copies of the unit's own (no batch norm to fold). */
export function patchFold(p: BuParams): Record<string, tf.Tensor> {
  return Object.fromEntries(["enc.kernel", "enc.bias", "dec.kernel", "dec.bias"].map((n) => [n, tf.clone(p[n])]));
}

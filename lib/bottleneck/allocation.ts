/**
 * Task-aware bit allocation for transform-coded units (pca-init): each principal component of each cut tensor is
 * weighted by how much the tail's output moves when that component is disturbed, and the quantizer's precision
 * follows the weight.
 *
 * With a uniform quantizer of step q_j on component j (error variance q_j^2 / 12 at each of the tensor's N
 * positions), an output distortion that is locally sum_j s_j N (error variance), and a rate of N (h_j - log2 q_j)
 * bits, the steps that minimise distortion + lambda * rate satisfy s_j q_j^2 = constant: q_j = q / sqrt(s_j / s_ref).
 * A unit has one step, so the same is done by scaling the latent: component j enters the latent multiplied by the
 * gain g_j = sqrt(s_j / s_ref) (the encoder's 1x1 column times g_j, the decoder's row divided by it) and one step q
 * serves all components of all tensors of the split. A component whose gained spread falls below a fraction of the
 * step is dropped (componentsFor), so a tensor the tail barely reads keeps almost no components: near-zero rate.
 */
import * as tf from "@tensorflow/tfjs";
import type { BuParams } from "./bu";
import type { PrincipalComponents } from "./pca-init";

/**
 * The components reordered by their gained spread (g_j^2 times their variance, largest first), with those values
 * as `values` so that componentsFor and the entropy model's start see the spreads the latent will have.
 */
export function weightedComponents(pc: PrincipalComponents, gains: number[]): { pc: PrincipalComponents; gains: number[] } {
  if (gains.length !== pc.values.length) throw new Error(`${gains.length} gains for ${pc.values.length} components`);
  if (gains.some((g) => !(g > 0) || !Number.isFinite(g))) throw new Error("gains must be positive and finite");
  const order = pc.values.map((v, j) => [v * gains[j] * gains[j], j] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  return {
    pc: { ...pc, values: order.map(([v]) => v), vectors: order.map(([, j]) => pc.vectors[j]) },
    gains: order.map(([, j]) => gains[j]),
  };
}

/** Gains from per-value sensitivities, relative to a reference sensitivity (e.g. the split's largest). */
export function gainsFromSensitivity(sensitivity: number[], reference: number): number[] {
  if (!(reference > 0)) throw new Error("the reference sensitivity must be positive");
  // A component the output does not react to at all would get gain 0 (an infinite step): floor it far below any kept one.
  return sensitivity.map((s) => Math.sqrt(Math.max(s, reference * 1e-8) / reference));
}

/**
 * Scales the latent of a pca-init unit by per-channel gains (the first latentChannels entries): the encoder's 1x1
 * column c times gains[c], the decoder's 1x1 row c divided by it. The reconstruction before quantization is unchanged.
 * Disposes the two replaced kernels.
 */
export function applyLatentGains(params: BuParams, gains: number[]): BuParams {
  const c = params["enc.pw"].shape[3]!;
  const g = tf.tensor1d(gains.slice(0, c));
  const enc = tf.tidy(() => tf.mul(params["enc.pw"], tf.reshape(g, [1, 1, 1, c])));
  const dec = tf.tidy(() => tf.div(params["dec.pw"], tf.reshape(g, [1, 1, c, 1])));
  g.dispose();
  tf.dispose([params["enc.pw"], params["dec.pw"]]);
  return { ...params, "enc.pw": enc, "dec.pw": dec };
}

/**
 * Per-value sensitivity of the tail's output to each principal component of each cut tensor: Gaussian noise of
 * `noise` times the tensor's RMS channel deviation (one latent unit) is added along the component's direction at
 * every position, the output's squared error against the undisturbed run is summed, and divided by the noise
 * variance in latent units and by the positions. Averaged over the given images. `run` maps the cut tensors of one
 * image to the output compared (e.g. the detector's class heatmap).
 */
export async function measureSensitivity(o: {
  /** [image][tensor] cut tensors, channels-last. */
  features: Float32Array[][];
  pcs: PrincipalComponents[];
  run: (features: Float32Array[]) => Promise<Float32Array>;
  noise: number;
  random: () => number;
  onProgress?: (tensor: number, component: number) => void;
}): Promise<number[][]> {
  const gauss = () => Math.sqrt(-2 * Math.log(1 - o.random())) * Math.cos(2 * Math.PI * o.random());
  const base = await Promise.all(o.features.map((f) => o.run(f)));
  return mapSerial(o.pcs, async (pc, t) =>
    mapSerial(pc.vectors, async (v, j) => {
      o.onProgress?.(t, j);
      let sum = 0;
      let positions = 0;
      for (const [i, feats] of o.features.entries()) {
        const disturbed = Float32Array.from(feats[t]);
        const C = pc.channels;
        positions = disturbed.length / C;
        for (let p = 0; p < disturbed.length; p += C) {
          const e = o.noise * pc.rms * gauss();
          for (let c = 0; c < C; c++) disturbed[p + c] += e * v[c];
        }
        const out = await o.run(feats.map((f, k) => (k === t ? disturbed : f)));
        for (let k = 0; k < out.length; k++) sum += (out[k] - base[i][k]) ** 2;
      }
      return sum / o.features.length / (o.noise * o.noise) / positions;
    }),
  );
}

async function mapSerial<T, U>(xs: T[], f: (x: T, i: number) => Promise<U>): Promise<U[]> {
  const out: U[] = [];
  for (const [i, x] of xs.entries()) out.push(await f(x, i));
  return out;
}

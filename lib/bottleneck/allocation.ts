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
 * Scales the latent of a closed-form unit by per-channel gains (the first latentChannels entries): for a pca-init unit
 * the encoder's 1x1 column c times gains[c] and the decoder's 1x1 row c divided by it; for a patch unit (arch
 * "patch") the encoder kernel's output channel c and its bias times gains[c], the decoder kernel's row c divided by
 * it. The reconstruction before quantization is unchanged. Disposes the replaced tensors.
 */
export function applyLatentGains(params: BuParams, gains: number[]): BuParams {
  const patch = "enc.kernel" in params;
  const [encName, decName] = patch ? ["enc.kernel", "dec.kernel"] : ["enc.pw", "dec.pw"];
  const c = params[encName].shape[3]!;
  const g = tf.tensor1d(gains.slice(0, c));
  const enc = tf.tidy(() => tf.mul(params[encName], tf.reshape(g, [1, 1, 1, c])));
  const dec = tf.tidy(() => tf.div(params[decName], tf.reshape(g, [1, 1, c, 1])));
  const replaced: BuParams = { [encName]: enc, [decName]: dec };
  if (patch) replaced["enc.bias"] = tf.mul(params["enc.bias"], g);
  g.dispose();
  tf.dispose(Object.keys(replaced).map((n) => params[n]));
  return { ...params, ...replaced };
}

/**
 * Per-value sensitivity of the tail's output to each principal component of each cut tensor: Gaussian noise of
 * `noise` times the tensor's RMS channel deviation (one latent unit) is added along the component's direction at
 * every position, the output's squared error against the undisturbed run is summed, and divided by the noise
 * variance in latent units and by the positions. Averaged over the given images. `run` maps the cut tensors of one
 * image to the output compared (e.g. the detector's class heatmap).
 *
 * With `groups` (per tensor, lists of component indices covering them all) the components of a group are disturbed
 * together, each by its own independent noise, and each gets the group's mean: the changes that independent zero-mean
 * disturbances cause add up in squared error (to first order), so one run per group measures the sum of its members'
 * sensitivities. Ten groups instead of a hundred components is what makes a fit in the browser affordable. A large
 * group disturbs the tensor more than one component does, and a saturating output (a sigmoid) then reacts less than
 * the sum: weakly read components come out weaker still. Disturbing each member at 1/sqrt(group size) avoids that,
 * but lost on the validation photos (docs/fitting.md), so the stronger disturbance stays.
 */
export async function measureSensitivity(o: {
  /** [image][tensor] cut tensors, channels-last. */
  features: Float32Array[][];
  pcs: PrincipalComponents[];
  run: (features: Float32Array[]) => Promise<Float32Array>;
  noise: number;
  random: () => number;
  groups?: number[][][];
  onProgress?: (tensor: number, group: number, groups: number) => void;
}): Promise<number[][]> {
  const gauss = () => Math.sqrt(-2 * Math.log(1 - o.random())) * Math.cos(2 * Math.PI * o.random());
  const base = await Promise.all(o.features.map((f) => o.run(f)));
  return mapSerial(o.pcs, async (pc, t) => {
    const groups = o.groups?.[t] ?? pc.vectors.map((_, j) => [j]);
    if (
      groups
        .flat()
        .sort((a, b) => a - b)
        .join() !== pc.vectors.map((_, j) => j).join()
    )
      throw new Error(`the groups of tensor ${t} must hold each of its ${pc.vectors.length} components once`);
    const C = pc.channels;
    const perComponent = new Array<number>(pc.vectors.length).fill(0);
    await mapSerial(groups, async (group, g) => {
      o.onProgress?.(t, g, groups.length);
      let sum = 0;
      let positions = 0;
      for (const [i, feats] of o.features.entries()) {
        const disturbed = Float32Array.from(feats[t]);
        positions = disturbed.length / C;
        for (let p = 0; p < disturbed.length; p += C) {
          for (const j of group) {
            const e = o.noise * pc.rms * gauss();
            const v = pc.vectors[j];
            for (let c = 0; c < C; c++) disturbed[p + c] += e * v[c];
          }
        }
        const out = await o.run(feats.map((f, k) => (k === t ? disturbed : f)));
        for (let k = 0; k < out.length; k++) sum += (out[k] - base[i][k]) ** 2;
      }
      const mean = sum / o.features.length / (o.noise * o.noise) / positions / group.length;
      for (const j of group) perComponent[j] = mean;
    });
    return perComponent;
  });
}

/**
 * Components grouped by rank, in groups that double in size (1, 1, 2, 4, 8, ...): the strongest components, which
 * carry most of a tensor's information, get a sensitivity of their own; the long tail shares a few.
 */
export function rankGroups(components: number): number[][] {
  const groups: number[][] = [];
  for (let start = 0, size = 1; start < components; start += size, size = start < 2 ? 1 : start) {
    groups.push(Array.from({ length: Math.min(size, components - start) }, (_, k) => start + k));
  }
  return groups;
}

/** A latent component as a cut's units would carry it: its variance in latent units (gain included), at how many positions. */
export interface GainedComponent {
  variance: number;
  positions: number;
}

/**
 * The quantizer step whose gained distortion, relative to the gained variance of all the cut's components, is
 * `target`: with reverse water-filling each component costs min(variance, step^2 / 12) per position. The relative
 * distortion grows with the step, so bisection finds it. This is how a cut no script prepared gets its ladder: the
 * prepared detector cuts' steps (chosen on validation photos) sit at 1.5-2.5 % for their finest level and 22-40 % for
 * their coarsest on this measure, whatever their tensors.
 */
export function stepForDistortion(components: GainedComponent[], target: number): number {
  if (!(target > 0 && target < 1)) throw new Error(`a relative distortion between 0 and 1, not ${target}`);
  const total = components.reduce((a, c) => a + c.variance * c.positions, 0);
  if (!(total > 0)) throw new Error("the components carry no variance");
  const relative = (q: number) => components.reduce((a, c) => a + c.positions * Math.min(c.variance, (q * q) / 12), 0) / total;
  let [lo, hi] = [0, Math.sqrt(12 * Math.max(...components.map((c) => c.variance)))];
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (relative(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

async function mapSerial<T, U>(xs: T[], f: (x: T, i: number) => Promise<U>): Promise<U[]> {
  const out: U[] = [];
  for (const [i, x] of xs.entries()) out.push(await f(x, i));
  return out;
}

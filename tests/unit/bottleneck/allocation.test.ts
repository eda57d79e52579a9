// Task-aware allocation: per-component gains from the tail's sensitivity, folded into a PCA-initialised unit.
import { beforeAll, describe, expect, it } from "vitest";
import { applyLatentGains, gainsFromSensitivity, measureSensitivity, rankGroups, weightedComponents } from "@/lib/bottleneck/allocation";
import { decode, encode, type BuConfig } from "@/lib/bottleneck/bu";
import { channelMoments, componentsFor, patchPcaInitParams, pcaInitParams, principalComponents, type PrincipalComponents } from "@/lib/bottleneck/pca-init";
import { createRng } from "@/lib/util/prng";
import { initNodeTf, type TF } from "@/lib/tf/node";

let tf: TF;
beforeAll(async () => {
  tf = await initNodeTf();
});

const gaussian = (rng: () => number) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

/** Three independent channels of standard deviations 4, 2 and 1: the components are the channels themselves. */
function axisData(positions: number, rng: () => number): Float32Array {
  const sd = [4, 2, 1];
  return Float32Array.from({ length: positions * 3 }, (_, i) => sd[i % 3] * gaussian(rng));
}

describe("gains and weighted components", () => {
  it("gives gain sqrt(s / s_ref), floors a component the output ignores, and orders components by gained spread", () => {
    expect(gainsFromSensitivity([4, 1, 0], 4)).toEqual([1, 0.5, 1e-4]);
    const pc: PrincipalComponents = {
      channels: 3,
      mean: new Float64Array(3),
      channelVariance: [16, 4, 1],
      values: [16, 4, 1],
      vectors: [Float64Array.from([1, 0, 0]), Float64Array.from([0, 1, 0]), Float64Array.from([0, 0, 1])],
      rms: Math.sqrt(7),
    };
    // Gains 0.1, 1, 1: gained variances 0.16, 4, 1, so the second component leads and the first comes last.
    const w = weightedComponents(pc, [0.1, 1, 1]);
    w.pc.values.forEach((v, j) => expect(v).toBeCloseTo([4, 1, 0.16][j], 12));
    expect(w.gains).toEqual([1, 1, 0.1]);
    expect(Array.from(w.pc.vectors[2])).toEqual([1, 0, 0]);
    // At a step of 2 RMS and componentFraction 0.15 (spread >= 0.3 RMS kept), the down-weighted strongest channel is dropped.
    expect(componentsFor(w.pc, 2, 0.15)).toBe(2);
    expect(componentsFor(pc, 2, 0.15)).toBe(3);
  });

  it("scales each latent channel by its gain while the unit's reconstruction before quantization stays the same", () => {
    const rng = createRng(3).next;
    const data = axisData(8 * 8, rng);
    const pc = principalComponents(channelMoments([data], 3));
    const cfg: BuConfig = { inShape: [8, 8, 3], latentChannels: 3, stride: 1, step: 1, nonNegative: false };
    const gains = [1, 0.5, 0.25];
    const plain = pcaInitParams(cfg, pc, createRng(1).next);
    const gained = applyLatentGains(pcaInitParams(cfg, pc, createRng(1).next), gains);
    const x = tf.tensor4d(data, [1, 8, 8, 3]);
    const [z0, z1] = [encode(cfg, plain, x), encode(cfg, gained, x)];
    const ratio = tf.tidy(() => tf.div(z1, z0).reshape([-1, 3]).mean(0).arraySync() as number[]);
    ratio.forEach((r, c) => expect(r).toBeCloseTo(gains[c], 4));
    const [y0, y1] = [decode(cfg, plain, z0), decode(cfg, gained, z1)];
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(y0, y1))).arraySync())).toBeLessThan(1e-3);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(y0, x))).arraySync())).toBeLessThan(1e-2);
    tf.dispose([x, z0, z1, y0, y1, ...Object.values(plain), ...Object.values(gained)]);
  });
});

describe("gains on a patch unit", () => {
  it("scales each latent channel, bias included, while the reconstruction before quantization stays the same", () => {
    const data = axisData(8 * 8, createRng(6).next);
    const pc = principalComponents(channelMoments([data], 3));
    const cfg: BuConfig = { inShape: [8, 8, 3], latentChannels: 3, stride: 1, step: 1, nonNegative: false, arch: "patch" };
    const gains = [1, 0.5, 0.25];
    const plain = patchPcaInitParams(cfg, pc, createRng(1).next);
    const gained = applyLatentGains(patchPcaInitParams(cfg, pc, createRng(1).next), gains);
    const x = tf.tensor4d(data, [1, 8, 8, 3]);
    const [z0, z1] = [encode(cfg, plain, x), encode(cfg, gained, x)];
    // Every latent value, not just its mean: the bias must be scaled with the kernel.
    const expected = tf.tidy(() => tf.mul(z0, tf.tensor1d(gains)));
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(z1, expected))).arraySync())).toBeLessThan(1e-4);
    const [y0, y1] = [decode(cfg, plain, z0), decode(cfg, gained, z1)];
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(y0, y1))).arraySync())).toBeLessThan(1e-3);
    tf.dispose([x, z0, z1, y0, y1, expected, ...Object.values(plain), ...Object.values(gained)]);
  });
});

describe("rankGroups", () => {
  it("covers every component once, in rank order, in groups that double after the first two", () => {
    expect(rankGroups(1)).toEqual([[0]]);
    expect(rankGroups(5)).toEqual([[0], [1], [2, 3], [4]]);
    const big = rankGroups(120);
    expect(big.map((g) => g.length)).toEqual([1, 1, 2, 4, 8, 16, 32, 56]);
    expect(big.flat()).toEqual([...Array(120).keys()]);
  });
});

/** 4,096 positions of axisData, its components, and a linear output per position: 3 * channel 0 + 1 * channel 1 + 0 * channel 2. */
function linearCase() {
  const positions = 4096;
  const data = axisData(positions, createRng(9).next);
  const pc = principalComponents(channelMoments([data], 3));
  const run = async ([f]: Float32Array[]) => Float32Array.from({ length: positions }, (_, p) => 3 * f[3 * p] + f[3 * p + 1]);
  return { data, pc, run };
}

describe("measureSensitivity", () => {
  it("recovers the squared weights of a linear output per unit of latent noise variance and position", async () => {
    const { data, pc, run } = linearCase();
    const [s] = await measureSensitivity({ features: [[data]], pcs: [pc], run, noise: 0.5, random: createRng(4).next });
    // Noise of 0.5 RMS along channel 0 moves each output by 3 * that: 9 * RMS^2 per unit latent variance and position
    // (within 10 %: the noise is random and the sample's components lean slightly off the axes).
    const r2 = pc.rms * pc.rms;
    expect(Math.abs(s[0] / r2 / 9 - 1)).toBeLessThan(0.1);
    expect(Math.abs(s[1] / r2 - 1)).toBeLessThan(0.1);
    expect(s[2] / r2).toBeLessThan(0.05);
  });

  it("gives the components of a group their mean, from one disturbance per group, and refuses groups that miss one", async () => {
    const { data, pc, run } = linearCase();
    let runs = 0;
    const counted = async (f: Float32Array[]) => {
      runs++;
      return run(f);
    };
    const [s] = await measureSensitivity({ features: [[data]], pcs: [pc], run: counted, noise: 0.5, random: createRng(4).next, groups: [[[0, 1], [2]]] });
    // One undisturbed run and one per group. Channels 0 and 1 together: (9 + 1) / 2 each, within 10 %.
    expect(runs).toBe(3);
    const r2 = pc.rms * pc.rms;
    expect(s[0]).toBe(s[1]);
    expect(Math.abs(s[0] / r2 / 5 - 1)).toBeLessThan(0.1);
    expect(s[2] / r2).toBeLessThan(0.05);
    await expect(measureSensitivity({ features: [[data]], pcs: [pc], run, noise: 0.5, random: createRng(4).next, groups: [[[0], [2]]] })).rejects.toThrow(
      /each of its 3 components once/,
    );
  });
});

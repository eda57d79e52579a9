// fitUnits: cached tensors in, one unit per rate level out, with progress by phase and an abort between steps.
import { beforeAll, describe, expect, it } from "vitest";
import type * as tfNs from "@tensorflow/tfjs";
import { decode, encode } from "@/lib/bottleneck/bu";
import { fitUnits, QUICK_BUDGET, type FitOptions, type FitProgress } from "@/lib/bottleneck/fit";
import { estimateBits, quantize } from "@/lib/codec";
import { channelMoments, principalComponents } from "@/lib/bottleneck/pca-init";
import { createRng } from "@/lib/util/prng";
import { initNodeTf, type TF } from "@/lib/tf/node";

let tf: TF;
beforeAll(async () => {
  tf = await initNodeTf();
});

const shape: [number, number, number] = [4, 4, 3];
const count = 48;
/** Non-negative maps built from 3 smooth sources, as a ReLU tensor of a small image would be. */
function maps(): Float32Array {
  const rng = createRng(3).next;
  const out = new Float32Array(count * 48);
  for (let n = 0; n < count; n++) {
    const a = [rng(), rng(), rng()];
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++)
        for (let c = 0; c < 3; c++) out[n * 48 + (y * 4 + x) * 3 + c] = Math.max(0, a[c] * (1 + y / 4) + a[(c + 1) % 3] * (x / 4) - 0.2);
  }
  return out;
}

const options = (over: Partial<FitOptions> = {}): FitOptions => ({
  shape,
  nonNegative: true,
  stride: 2,
  tensors: maps(),
  count,
  klWeight: 0,
  levels: [{ step: 2 }, { step: 0.5 }, { step: 0.1 }],
  maxLatentChannels: 12,
  componentFraction: 0.15,
  budget: { ...QUICK_BUDGET, entropySteps: 5, entropyBatch: 64, fineTuneSteps: 2, finestFineTuneSteps: 3, batchSize: 8, momentImages: 48 },
  seed: 1,
  ...over,
});

describe("fitUnits", () => {
  it("fits one patch unit per level, finest first, with more channels, more bits and less error at finer steps", async () => {
    const before = tf.memory().numTensors;
    const phases: FitProgress[] = [];
    const units = await fitUnits(options({ onProgress: (p) => phases.push(p) }));
    expect(units.map((u) => u.rateIndex)).toEqual([0, 1, 2]);
    expect(units.every((u) => u.cfg.arch === "patch" && u.tables.channels === u.cfg.latentChannels)).toBe(true);
    expect(units.map((u) => u.fineTuneSteps)).toEqual([2, 2, 3]);
    const channels = units.map((u) => u.cfg.latentChannels);
    expect(channels[0]).toBeLessThanOrEqual(channels[1]);
    expect(channels[1]).toBeLessThanOrEqual(channels[2]);
    // Real symbols coded with each unit's tables, and the reconstruction error, on the cached maps.
    const x = tf.tensor4d(maps(), [count, ...shape]);
    const figures = units.map((u) =>
      tf.tidy(() => {
        const latent = encode(u.cfg, u.params, x);
        const symbols = quantize(latent.dataSync() as Float32Array, u.cfg.step);
        const back = decode(u.cfg, u.params, tf.mul(tf.tensor(symbols, latent.shape, "float32"), u.cfg.step) as tfNs.Tensor4D);
        return { bits: estimateBits(symbols, u.tables), mse: tf.mean(tf.squaredDifference(back, x)).dataSync()[0] };
      }),
    );
    x.dispose();
    expect(figures[0].bits).toBeLessThan(figures[1].bits);
    expect(figures[1].bits).toBeLessThan(figures[2].bits);
    expect(figures[0].mse).toBeGreaterThan(figures[1].mse);
    expect(figures[1].mse).toBeGreaterThan(figures[2].mse);
    // Phases in order, the finest level (r2) first.
    const order = phases.map((p) => `${p.phase}${p.rateIndex ?? ""}`).filter((k, i, a) => a.indexOf(k) === i);
    expect(order.slice(0, 5)).toEqual(["moments", "start2", "entropy2", "fine-tune2", "tables2"]);
    for (const u of units) tf.dispose(Object.values(u.params));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("stops with an AbortError when aborted, leaving no tensors behind", async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = fitUnits(
      options({
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === "fine-tune" && p.rateIndex === 1) controller.abort();
        },
      }),
    );
    await expect(run).rejects.toThrow(/stopped|abort/i);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("with gains, leaves out a component the tail ignores however strong, and keeps the ones it reads", async () => {
    // Three independent signed channels of standard deviations 4, 2 and 1: the components are the channels.
    const rng = createRng(5).next;
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
    const data = Float32Array.from({ length: count * 48 }, (_, i) => [4, 2, 1][i % 3] * gauss());
    const common = { shape, nonNegative: false, stride: 1, tensors: data, levels: [{ step: 1 }], budget: { ...options().budget, finestFineTuneSteps: 0 } };
    const [plain] = await fitUnits(options(common));
    const components = principalComponents(channelMoments([data], 3));
    const [gained] = await fitUnits(options({ ...common, gains: [0.01, 1, 1], components }));
    await expect(fitUnits(options({ ...common, gains: [0.01, 1, 1] }))).rejects.toThrow(/components they were measured for/);
    expect(plain.cfg.latentChannels).toBe(3);
    expect(gained.cfg.latentChannels).toBe(2);
    // Per channel squared error of the unquantized reconstruction: channel 0 is gone (its whole variance, 16), 1 and 2 kept.
    const x = tf.tensor4d(data, [count, ...shape]);
    const err = tf.tidy(
      () =>
        tf
          .mean(tf.reshape(tf.squaredDifference(decode(gained.cfg, gained.params, encode(gained.cfg, gained.params, x)), x), [-1, 3]), 0)
          .arraySync() as number[],
    );
    x.dispose();
    expect(err[0]).toBeGreaterThan(10);
    expect(err[1]).toBeLessThan(0.01);
    expect(err[2]).toBeLessThan(0.01);
    for (const u of [plain, gained]) tf.dispose(Object.values(u.params));
  });

  it("starts a coarser level's entropy model from the finer level's, rescaled to its step, when asked", async () => {
    const before = tf.memory().numTensors;
    const steps = new Map<number, number>();
    const levels = [
      { step: 1, stride: 1 },
      { step: 0.5, stride: 1 },
    ];
    const units = await fitUnits(
      options({
        stride: 1,
        levels,
        budget: { ...options().budget, entropySteps: 5, entropyWarmSteps: 0, finestFineTuneSteps: 0, fineTuneSteps: 0 },
        onProgress: (p) => p.phase === "entropy" && p.rateIndex !== null && steps.set(p.rateIndex, p.steps),
      }),
    );
    // The finest level fits its entropy model for entropySteps; the coarser one, warm, for entropyWarmSteps (none).
    expect([...steps.entries()]).toEqual([[1, 5]]);
    const [coarse, fine] = units;
    const c = coarse.cfg.latentChannels;
    expect(c).toBeLessThanOrEqual(fine.cfg.latentChannels);
    // Only the first layer of each channel's density changes: a step twice as coarse halves the symbols, so the
    // density of the same components is twice as steep.
    const slice = (t: tfNs.Tensor) => tf.tidy(() => tf.slice(t, 0, c).arraySync());
    expect(slice(coarse.params["em.matrix1"])).toEqual(slice(fine.params["em.matrix1"]));
    const slopes = (t: tfNs.Tensor) => tf.tidy(() => tf.softplus(tf.slice(t, 0, c)).dataSync());
    const ratio = Array.from(slopes(coarse.params["em.matrix0"]), (v, i) => v / slopes(fine.params["em.matrix0"])[i]);
    ratio.forEach((r) => expect(r).toBeCloseTo(2, 4));
    for (const u of units) tf.dispose(Object.values(u.params));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses output distillation without a tail and the teacher's logits", async () => {
    await expect(fitUnits(options({ klWeight: 1 }))).rejects.toThrow(/tail/);
  });
});

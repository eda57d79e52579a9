import { beforeAll, describe, expect, it } from "vitest";
import type * as tfNs from "@tensorflow/tfjs";
import { buParamCount, decode, encode, encoderMacs, initBuParams, isTrainable, latentShape, type BuConfig } from "@/lib/bottleneck/bu";
import { exportTables, latentBits, likelihood } from "@/lib/bottleneck/entropy-model";
import { deserializeBu, serializeBu } from "@/lib/bottleneck/io";
import { trainBottleneckUnit } from "@/lib/bottleneck/train";
import { estimateBits } from "@/lib/codec";
import { createRng } from "@/lib/util/prng";
import { initNodeTf, type TF } from "@/lib/tf/node";

let tf: TF;
beforeAll(async () => {
  tf = await initNodeTf();
});

const cfgOf = (h: number, w: number, c: number, latentChannels: number, stride: number): BuConfig => ({
  inShape: [h, w, c],
  latentChannels,
  stride,
  step: 0.5,
  nonNegative: true,
});

describe("bottleneck unit shapes", () => {
  for (const [h, w, stride] of [
    [28, 28, 1],
    [28, 28, 2],
    [28, 28, 4],
    [7, 7, 2],
    [13, 9, 4],
    [1, 1, 1],
  ] as const) {
    it(`restores a ${h}x${w} tensor through stride ${stride}`, () => {
      const cfg = cfgOf(h, w, 6, 3, stride);
      const p = initBuParams(cfg, createRng(1).next);
      const x = tf.relu(tf.randomNormal([2, h, w, 6], 0, 1, "float32", 3)) as tfNs.Tensor4D;
      const before = tf.memory().numTensors;
      const y = encode(cfg, p, x);
      const r = decode(cfg, p, y);
      expect(y.shape.slice(1)).toEqual(latentShape(cfg));
      expect(r.shape).toEqual(x.shape);
      expect(Math.min(...y.dataSync())).toBeGreaterThanOrEqual(0);
      tf.dispose([y, r]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, ...Object.values(p)]);
    });
  }

  it("counts exactly the trainable values it creates", () => {
    const cfg = cfgOf(14, 14, 32, 8, 2);
    const p = initBuParams(cfg, createRng(2).next);
    const counted = Object.entries(p)
      .filter(([n]) => isTrainable(n))
      .reduce((s, [, t]) => s + t.size, 0);
    expect(buParamCount(cfg)).toBe(counted);
    tf.dispose(Object.values(p));
  });

  it("costs fewer encoder MACs at a larger stride", () => {
    expect(encoderMacs(cfgOf(28, 28, 16, 8, 4))).toBeLessThan(encoderMacs(cfgOf(28, 28, 16, 8, 2)));
    expect(encoderMacs(cfgOf(28, 28, 16, 8, 2))).toBeLessThan(encoderMacs(cfgOf(28, 28, 16, 8, 1)));
  });
});

describe("factorized entropy model", () => {
  it("gives a probability distribution over the integers", () => {
    const cfg = cfgOf(4, 4, 4, 3, 1);
    const p = initBuParams(cfg, createRng(3).next);
    const grid = tf.tile(tf.reshape(tf.range(-300, 301), [1, 1, 601]), [3, 1, 1]) as tfNs.Tensor3D;
    const sums = tf.tidy(() => tf.sum(likelihood(p, grid), 2).dataSync());
    for (const s of sums) expect(s).toBeCloseTo(1, 3);
    tf.dispose([grid, ...Object.values(p)]);
  });

  it("exports tables whose estimated bits match the model's own bits on integer symbols", () => {
    const cfg = cfgOf(8, 8, 4, 4, 1);
    const p = initBuParams(cfg, createRng(4).next);
    const symbols = tf.round(tf.abs(tf.randomNormal([1, 8, 8, 4], 0, 3, "float32", 5))) as tfNs.Tensor4D;
    const modelBits = tf.tidy(() => latentBits(p, symbols).dataSync()[0]);
    const tables = exportTables(p, 4);
    const tableBits = estimateBits(Int32Array.from(symbols.dataSync()), tables);
    expect(Math.abs(tableBits - modelBits) / modelBits).toBeLessThan(0.02);
    tf.dispose([symbols, ...Object.values(p)]);
  });
});

describe("bottleneck unit files", () => {
  it("round-trips through bu.json + bu.bin and rejects a mismatched file", () => {
    const cfg = cfgOf(7, 7, 8, 4, 2);
    const p = initBuParams(cfg, createRng(6).next);
    const { json, bin } = serializeBu(cfg, p);
    const back = deserializeBu(JSON.parse(JSON.stringify(json)), bin);
    for (const [name, t] of Object.entries(p)) expect(Array.from(back.params[name].dataSync())).toEqual(Array.from(t.dataSync()));
    expect(() => deserializeBu(json, bin.subarray(0, bin.length - 4))).toThrow(/short|extra/);
    expect(() => deserializeBu({ ...json, config: { ...cfg, latentChannels: 5 } }, bin)).toThrow();
    tf.dispose([...Object.values(p), ...Object.values(back.params)]);
  });
});

describe("rate-distortion training", () => {
  it("lowers the loss within a few dozen steps and leaks no tensors", () => {
    const cfg = cfgOf(7, 7, 8, 4, 1);
    const W = tf.randomNormal([7 * 7 * 8, 10], 0, 0.05, "float32", 7);
    const tail = (x: tfNs.Tensor4D) => tf.matMul(tf.reshape(x, [x.shape[0], -1]), W) as tfNs.Tensor2D;
    const init = initBuParams(cfg, createRng(8).next);
    const before = tf.memory().numTensors;
    const { params, history } = trainBottleneckUnit({
      cfg,
      init,
      nextBatch: (i) =>
        tf.tidy(() => {
          const features = tf.relu(tf.randomNormal([16, 7, 7, 8], 0, 1, "float32", 100 + (i % 4))) as tfNs.Tensor4D;
          return { features, teacherLogits: tail(features) };
        }),
      tail,
      steps: 40,
      learningRate: 0.01,
      lambda: 1e-3,
      klWeight: 1,
      featureVariance: 0.34,
      seed: 9,
      logEvery: 5,
    });
    const first = history.slice(0, 2).reduce((s, h) => s + h.loss, 0) / 2;
    const last = history.slice(-2).reduce((s, h) => s + h.loss, 0) / 2;
    expect(last).toBeLessThan(first * 0.8);
    tf.dispose(Object.values(params));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([W, ...Object.values(init)]);
  });

  it("with the transform frozen, trains the entropy model only and leaves every other value as it was", () => {
    const cfg = { ...cfgOf(6, 6, 5, 5, 1), nonNegative: false };
    const init = initBuParams(cfg, createRng(12).next);
    const { params, history } = trainBottleneckUnit({
      cfg,
      init,
      nextBatch: (i) => ({ features: tf.randomNormal([8, 6, 6, 5], 0, 2, "float32", 200 + (i % 3)) as tfNs.Tensor4D, teacherLogits: null }),
      tail: () => {
        throw new Error("not run without output distillation");
      },
      steps: 60,
      learningRate: 0.05,
      lambda: 1e-2,
      klWeight: 0,
      featureVariance: 4,
      seed: 3,
      logEvery: 5,
      transform: "frozen",
    });
    for (const [name, t] of Object.entries(init)) {
      const same = tf.tidy(() => tf.all(tf.equal(t, params[name])).dataSync()[0] === 1);
      expect(same, name).toBe(!name.startsWith("em."));
    }
    // With nothing else moving, the bits fall as the densities fit the latent (here from about 5.6 to 4.8 a symbol).
    expect(history.at(-1)!.bitsPerImage).toBeLessThan(0.95 * history[0].bitsPerImage);
    tf.dispose([...Object.values(params), ...Object.values(init)]);
  });
});

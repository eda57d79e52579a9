// The pipeline runs each BU with its batch norms folded into the convolutions and the transposed convolution split
// into phases; that form must compute what the training graph computes with its moving statistics.
import { beforeAll, describe, expect, it } from "vitest";
import {
  decode,
  decodeFolded,
  disposeInferenceBu,
  encode,
  encodeFolded,
  foldForInference,
  initBuParams,
  latentShape,
  type BuConfig,
} from "@/lib/bottleneck/bu";
import { createRng } from "@/lib/util/prng";
import { initNodeTf, type TF } from "@/lib/tf/node";

let tf: TF;
beforeAll(async () => {
  tf = await initNodeTf();
});

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const cases: [string, BuConfig][] = [
  ["stride 2, non-negative (digits stage1)", { inShape: [28, 28, 16], latentChannels: 8, stride: 2, step: 0.5, nonNegative: true }],
  ["stride 2, signed, odd size", { inShape: [7, 9, 6], latentChannels: 4, stride: 2, step: 0.5, nonNegative: false }],
  ["stride 3, signed", { inShape: [13, 12, 5], latentChannels: 3, stride: 3, step: 0.5, nonNegative: false }],
  ["stride 1, non-negative", { inShape: [7, 7, 12], latentChannels: 6, stride: 1, step: 0.5, nonNegative: true }],
];

describe("folded inference form of a BU", () => {
  it.each(cases)("matches the training graph at inference: %s", (_, cfg) => {
    const rng = createRng(3).next;
    const p = initBuParams(cfg, rng);
    // Non-trivial batch norms, so that a wrong fold shows.
    for (const name of Object.keys(p).filter((n) => /\.bn\d\./.test(n))) {
      const old = p[name];
      const values = Array.from({ length: old.size }, () => (name.endsWith("variance") ? 0.2 + 2 * rng() : rng() * 2 - 1));
      p[name] = tf.tensor(values, old.shape);
      old.dispose();
    }
    const folded = foldForInference(cfg, p);
    const x = tf.randomNormal([2, ...cfg.inShape], 0, 2, "float32", 11) as import("@tensorflow/tfjs").Tensor4D;
    const latent = tf.randomUniform([2, ...latentShape(cfg)], 0, 4, "float32", 12) as import("@tensorflow/tfjs").Tensor4D;
    const before = tf.memory().numTensors;
    const [e1, e2, d1, d2] = [encode(cfg, p, x), encodeFolded(folded, x), decode(cfg, p, latent), decodeFolded(folded, latent)];
    expect(e2.shape).toEqual(e1.shape);
    expect(d2.shape).toEqual([2, ...cfg.inShape]);
    const scale = Math.max(...Array.from(d1.dataSync(), Math.abs));
    expect(maxAbsDiff(e1.dataSync() as Float32Array, e2.dataSync() as Float32Array)).toBeLessThan(1e-4);
    expect(maxAbsDiff(d1.dataSync() as Float32Array, d2.dataSync() as Float32Array)).toBeLessThan(1e-5 * Math.max(1, scale));
    tf.dispose([e1, e2, d1, d2]);
    expect(tf.memory().numTensors).toBe(before);
    disposeInferenceBu(folded);
    tf.dispose([x, latent, ...Object.values(p)]);
  });

  it("leaves the unit's parameters untouched and owns only its own tensors", () => {
    const cfg = cases[0][1];
    const p = initBuParams(cfg, createRng(4).next);
    const before = tf.memory().numTensors;
    const folded = foldForInference(cfg, p);
    expect(tf.memory().numTensors).toBe(before + Object.keys(folded.weights).length);
    disposeInferenceBu(folded);
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.values(p).every((t) => !t.isDisposed)).toBe(true);
    tf.dispose(Object.values(p));
  });
});

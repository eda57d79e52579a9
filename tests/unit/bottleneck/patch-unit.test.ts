// The patch unit (arch "patch"): kernel-s stride-s conv and its transpose, started as PCA of s x s patches.
import { beforeAll, describe, expect, it } from "vitest";
import type * as tfNs from "@tensorflow/tfjs";
import {
  buParamCount,
  decode,
  decodeFolded,
  disposeInferenceBu,
  encode,
  encodeFolded,
  encoderMacs,
  foldForInference,
  initBuParams,
  latentShape,
  paramShapes,
  type BuConfig,
} from "@/lib/bottleneck/bu";
import { deserializeBu, serializeBu } from "@/lib/bottleneck/io";
import { channelMoments, patchPcaInitParams, principalComponents, spaceToDepth } from "@/lib/bottleneck/pca-init";
import { createRng } from "@/lib/util/prng";
import { initNodeTf, type TF } from "@/lib/tf/node";

let tf: TF;
beforeAll(async () => {
  tf = await initNodeTf();
});

const cfgOf = (inShape: [number, number, number], stride: number, c: number, nonNegative = true): BuConfig => ({
  inShape,
  latentChannels: c,
  stride,
  step: 0.5,
  nonNegative,
  arch: "patch",
});

/** Smooth non-negative maps: a few random blobs per channel, so patches are strongly correlated. */
function smoothMaps(rng: () => number, n: number, [h, w, c]: [number, number, number]): Float32Array {
  const out = new Float32Array(n * h * w * c);
  for (let k = 0; k < n; k++) {
    const blobs = Array.from({ length: 3 }, () => [rng() * h, rng() * w, 1 + 2 * rng(), rng()]);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let ch = 0; ch < c; ch++) {
          const v = blobs.reduce((s, [by, bx, r, a]) => s + (a + ch / c) * Math.exp(-((y - by) ** 2 + (x - bx) ** 2) / (2 * r * r)), 0);
          out[((k * h + y) * w + x) * c + ch] = v;
        }
  }
  return out;
}

describe("patch bottleneck unit", () => {
  it("counts its parameters and MACs from its layout", () => {
    const cfg = cfgOf([28, 28, 16], 2, 12);
    const weights = paramShapes(cfg).reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
    expect(buParamCount(cfg)).toBe(weights);
    expect(encoderMacs(cfg)).toBe(14 * 14 * 2 * 2 * 16 * 12);
    expect(latentShape(cfg)).toEqual([14, 14, 12]);
    expect(() => paramShapes(cfgOf([7, 7, 4], 2, 3))).toThrow(/divides/);
  });

  it("space-to-depth orders each patch as a kernel-s conv reads it", () => {
    const shape: [number, number, number] = [4, 6, 3];
    const data = Float32Array.from({ length: 2 * 4 * 6 * 3 }, (_, i) => i);
    const patches = spaceToDepth(data, shape, 2);
    // One-hot kernels pick tap k of every patch: the conv's output must equal the patch vectors.
    const d = 12;
    const eye = new Float32Array(d * d);
    for (let k = 0; k < d; k++) eye[k * d + k] = 1;
    const y = tf.tidy(() => tf.conv2d(tf.tensor4d(data, [2, ...shape]), tf.tensor4d(eye, [2, 2, 3, d]), 2, "valid"));
    expect(Array.from(y.dataSync())).toEqual(Array.from(patches));
    y.dispose();
  });

  it.each([
    ["stride 2, non-negative", cfgOf([8, 6, 4], 2, 5, true)],
    ["stride 1, signed", cfgOf([5, 5, 6], 1, 4, false)],
  ])("runs the same in its inference form as in training: %s", (_, cfg) => {
    const p = initBuParams(cfg, createRng(2).next);
    const folded = foldForInference(cfg, p);
    const x = tf.randomNormal([2, ...cfg.inShape], 0, 1, "float32", 3) as tfNs.Tensor4D;
    const z = tf.randomNormal([2, ...latentShape(cfg)], 0, 2, "float32", 4) as tfNs.Tensor4D;
    const before = tf.memory().numTensors;
    const [e1, e2, d1, d2] = [encode(cfg, p, x), encodeFolded(folded, x), decode(cfg, p, z), decodeFolded(folded, z)];
    expect(tf.memory().numTensors).toBe(before + 4);
    const diff = (a: tfNs.Tensor, b: tfNs.Tensor) => Math.max(...Array.from(a.dataSync(), (v, i) => Math.abs(v - b.dataSync()[i])));
    expect(e2.shape).toEqual(e1.shape);
    expect(d2.shape).toEqual([2, ...cfg.inShape]);
    expect(diff(e1, e2)).toBeLessThan(1e-5);
    expect(diff(d1, d2)).toBeLessThan(1e-5);
    if (cfg.nonNegative) expect(Math.min(...Array.from(d2.dataSync()))).toBeGreaterThanOrEqual(0);
    else expect(Math.min(...Array.from(d2.dataSync()))).toBeLessThan(0);
    tf.dispose([e1, e2, d1, d2, x, z, ...Object.values(p)]);
    disposeInferenceBu(folded);
  });

  it("survives a save and load with its layout checked", () => {
    const cfg = cfgOf([4, 4, 2], 2, 3);
    const p = initBuParams(cfg, createRng(5).next);
    const { json, bin } = serializeBu(cfg, p);
    const back = deserializeBu(JSON.parse(JSON.stringify(json)), bin);
    expect(back.config).toEqual(cfg);
    for (const [name, t] of Object.entries(p)) expect(Array.from(back.params[name].dataSync())).toEqual(Array.from(t.dataSync()));
    // The same bytes under the depthwise design's layout are refused, not misread.
    expect(() => deserializeBu({ ...json, config: { ...cfg, arch: undefined } }, bin)).toThrow();
    tf.dispose([...Object.values(p), ...Object.values(back.params)]);
  });

  it("starts in closed form: all components reconstruct the patches, dropping components costs their variance", () => {
    const shape: [number, number, number] = [8, 8, 3];
    const data = smoothMaps(createRng(6).next, 40, shape);
    const s = 2;
    const pc = principalComponents(channelMoments([spaceToDepth(data, shape, s)], s * s * 3));
    const total = pc.values.reduce((a, b) => a + b, 0);
    const x = tf.tensor4d(data, [40, ...shape]);
    const errorWith = (c: number) => {
      const cfg = { ...cfgOf(shape, s, c), step: 1e-3 };
      const p = patchPcaInitParams(cfg, pc, createRng(1).next);
      const e = tf.tidy(() => {
        const latent = encode(cfg, p, x);
        // Quantized as the pipeline does, at a fine step.
        const q = tf.mul(tf.round(tf.div(latent, cfg.step)), cfg.step) as tfNs.Tensor4D;
        return tf.mean(tf.squaredDifference(decode(cfg, p, q), x)).dataSync()[0];
      });
      tf.dispose(Object.values(p));
      return e;
    };
    const full = errorWith(12);
    expect(full).toBeLessThan(1e-4 * (total / 12));
    // Keeping 3 of 12 components: the error is at most what the dropped components hold (the final ReLU only helps).
    const dropped = pc.values.slice(3).reduce((a, b) => a + b, 0) / 12;
    const three = errorWith(3);
    expect(three).toBeGreaterThan(full);
    expect(three).toBeLessThanOrEqual(dropped * 1.001);
    x.dispose();
  });
});

// Starting a BU as transform coding in the principal components of its tensor's channels.
import { beforeAll, describe, expect, it } from "vitest";
import type * as tfNs from "@tensorflow/tfjs";
import { decode, decodeFolded, disposeInferenceBu, encode, encodeFolded, foldForInference, type BuConfig } from "@/lib/bottleneck/bu";
import { latentBits } from "@/lib/bottleneck/entropy-model";
import { channelMoments, componentsFor, pcaInitParams, principalComponents } from "@/lib/bottleneck/pca-init";
import { createRng } from "@/lib/util/prng";
import { symmetricEigen } from "@/lib/util/eigen";
import { initNodeTf, type TF } from "@/lib/tf/node";

let tf: TF;
beforeAll(async () => {
  tf = await initNodeTf();
});

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** Channels-last data whose channels are mixtures of a few independent sources, plus an offset per channel. */
function correlated(rng: () => number, positions: number, channels: number, sources: number[]): Float32Array {
  const mix = Array.from({ length: sources.length * channels }, () => gaussian(rng));
  const out = new Float32Array(positions * channels);
  for (let p = 0; p < positions; p++) {
    const s = sources.map((sd) => sd * gaussian(rng));
    for (let c = 0; c < channels; c++) out[p * channels + c] = c - 2 + s.reduce((sum, v, k) => sum + v * mix[k * channels + c], 0);
  }
  return out;
}

describe("symmetric eigen-decomposition", () => {
  it("finds orthonormal eigenvectors, largest eigenvalue first", () => {
    const rng = createRng(5).next;
    const n = 9;
    const b = Array.from({ length: n * n }, () => rng() * 2 - 1);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) a[i * n + j] += b[i * n + k] * b[j * n + k];
    const { values, vectors } = symmetricEigen(a, n);
    for (let j = 1; j < n; j++) expect(values[j]).toBeLessThanOrEqual(values[j - 1]);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[j][k];
        expect(av).toBeCloseTo(values[j] * vectors[j][i], 9);
      }
      for (let k = 0; k < n; k++) expect(vectors[j].reduce((s, v, i) => s + v * vectors[k][i], 0)).toBeCloseTo(j === k ? 1 : 0, 9);
    }
  });
});

describe("PCA-initialised bottleneck unit", () => {
  const cin = 6;
  const rng = createRng(8).next;
  const data = correlated(rng, 24 * 24 * 2, cin, [6, 3, 1, 0.2]);
  const moments = channelMoments([data.subarray(0, data.length / 2), data.subarray(data.length / 2)], cin);

  it("measures per-channel means and the channel covariance", () => {
    const n = data.length / cin;
    for (const [i, j] of [
      [0, 0],
      [1, 4],
      [5, 2],
    ]) {
      let mi = 0;
      let mj = 0;
      for (let p = 0; p < n; p++) {
        mi += data[p * cin + i] / n;
        mj += data[p * cin + j] / n;
      }
      let c = 0;
      for (let p = 0; p < n; p++) c += ((data[p * cin + i] - mi) * (data[p * cin + j] - mj)) / n;
      expect(moments.mean[i]).toBeCloseTo(mi, 4);
      expect(moments.cov[i * cin + j]).toBeCloseTo(c, 3);
      expect(moments.cov[j * cin + i]).toBe(moments.cov[i * cin + j]);
    }
  });

  it.each([
    ["inference (folded)", false],
    ["training graph (batch statistics)", true],
  ])("starts as a near-lossless transform coder at a fine step: %s", (_, training) => {
    const cfg: BuConfig = { inShape: [24, 24, cin], latentChannels: cin, stride: 1, step: 0.01, nonNegative: false };
    const init = pcaInitParams(cfg, principalComponents(moments), createRng(1).next);
    // The training graph moves the batch norms' statistics, which must be variables then.
    const p = training ? Object.fromEntries(Object.entries(init).map(([k, t]) => [k, tf.variable(t)])) : init;
    const x = tf.tensor4d(data, [2, 24, 24, cin]);
    const folded = foldForInference(cfg, p);
    const y = tf.tidy(() => {
      const latent = training ? encode(cfg, p, x, true) : encodeFolded(folded, x);
      const q = tf.mul(tf.round(tf.div(latent, cfg.step)), cfg.step) as tfNs.Tensor4D;
      return training ? decode(cfg, p, q, true) : decodeFolded(folded, q);
    });
    const err = tf.tidy(() => tf.mean(tf.squaredDifference(x, y)).dataSync()[0]);
    const variance = tf.tidy(() => tf.moments(x).variance.dataSync()[0]);
    expect(err / variance).toBeLessThan(1e-3);
    disposeInferenceBu(folded);
    tf.dispose([x, y, ...Object.values(p), ...Object.values(init)]);
  });

  it("keeps the strongest components: dropping the weakest costs about their share of the variance", () => {
    const cfg: BuConfig = { inShape: [24, 24, cin], latentChannels: 2, stride: 1, step: 0.01, nonNegative: false };
    const p = pcaInitParams(cfg, principalComponents(moments), createRng(1).next);
    const folded = foldForInference(cfg, p);
    const x = tf.tensor4d(data, [2, 24, 24, cin]);
    const { values } = symmetricEigen(moments.cov, cin);
    const latent = encodeFolded(folded, x);
    // The latent channels are decorrelated components, strongest first.
    const v = tf.tidy(() => tf.moments(latent, [0, 1, 2]).variance.dataSync());
    expect(v[0]).toBeGreaterThan(v[1]);
    const y = decodeFolded(folded, latent);
    const err = tf.tidy(() => tf.sum(tf.mean(tf.squaredDifference(x, y), [0, 1, 2])).dataSync()[0]);
    const dropped = values.slice(2).reduce((a, b) => a + b, 0);
    expect(err).toBeGreaterThan(0.7 * dropped);
    expect(err).toBeLessThan(1.3 * dropped + 1e-3);
    disposeInferenceBu(folded);
    tf.dispose([x, latent, y, ...Object.values(p)]);
  });

  it("refuses configurations it does not cover", () => {
    expect(() =>
      pcaInitParams({ inShape: [8, 8, cin], latentChannels: cin, stride: 2, step: 1, nonNegative: false }, principalComponents(moments), createRng(1).next),
    ).toThrow(/stride-1/);
    expect(() =>
      pcaInitParams({ inShape: [8, 8, 4], latentChannels: 4, stride: 1, step: 1, nonNegative: false }, principalComponents(moments), createRng(1).next),
    ).toThrow(/moments of 6/);
  });
});

describe("PCA-initialised entropy model", () => {
  it("starts near the latent's real cost: estimated bits within 25 % of the symbols' empirical entropy", () => {
    const cin = 5;
    const data = correlated(createRng(9).next, 32 * 32, cin, [8, 2, 0.5]);
    const moments = channelMoments([data], cin);
    const cfg: BuConfig = { inShape: [32, 32, cin], latentChannels: cin, stride: 1, step: 0.5, nonNegative: false };
    const p = pcaInitParams(cfg, principalComponents(moments), createRng(2).next);
    const folded = foldForInference(cfg, p);
    const x = tf.tensor4d(data, [1, 32, 32, cin]);
    const latent = tf.tidy(() => tf.div(encodeFolded(folded, x), cfg.step));
    const symbols = tf.tidy(() => tf.round(latent).dataSync());
    // Empirical entropy of each channel's symbols, summed over positions.
    let entropy = 0;
    for (let c = 0; c < cin; c++) {
      const counts = new Map<number, number>();
      for (let i = c; i < symbols.length; i += cin) counts.set(symbols[i], (counts.get(symbols[i]) ?? 0) + 1);
      for (const n of counts.values()) entropy -= n * Math.log2(n / (symbols.length / cin));
    }
    const estimated = tf.tidy(() => latentBits(p, tf.add(latent, tf.randomUniform(latent.shape, -0.5, 0.5, "float32", 3)) as tfNs.Tensor4D).dataSync()[0]);
    expect(estimated).toBeGreaterThan(0.9 * entropy);
    expect(estimated).toBeLessThan(1.25 * entropy);
    disposeInferenceBu(folded);
    tf.dispose([x, latent, ...Object.values(p)]);
  });
});

describe("components a quantizer step keeps", () => {
  it("keeps every component that carries signal at a fine step, one at a coarse step, and fewer as the step grows", () => {
    const cin = 6;
    const pc = principalComponents(channelMoments([correlated(createRng(10).next, 40 * 40, cin, [6, 3, 1, 0.2])], cin));
    // Six channels mixed from four sources: two components are empty.
    expect(componentsFor(pc, 1e-4, 0.15)).toBe(4);
    expect(componentsFor(pc, 1e4, 0.15)).toBe(1);
    let previous = cin;
    for (const step of [0.05, 0.2, 0.5, 1, 2, 5, 10]) {
      const n = componentsFor(pc, step, 0.15);
      expect(n).toBeLessThanOrEqual(previous);
      previous = n;
    }
  });
});

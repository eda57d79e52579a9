/**
 * Checks the committed digits models: the manifest, exact splits, BU budgets, the real bitstream against its
 * estimate, and that the committed RD file is what the pipeline produces from the committed weights.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type * as tfNs from "@tensorflow/tfjs";
import { buParamCount, encoderMacs, type BuConfig } from "@/lib/bottleneck/bu";
import { loadMnist } from "@/lib/data/mnist";
import { fractionEqual, mean, top1 } from "@/lib/metrics/summary";
import { rdProblems, type RdFile } from "@/lib/metrics/rd-schema";
import { layersBackbone, type Backbone } from "@/lib/models/backbone";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { headMacs } from "@/lib/models/macs";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { evaluateRate } from "@/lib/pipeline/evaluate";
import { folderSource } from "@/lib/pipeline/node-files";
import { disposeRate, loadRate } from "@/lib/pipeline/units";
import { initNodeTf, type TF } from "@/lib/tf/node";

const DIR = path.resolve(import.meta.dirname, "../../../public/models/digits");
const RD_PATH = path.resolve(import.meta.dirname, "../../../public/rd/digits.json");
let tf: TF;
let manifest: ModelManifest;
let model: tfNs.LayersModel;
let backbone: Backbone;
const data = loadMnist();

beforeAll(async () => {
  tf = await initNodeTf();
  manifest = validateManifest(JSON.parse(readFileSync(path.join(DIR, "manifest.json"), "utf8")));
  model = await loadLayersModelFromFile(tf, path.join(DIR, manifest.backbone.url));
  backbone = layersBackbone(model);
});

const testBatch = (start: number, n: number) => tf.tensor4d(data.testImages.subarray(start * 784, (start + n) * 784), [n, 28, 28, 1]);

describe("digits manifest", () => {
  it("names at least four split points, each with at least six rate levels", () => {
    expect(manifest.splits.length).toBeGreaterThanOrEqual(4);
    for (const s of manifest.splits) expect(s.rates.length).toBeGreaterThanOrEqual(6);
  });

  it("records MACs and client shares that match the model", () => {
    expect(manifest.backbone.params).toBe(model.countParams());
    for (const s of manifest.splits) {
      const { head, total } = headMacs(model, s.tensors[0].node);
      expect(s.headMacs).toBe(head);
      expect(s.clientShare).toBeCloseTo(head / total, 6);
    }
    const shares = manifest.splits.map((s) => s.clientShare);
    expect([...shares].sort((a, b) => a - b)).toEqual(shares);
  });

  it("keeps every BU within 2 % of the backbone's parameters and 10 % of the head's MACs", () => {
    for (const s of manifest.splits) {
      for (const r of s.rates) {
        const cfg = JSON.parse(readFileSync(path.join(DIR, r.units[0].bu), "utf8")).config as BuConfig;
        expect(r.buParams).toBe(buParamCount(cfg));
        expect(r.encoderMacs).toBe(encoderMacs(cfg));
        expect(r.buParams).toBeLessThanOrEqual(0.02 * manifest.backbone.params);
        expect(r.encoderMacs).toBeLessThanOrEqual(0.1 * s.headMacs);
      }
    }
  });
});

describe("digits split", () => {
  it("gives tail(head(x)) exactly equal to the unsplit model at every split point", () => {
    const x = testBatch(0, 32);
    const full = backbone.predict(x)[0];
    const expected = Array.from(full.dataSync());
    for (const split of manifest.splits) {
      const head = backbone.head(x as tfNs.Tensor4D, split.tensors);
      const [out] = backbone.tail(head, split.tensors);
      expect(Array.from(out.dataSync())).toEqual(expected);
      tf.dispose([...head, out]);
    }
    tf.dispose([x, full]);
  });

  it("reaches at least 98.5 % accuracy on the 2,000 held-out digits", () => {
    const logits = tf.tidy(() => backbone.predict(testBatch(0, 2000))[0]);
    const acc = fractionEqual(top1(logits.dataSync(), 10), Array.from(data.testLabels));
    logits.dispose();
    expect(acc).toBeGreaterThanOrEqual(0.985);
  });
});

describe("digits bottleneck units", () => {
  it("send a real payload within 2 % of the estimated bits at the best rate of the shallowest split", async () => {
    const split = manifest.splits[0];
    const rate = split.rates.at(-1)!;
    const loaded = await loadRate(folderSource(DIR), split, rate);
    const r = await evaluateRate({ backbone, loaded, modelIndex: manifest.index, pixels: data.testImages, imageShape: [28, 28, 1], count: 300, classes: 10 });
    disposeRate(loaded);
    const payloadBits = 8 * r.payloadBytes.reduce((a, b) => a + b, 0);
    const estimated = r.estimatedBits.reduce((a, b) => a + b, 0);
    expect(payloadBits / estimated - 1).toBeLessThan(0.02);
    expect(payloadBits).toBeGreaterThanOrEqual(estimated * 0.98);
  });
});

describe("digits RD file", () => {
  const rd = JSON.parse(readFileSync(RD_PATH, "utf8")) as RdFile;

  it("matches its schema and covers every split, rate and baseline", () => {
    expect(rdProblems(rd)).toEqual([]);
    for (const s of manifest.splits) {
      for (const r of s.rates) expect(rd.points.some((p) => p.method === "bu" && p.split === s.id && p.rate === r.id)).toBe(true);
      for (const m of ["float32", "float16", "int8-deflate", "quant-rans"]) expect(rd.points.some((p) => p.method === m && p.split === s.id)).toBe(true);
    }
    for (const m of ["input-png", "input-jpeg"]) expect(rd.points.some((p) => p.method === m)).toBe(true);
  });

  it("is reproduced from the committed weights at spot-checked points", async () => {
    expect(rd.dataset.count).toBe(2000);
    const labels = Array.from(data.testLabels);
    for (const split of [manifest.splits.at(-1)!, manifest.splits[2]]) {
      const rate = split.rates[1];
      const loaded = await loadRate(folderSource(DIR), split, rate);
      const r = await evaluateRate({
        backbone,
        loaded,
        modelIndex: manifest.index,
        pixels: data.testImages,
        imageShape: [28, 28, 1],
        count: 2000,
        classes: 10,
      });
      disposeRate(loaded);
      const point = rd.points.find((p) => p.method === "bu" && p.split === split.id && p.rate === rate.id)!;
      expect(mean(r.bytes)).toBeCloseTo(point.bytesMean, 6);
      expect(fractionEqual(r.predictions, labels)).toBeCloseTo(point.accuracy, 6);
    }
  });
});

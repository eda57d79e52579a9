/**
 * Checks the committed CenterNet bottleneck units and RD file against the detector from node_modules: the
 * manifest's budgets, a BU round trip on a held-out photo through real bitstreams, and that the RD file's
 * figures come out again from the committed weights.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type * as tfNs from "@tensorflow/tfjs";
import { BitstreamError } from "@/lib/codec";
import { buParamCount, encoderMacs, type BuConfig } from "@/lib/bottleneck/bu";
import { decodeJpeg, photoInput, type PhotoIndex } from "@/lib/data/photos";
import { detectionAgreement, parseDetections, type Detection } from "@/lib/metrics/detection";
import { rdProblems, type RdFile } from "@/lib/metrics/rd-schema";
import { mean } from "@/lib/metrics/summary";
import type { Backbone } from "@/lib/models/backbone";
import { CENTERNET_CUTS, CENTERNET_PACKAGE_MODEL } from "@/lib/models/centernet";
import { graphBackbone } from "@/lib/models/graph-backbone";
import { loadGraphModelFromFile } from "@/lib/models/load-graph-node";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { folderSource } from "@/lib/pipeline/node-files";
import { runClient, runServer } from "@/lib/pipeline/run";
import { disposeRate, loadRate } from "@/lib/pipeline/units";
import { initNodeTf, type TF } from "@/lib/tf/node";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const DIR = path.join(ROOT, "public/models/centernet");
const PHOTOS = path.join(ROOT, "public/samples/photos");
let tf: TF;
let manifest: ModelManifest;
let backbone: Backbone;
let heldOut: tfNs.Tensor4D[];
const index = JSON.parse(readFileSync(path.join(PHOTOS, "photos.json"), "utf8")) as PhotoIndex;
const rd = JSON.parse(readFileSync(path.join(ROOT, "public/rd/centernet.json"), "utf8")) as RdFile;

beforeAll(async () => {
  tf = await initNodeTf();
  manifest = validateManifest(JSON.parse(readFileSync(path.join(DIR, "manifest.json"), "utf8")));
  backbone = graphBackbone(await loadGraphModelFromFile(tf, path.join(ROOT, CENTERNET_PACKAGE_MODEL)), manifest.backbone.outputs);
  // As the evaluation script feeds them: stretched to 512x512 and rounded to 8 bits.
  heldOut = index.samples
    .filter((s) => s.heldOut)
    .map((s) => tf.tidy(() => tf.round(photoInput(tf, decodeJpeg(readFileSync(path.join(PHOTOS, s.file))), manifest.input.height)) as tfNs.Tensor4D));
});

async function detect(outputs: tfNs.Tensor[]): Promise<Detection[]> {
  const rows = await outputs[0].data();
  tf.dispose(outputs);
  return parseDetections(rows);
}

describe("CenterNet manifest", () => {
  it("offers the library's cut points, five or more rate levels each, one BU per cut tensor", () => {
    expect(manifest.splits.map((s) => s.tensors)).toEqual(CENTERNET_CUTS.map((c) => c.tensors));
    for (const s of manifest.splits) {
      expect(s.rates.length).toBeGreaterThanOrEqual(5);
      for (const r of s.rates) expect(r.units).toHaveLength(s.tensors.length);
    }
    expect(manifest.classes).toHaveLength(80);
    expect([manifest.classes[0], manifest.classes[15], manifest.classes[79]]).toEqual(["person", "cat", "toothbrush"]);
  });

  // The deep cut's units keep every principal component of 88- and 120-channel tensors (dropping them cost far more
  // mAP than their bytes), so the budget here is 5 % of the parameters rather than digits' 2 %; the encoders stay
  // a small fraction of the client's compute.
  it("keeps each rate level's BUs within 5 % of the detector's parameters and 10 % of the head's MACs, with counts matching the unit files", () => {
    for (const s of manifest.splits) {
      for (const r of s.rates) {
        const cfgs = r.units.map((u) => JSON.parse(readFileSync(path.join(DIR, u.bu), "utf8")).config as BuConfig);
        expect(r.buParams).toBe(cfgs.reduce((n, c) => n + buParamCount(c), 0));
        expect(r.encoderMacs).toBe(cfgs.reduce((n, c) => n + encoderMacs(c), 0));
        expect(r.buParams).toBeLessThanOrEqual(0.05 * manifest.backbone.params);
        expect(r.encoderMacs).toBeLessThanOrEqual(0.1 * s.headMacs);
      }
    }
  });
});

describe("CenterNet bottleneck units", () => {
  it("carry every cut tensor of a held-out photo in one real bitstream that decodes into detections", async () => {
    const split = manifest.splits.at(-1)!;
    const ids = (r: number) => ({ model: manifest.index, split: split.index, rate: r });
    const before = tf.memory().numTensors;
    const sizes: number[] = [];
    for (const rate of [split.rates[0], split.rates.at(-1)!]) {
      const loaded = await loadRate(folderSource(DIR), split, rate);
      const client = await runClient(backbone, loaded, ids(rate.index), heldOut[0]);
      expect(client.symbols[0]).toHaveLength(split.tensors.length);
      // The coder spends what its tables predict, give or take 2 %.
      expect(Math.abs((8 * client.payloadBytes[0]) / client.estimatedBits[0] - 1)).toBeLessThan(0.02);
      const server = await runServer(backbone, loaded, manifest.index, client.bitstreams);
      expect(server.reconstruction.map((t) => t.shape.slice(1))).toEqual(split.tensors.map((t) => t.shape));
      expect(server.outputs[0].shape).toEqual([1, 100, 6]);
      await expect(runServer(backbone, loaded, manifest.index + 1, client.bitstreams)).rejects.toBeInstanceOf(BitstreamError);
      sizes.push(client.bitstreams[0].length);
      tf.dispose([...client.features, ...server.reconstruction, ...server.outputs]);
      disposeRate(loaded);
    }
    // Rate levels run from fewest bytes to best quality; even the best is well below float16 of the cut tensors.
    expect(sizes[0]).toBeLessThan(sizes[1]);
    const float16Bytes = 2 * split.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    expect(sizes[1]).toBeLessThan(float16Bytes / 5);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("CenterNet RD file", () => {
  it("matches its schema and covers every split, rate and baseline", () => {
    expect(rdProblems(rd)).toEqual([]);
    for (const s of manifest.splits) {
      for (const r of s.rates) expect(rd.points.some((p) => p.method === "bu" && p.split === s.id && p.rate === r.id)).toBe(true);
      for (const m of ["float32", "float16", "int8-deflate", "quant-rans"]) expect(rd.points.some((p) => p.method === m && p.split === s.id)).toBe(true);
    }
    for (const m of ["input-png", "input-jpeg", "input-webp"]) expect(rd.points.some((p) => p.method === m)).toBe(true);
    for (const p of rd.points) expect(p.map50).toBeGreaterThanOrEqual(0);
  });

  it("is reproduced from the committed weights at the deep split's best rate level", async () => {
    expect(rd.dataset.count).toBe(heldOut.length);
    const split = manifest.splits.at(-1)!;
    const rate = split.rates.at(-1)!;
    const loaded = await loadRate(folderSource(DIR), split, rate);
    const truth: Detection[][] = [];
    const dets: Detection[][] = [];
    const bytes: number[] = [];
    for (const x of heldOut) {
      truth.push((await detect(backbone.predict(x))).filter((d) => d.score >= 0.2));
      const client = await runClient(backbone, loaded, { model: manifest.index, split: split.index, rate: rate.index }, x);
      const server = await runServer(backbone, loaded, manifest.index, client.bitstreams);
      dets.push(await detect(server.outputs));
      bytes.push(client.bitstreams[0].length);
      tf.dispose([...client.features, ...server.reconstruction]);
    }
    disposeRate(loaded);
    const point = rd.points.find((p) => p.method === "bu" && p.split === split.id && p.rate === rate.id)!;
    expect(mean(bytes)).toBeCloseTo(point.bytesMean, 6);
    const agreement = detectionAgreement(truth, dets, { minScore: 0.2 });
    expect(agreement.map).toBeCloseTo(point.map50!, 6);
    expect(agreement.meanIou).toBeCloseTo(point.meanIou!, 6);
  });
});

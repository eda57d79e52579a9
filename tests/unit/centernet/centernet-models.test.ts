/**
 * Checks the committed CenterNet bottleneck units and RD file against the detector from node_modules: the
 * manifest's budgets, a BU round trip on a shipped sample photo through real bitstreams, that the RD file's check
 * bitstream comes out again from the committed weights, and the bar on the held-out photo set as the RD
 * file states it (the photo set itself is not in the repository: npm run data:photos fetches it for the scripts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type * as tfNs from "@tensorflow/tfjs";
import { BitstreamError } from "@/lib/codec";
import { buParamCount, encoderMacs, type BuConfig } from "@/lib/bottleneck/bu";
import type { PhotoIndex } from "@/lib/data/photos";
import { readImageBytes } from "@/lib/image/read-image-node";
import { photosOf, readPhotoSet } from "@/lib/data/photo-set";
import { candidateDetections, type Detection } from "@/lib/metrics/detection";
import { rdBdRates } from "@/lib/metrics/rd-bd-rates";
import { rdProblems, type RdFile, type RdPoint } from "@/lib/metrics/rd-schema";
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
let samples: tfNs.Tensor4D[];
const index = JSON.parse(readFileSync(path.join(PHOTOS, "photos.json"), "utf8")) as PhotoIndex;
const rd = JSON.parse(readFileSync(path.join(ROOT, "public/rd/centernet.json"), "utf8")) as RdFile;

beforeAll(async () => {
  tf = await initNodeTf();
  manifest = validateManifest(JSON.parse(readFileSync(path.join(DIR, "manifest.json"), "utf8")));
  backbone = graphBackbone(await loadGraphModelFromFile(tf, path.join(ROOT, CENTERNET_PACKAGE_MODEL)), manifest.backbone.outputs);
  samples = await Promise.all(index.samples.map((s) => inputOf(path.join(PHOTOS, s.file))));
});

/** As the evaluation script feeds photos: stretched to the model's input by the page's reading, 8-bit RGB. */
async function inputOf(file: string): Promise<tfNs.Tensor4D> {
  const { height, width } = manifest.input;
  const read = await readImageBytes(new Uint8Array(readFileSync(file)), { size: { height, width, channels: 3 }, framing: "stretch" });
  if (!read.ok) throw new Error(read.message);
  return tf.tidy(() => tf.tensor4d(read.pixels, [1, height, width, 3], "int32").toFloat() as tfNs.Tensor4D);
}

/** As the evaluation records a method's detections: its candidates (score >= 0.05 after NMS). */
async function detect(outputs: tfNs.Tensor[]): Promise<Detection[]> {
  const rows = await outputs[0].data();
  tf.dispose(outputs);
  return candidateDetections(rows);
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
  it("carry every cut tensor of a sample photo in one real bitstream that decodes into detections", async () => {
    const split = manifest.splits.at(-1)!;
    const ids = (r: number) => ({ model: manifest.index, split: split.index, rate: r });
    const before = tf.memory().numTensors;
    const sizes: number[] = [];
    for (const rate of [split.rates[0], split.rates.at(-1)!]) {
      const loaded = await loadRate(folderSource(DIR), split, rate);
      const client = await runClient(backbone, loaded, ids(rate.index), samples[1]);
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

  it("records a check bitstream on a shipped sample that the committed weights reproduce (its length and its detections)", async () => {
    const check = rd.dataset.check as { photo: string; split: string; rate: string; bytes: number; detections: number };
    const split = manifest.splits.find((s) => s.id === check.split)!;
    const rate = split.rates.find((r) => r.id === check.rate)!;
    const x = await inputOf(path.join(ROOT, check.photo));
    const loaded = await loadRate(folderSource(DIR), split, rate);
    const client = await runClient(backbone, loaded, { model: manifest.index, split: split.index, rate: rate.index }, x);
    const server = await runServer(backbone, loaded, manifest.index, client.bitstreams);
    expect(client.bitstreams[0].length).toBe(check.bytes);
    expect((await detect(server.outputs)).length).toBe(check.detections);
    tf.dispose([x, ...client.features, ...server.reconstruction]);
    disposeRate(loaded);
  });
});

describe("the bar, on the held-out photos as public/rd/centernet.json states it", () => {
  const bu = (split: string) => rd.points.filter((p) => p.method === "bu" && p.split === split);
  const rateIndex = (p: RdPoint) => Number(p.rate!.slice(1));
  const deep = () => manifest.splits.at(-1)!.id;

  it("was measured on the photo set's held-out split, at least 25 photos with at least 150 reference boxes", () => {
    const held = photosOf(readPhotoSet(ROOT), "held-out").map((p) => p.id);
    expect(rd.dataset.split).toBe("held-out");
    expect(rd.dataset.photos).toEqual(held);
    expect(rd.dataset.count).toBeGreaterThanOrEqual(25);
    expect(rd.dataset.boxes).toBeGreaterThanOrEqual(150);
    for (const p of rd.points) {
      expect(p.map50).toBeGreaterThanOrEqual(0);
      expect(p.map5095).toBeGreaterThanOrEqual(0);
      expect(p.map5095).toBeLessThanOrEqual(p.map50! + 1e-12);
    }
  });

  it("states the BD-rates that lib/metrics/rd-bd-rates computes from its points", () => {
    expect(rd.bdRates).toEqual(rdBdRates(rd));
    expect(rd.bdRates!.map((b) => `${b.split}/${b.against}`).sort()).toEqual(
      manifest.splits.flatMap((s) => [`${s.id}/input-jpeg`, `${s.id}/input-webp`]).sort(),
    );
  });

  // The bar: the deep cut's units need fewer bytes than sending the input as JPEG at equal mAP@0.5 (met:
  // -14 % on these photos). Against WebP (the stretch) they need more (+16 %), so no test claims that.
  it("has the deep cut's units needing fewer bytes than input JPEG at equal mAP@0.5 (negative BD-rate)", () => {
    const jpeg = rd.bdRates!.find((b) => b.split === deep() && b.against === "input-jpeg")!;
    expect(jpeg.rate).toBeLessThan(0);
    // Over a range that means something: from the units' coarsest level up to where JPEG q90 stops.
    expect(jpeg.range![1] - jpeg.range![0]).toBeGreaterThan(0.3);
  });

  it("has the deep cut's units needing far fewer bytes than the early cut's at equal mAP@0.5 (BD-rate at least 50 points lower)", () => {
    for (const against of ["input-jpeg", "input-webp"]) {
      const of = (split: string) => rd.bdRates!.find((b) => b.split === split && b.against === against)!.rate!;
      expect(of(deep())).toBeLessThan(of(manifest.splits[0].id) - 0.5);
    }
  });

  // Bytes up and feature error down at every level; mAP@[.5:.95] up as well. mAP@0.5 is not: r2 scores 0.026 below
  // r1 on these photos (0.621 against 0.647; 0.901 against 0.851 on validation), more than the 0.01, so no
  // test claims it (docs/centernet.md, Results).
  it("has monotone levels at the deep cut: bytes up, feature error down, mAP@[.5:.95] up", () => {
    const levels = bu(deep()).sort((a, b) => rateIndex(a) - rateIndex(b));
    expect(levels.length).toBe(manifest.splits.at(-1)!.rates.length);
    for (let i = 1; i < levels.length; i++) {
      expect(levels[i].bytesMean).toBeGreaterThan(levels[i - 1].bytesMean);
      expect(levels[i].featureMse!).toBeLessThan(levels[i - 1].featureMse!);
      expect(levels[i].map5095!).toBeGreaterThan(levels[i - 1].map5095!);
    }
    // The finest level is the best at mAP@0.5 too.
    expect(levels.at(-1)!.map50!).toBe(Math.max(...levels.map((l) => l.map50!)));
  });
});

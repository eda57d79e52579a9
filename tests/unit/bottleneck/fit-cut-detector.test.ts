// Fitting at the detector's deep cut, as the page does for the photo gallery: the tail's sensitivity measured
// through the class heatmap, task-aware gains, the transform left in closed form, every level measured on real
// bitstreams through the real tail, and every tensor released.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stepForDistortion } from "@/lib/bottleneck/allocation";
import { QUICK_BUDGET } from "@/lib/bottleneck/fit";
import { decodeJpeg, photoPixels } from "@/lib/data/photos";
import type { Backbone } from "@/lib/models/backbone";
import { CENTERNET_INPUT, CENTERNET_PACKAGE_MODEL } from "@/lib/models/centernet";
import { cutId, type Cut } from "@/lib/models/cuts";
import { graphBackbone } from "@/lib/models/graph-backbone";
import type { GraphNode } from "@/lib/models/graph-macs";
import { loadGraphModelFromFile } from "@/lib/models/load-graph-node";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { disposeFitted, fitAtCut, type CutFitProgress } from "@/lib/pipeline/fit-cut";
import { planFor } from "@/lib/pipeline/fit-plan";
import { initNodeTf, type TF } from "@/lib/tf/node";

const root = path.resolve(import.meta.dirname, "../../..");
const size = CENTERNET_INPUT.size;
let tf: TF;
let backbone: Backbone;
let manifest: ModelManifest;
let cuts: Cut[];

beforeAll(async () => {
  tf = await initNodeTf();
  manifest = validateManifest(JSON.parse(readFileSync(path.join(root, "public/models/centernet/manifest.json"), "utf8")));
  const json = JSON.parse(readFileSync(path.join(root, CENTERNET_PACKAGE_MODEL), "utf8"));
  const structure = {
    topology: { nodes: json.modelTopology.node as GraphNode[], weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights) },
    input: { node: CENTERNET_INPUT.node, shape: [1, size, size, 3] },
  };
  backbone = graphBackbone(
    await loadGraphModelFromFile(tf, path.join(root, CENTERNET_PACKAGE_MODEL)),
    manifest.backbone.outputs,
    structure,
    manifest.backbone.probe,
  );
  cuts = backbone.cuts!();
}, 120_000);

describe("the detector's fit plan", () => {
  it("allocates by sensitivity with a frozen transform; prepared cuts keep their steps, others get distortion targets", () => {
    const deep = cuts.find((c) => c.id === cutId(manifest.splits[1].tensors))!;
    const plan = planFor(manifest, deep);
    expect(plan.allocation).toBeDefined();
    expect(plan.budget?.finestFineTuneSteps).toBe(0);
    expect(plan.levels).toEqual(manifest.splits[1].rates.map((r) => ({ step: r.step, stride: 1 })));
    const other = planFor(manifest, cuts[10]);
    expect(manifest.splits.some((s) => cutId(s.tensors) === cuts[10].id)).toBe(false);
    const targets = other.levels.map((l) => ("distortion" in l ? l.distortion : NaN));
    // Coarsest level first: the targets fall with the level.
    for (let r = 1; r < targets.length; r++) expect(targets[r]).toBeLessThan(targets[r - 1]);
  });
});

describe("stepForDistortion", () => {
  it("finds the step whose water-filled distortion is the target share of the variance, and grows with it", () => {
    // Two components of variance 1 and one of 0.01, equally many positions: at step^2 / 12 = 0.25 the strong two
    // cost 0.25 each and the weak one its 0.01, so (0.5 + 0.01) / 2.01 of the variance.
    const comps = [1, 1, 0.01].map((variance) => ({ variance, positions: 16 }));
    expect(stepForDistortion(comps, 0.51 / 2.01)).toBeCloseTo(Math.sqrt(3), 6);
    expect(stepForDistortion(comps, 0.05)).toBeLessThan(stepForDistortion(comps, 0.1));
    expect(() => stepForDistortion(comps, 0)).toThrow(/between 0 and 1/);
  });
});

/** The deep cut, and two gallery photos as model inputs. */
function deepCutCase() {
  const deep = cuts.find((c) => c.id === cutId(manifest.splits[1].tensors))!;
  const photos = ["astronaut.jpg", "chelsea.jpg"].map((f) => photoPixels(decodeJpeg(readFileSync(path.join(root, "public/samples/photos", f))), size));
  const inputs = new Float32Array(photos.length * size * size * 3);
  photos.forEach((p, i) => inputs.set(Float32Array.from(p), i * size * size * 3));
  const base = { backbone, manifest, cut: deep, splitIndex: manifest.splits.length, cutIndex: cuts.indexOf(deep), inputs, count: photos.length };
  return { deep, base };
}

describe("fitting at the detector's deep cut", () => {
  it("stops during the sensitivity measurement when cancelled, leaving no tensor behind", async () => {
    const { base } = deepCutCase();
    const before = tf.memory().numTensors;
    const abort = new AbortController();
    let groups = 0;
    const run = fitAtCut({
      ...base,
      splitId: "fit-cancelled",
      unitId: "8899aabbccddeeff",
      signal: abort.signal,
      onProgress: (p) => {
        // Cancel from the third group on: the measurement must stop before its last group.
        if (p.phase === "sensitivity" && ++groups === 3) abort.abort();
      },
    });
    await expect(run).rejects.toThrow(/stopped|abort/i);
    expect(groups).toBeLessThan(5);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it("measures the sensitivity, fits every level without fine-tuning, measures each on real bitstreams, and releases its tensors", async () => {
    const { deep, base } = deepCutCase();
    const before = tf.memory().numTensors;
    const phases = new Set<string>();
    const fitted = await fitAtCut({
      ...base,
      splitId: "fit-deep",
      unitId: "0011223344556677",
      budget: { ...QUICK_BUDGET, ...planFor(manifest, deep).budget, entropySteps: 10, entropyWarmSteps: 3 },
      onProgress: (p: CutFitProgress) => phases.add(p.phase),
    });
    expect([...phases]).toEqual(expect.arrayContaining(["features", "sensitivity", "moments", "start", "entropy", "tables", "measure"]));
    expect(phases.has("fine-tune")).toBe(false);
    const points = fitted.points;
    expect(points.map((p) => p.rate)).toEqual([0, 1, 2, 3, 4]);
    for (let r = 1; r < points.length; r++) expect(points[r].bytesMean).toBeGreaterThan(points[r - 1].bytesMean);
    // The tail reads the deepest tensor most: the finest level spends most of its latent channels there.
    const finest = fitted.split.rates[4].units.map((u) => u.latentShape[2]);
    expect(finest[3]).toBeGreaterThan(finest[0]);
    // On the photos it was fitted on, the finest level finds most of the unsplit model's detections again.
    expect(points[4].agreement).toBeGreaterThanOrEqual(0.6);
    disposeFitted(fitted);
    expect(tf.memory().numTensors).toBe(before);
  }, 240_000);
});

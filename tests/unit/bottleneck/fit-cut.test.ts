// Fitting units at a cut no script prepared, as the page does: on 40 digits, every level measured on real
// bitstreams as it finishes, tensors all released afterwards, and a fit that is cancelled leaves nothing behind.
import path from "node:path";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { QUICK_BUDGET } from "@/lib/bottleneck/fit";
import { loadMnist } from "@/lib/data/mnist";
import { layersBackbone, type Backbone } from "@/lib/models/backbone";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { disposeFitted, fitAtCut, type CutFitProgress, type FitPoint } from "@/lib/pipeline/fit-cut";
import { planFor } from "@/lib/pipeline/fit-plan";
import { decodeSymbols, readContainer } from "@/lib/codec";
import { initNodeTf, type TF } from "@/lib/tf/node";

const root = path.resolve(import.meta.dirname, "../../..");
let tf: TF;
let backbone: Backbone;
let manifest: ModelManifest;
const COUNT = 40;
let inputs: Float32Array;

beforeAll(async () => {
  tf = await initNodeTf();
  backbone = layersBackbone(await loadLayersModelFromFile(tf, path.join(root, "public/models/digits/backbone/model.json")));
  manifest = validateManifest(JSON.parse(readFileSync(path.join(root, "public/models/digits/manifest.json"), "utf8")));
  inputs = loadMnist().trainImages.slice(0, COUNT * 784);
});

const budget = { ...QUICK_BUDGET, entropySteps: 20, finestFineTuneSteps: 5 };

describe("fitting a unit at any cut", () => {
  it("fits every level at an unprepared cut, reporting phases and each measured point, and releases every tensor", async () => {
    const cut = backbone.cuts!().find((c) => c.id === "stage2_block1_out")!;
    expect(manifest.splits.some((s) => s.tensors[0].node === cut.id)).toBe(false);
    const before = tf.memory().numTensors;
    const phases = new Set<string>();
    const points: FitPoint[] = [];
    const fitted = await fitAtCut({
      backbone,
      manifest,
      cut,
      splitIndex: manifest.splits.length,
      cutIndex: 9,
      splitId: "fit-test",
      unitId: "00112233aabbccdd",
      inputs,
      count: COUNT,
      budget,
      onProgress: (p: CutFitProgress) => phases.add(p.phase),
      onPoint: (p) => points.push(p),
    });
    expect([...phases]).toEqual(expect.arrayContaining(["features", "moments", "start", "entropy", "fine-tune", "tables", "measure"]));
    const levels = planFor(manifest, cut).levels.length;
    // Finest first, as each level finishes.
    expect(points.map((p) => p.rate)).toEqual([...Array(levels).keys()].reverse());
    expect(fitted.points.map((p) => p.rate)).toEqual([...Array(levels).keys()]);
    for (let r = 1; r < levels; r++) expect(fitted.points[r].bytesMean).toBeGreaterThan(fitted.points[r - 1].bytesMean);
    expect(fitted.points[levels - 1].agreement).toBeGreaterThanOrEqual(0.95);
    expect(fitted.split.rates.map((r) => r.index)).toEqual([...Array(levels).keys()]);
    expect(fitted.files.every((f) => f.length === 1)).toBe(true);

    // A stream of the fitted unit carries its id and the split's index.
    const loaded = fitted.rates[levels - 1];
    const { encodeFeatures } = await import("@/lib/pipeline/run");
    const x = tf.tensor4d(inputs.subarray(0, 784), [1, 28, 28, 1]);
    const [head] = backbone.head(x, cut.tensors);
    const coded = await encodeFeatures(loaded, { model: manifest.index, split: fitted.split.index, rate: levels - 1 }, [head]);
    tf.dispose([x, head]);
    expect(readContainer(coded.bitstreams[0]).header).toMatchObject({ split: 9, rate: levels - 1, unit: "00112233aabbccdd" });
    expect(() => decodeSymbols(coded.bitstreams[0], () => ({ shapes: [loaded.rate.units[0].latentShape], tables: [loaded.units[0].tables] }))).not.toThrow();

    disposeFitted(fitted);
    expect(tf.memory().numTensors).toBe(before);
  }, 240_000);

  it("stops when cancelled and leaves no tensor behind", async () => {
    const cut = backbone.cuts!().find((c) => c.id === "stem_relu1")!;
    const before = tf.memory().numTensors;
    const abort = new AbortController();
    let points = 0;
    const run = fitAtCut({
      backbone,
      manifest,
      cut,
      splitIndex: manifest.splits.length,
      splitId: "fit-cancel",
      cutIndex: 2,
      unitId: "0011223344556677",
      inputs,
      count: COUNT,
      budget,
      signal: abort.signal,
      onPoint: () => {
        points++;
        abort.abort();
      },
    });
    await expect(run).rejects.toThrow();
    expect(points).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  }, 240_000);
});

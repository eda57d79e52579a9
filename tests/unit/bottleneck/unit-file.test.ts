// A fitted unit leaves as one JSON file and comes back exactly (same streams); a bad file gets a clear sentence
// and loads nothing.
import path from "node:path";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { QUICK_BUDGET } from "@/lib/bottleneck/fit";
import { loadMnist } from "@/lib/data/mnist";
import { layersBackbone, type Backbone } from "@/lib/models/backbone";
import type { Cut } from "@/lib/models/cuts";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { disposeFitted, fitAtCut, type FittedSplit } from "@/lib/pipeline/fit-cut";
import { encodeFeatures } from "@/lib/pipeline/run";
import { disposeRate } from "@/lib/pipeline/units";
import { newUnitId, readUnitFile, UnitFileError, unitFileJson } from "@/lib/pipeline/unit-file";
import { initNodeTf, type TF } from "@/lib/tf/node";

const root = path.resolve(import.meta.dirname, "../../..");
let tf: TF;
let backbone: Backbone;
let manifest: ModelManifest;
let cuts: Cut[];
let cut: Cut;
let fitted: FittedSplit;
let text: string;
const id = newUnitId();

beforeAll(async () => {
  tf = await initNodeTf();
  backbone = layersBackbone(await loadLayersModelFromFile(tf, path.join(root, "public/models/digits/backbone/model.json")));
  manifest = validateManifest(JSON.parse(readFileSync(path.join(root, "public/models/digits/manifest.json"), "utf8")));
  cuts = backbone.cuts!();
  cut = cuts.find((c) => c.id === "stage3_block1_out")!;
  fitted = await fitAtCut({
    backbone,
    manifest,
    cut,
    splitIndex: 5,
    splitId: "fit-a",
    cutIndex: cuts.indexOf(cut),
    unitId: id,
    inputs: loadMnist().trainImages.slice(0, 30 * 784),
    count: 30,
    budget: { ...QUICK_BUDGET, entropySteps: 10, finestFineTuneSteps: 0 },
  });
  text = JSON.stringify(unitFileJson({ id, model: manifest.id, cut: cut.id, images: 30, split: fitted.split, points: fitted.points, files: fitted.files }));
}, 120_000);

const read = (t: string) => readUnitFile(t, manifest, cuts, 7);

/** Edits the parsed file and serialises it again. */
function edited(edit: (j: ReturnType<typeof JSON.parse>) => void): string {
  const j = JSON.parse(text);
  edit(j);
  return JSON.stringify(j);
}

describe("unit files", () => {
  it("round-trips: the loaded unit makes the same streams as the fitted one, under its id", async () => {
    const before = tf.memory().numTensors;
    const unit = read(text);
    expect(unit.id).toBe(id);
    expect(unit.images).toBe(30);
    expect(unit.split.index).toBe(7);
    expect(unit.rates.length).toBe(fitted.rates.length);
    const x = tf.tensor4d(loadMnist().testImages.slice(0, 3 * 784), [3, 28, 28, 1]);
    const head = backbone.head(x, cut.tensors);
    for (const [r, loaded] of unit.rates.entries()) {
      const ids = { model: 0, split: 7, rate: r };
      const a = await encodeFeatures(loaded, ids, head);
      const b = await encodeFeatures(fitted.rates[r], ids, head);
      expect(a.bitstreams).toEqual(b.bitstreams);
    }
    tf.dispose([x, ...head]);
    unit.rates.forEach(disposeRate);
    expect(tf.memory().numTensors).toBe(before);
  });

  const bad: [string, () => string, RegExp][] = [
    ["not JSON", () => "PNG\u0000 not a unit", /not valid JSON/],
    ["cut short", () => text.slice(0, Math.floor(text.length / 2)), /not valid JSON.*cut short/],
    ["another kind of JSON", () => JSON.stringify({ format: "splitscope-model" }), /not a Splitscope unit/],
    ["for another model", () => edited((j) => (j.model = "centernet")), /fitted for model "centernet", not for "digits"/],
    ["at a layer the model lacks", () => edited((j) => (j.cut = "nowhere")), /"nowhere", which is not a layer/],
    ["with the wrong tensor shape", () => edited((j) => (j.split.tensors[0].shape = [7, 7, 32])), /do not match the layer's/],
    [
      "with a unit for another shape",
      () => edited((j) => (j.levels[0].units[0].bu.config.inShape = [14, 14, 32])),
      /rate level 0, unit 0 is unusable|compresses/,
    ],
    [
      "with truncated weights",
      () => edited((j) => (j.levels[1].units[0].weights = j.levels[1].units[0].weights.slice(0, 40))),
      /rate level 1, unit 0 (is unusable.*too short|are cut short)/,
    ],
    ["with tables for other channels", () => edited((j) => j.levels[0].units[0].tables.cdfs.pop()), /tables|channels/],
    ["without an id", () => edited((j) => (j.id = "12")), /no valid id/],
  ];
  for (const [what, make, message] of bad) {
    it(`refuses a file ${what}, clearly, loading nothing`, () => {
      const before = tf.memory().numTensors;
      let error: unknown;
      try {
        read(make());
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UnitFileError);
      expect((error as Error).message).toMatch(message);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("is released", () => {
    disposeFitted(fitted);
  });
});

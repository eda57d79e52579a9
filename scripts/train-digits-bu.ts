/**
 * Fits the digits bottleneck units (scripts/digits-bu.config.json) with lib/bottleneck/fit.ts: per split point the
 * head's outputs (and the unsplit model's logits) of the training images are computed once and kept as plain
 * arrays, then every rate level's patch unit starts in closed form and is fine-tuned on them. Labels are never used
 * (distillation), the validation digits only to report how each level does, the held-out digits never.
 * Writes public/models/digits/bu/<split>/r<k>/{bu.json, bu.bin, tables.json} and <split>/training.json.
 *
 *   npm run train:digits:bu [-- --split stage3] [-- --out <folder>] [-- --budget quick] [-- --no-validate]
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type * as tfNs from "@tensorflow/tfjs";
import { tablesToJSON } from "@/lib/codec";
import { buParamCount, disposeInferenceBu, encoderMacs, foldForInference, latentShape } from "@/lib/bottleneck/bu";
import { fitUnits, QUICK_BUDGET, type FitBudget, type FitLevel } from "@/lib/bottleneck/fit";
import { serializeBu } from "@/lib/bottleneck/io";
import { augmentDigit } from "@/lib/data/digit-augment";
import { DIGIT_PIXELS, loadMnist, trainValidationSplit } from "@/lib/data/mnist";
import { fractionEqual, mean, top1 } from "@/lib/metrics/summary";
import { cutShape, layersBackbone } from "@/lib/models/backbone";
import { headMacs } from "@/lib/models/macs";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import type { SplitPoint, SplitTensor } from "@/lib/models/manifest";
import { evaluateRate } from "@/lib/pipeline/evaluate";
import type { LoadedRate } from "@/lib/pipeline/units";
import { createRng } from "@/lib/util/prng";
import { initNodeTf, type TF } from "@/lib/tf/node";
import { commandLine, readOptions } from "./args";

interface SplitConfig {
  id: string;
  node: string;
  label: string;
  stride: number;
  maxLatentChannels: number;
  /** Quantizer steps from fewest bytes (r0) to best quality, in units of the tensor's RMS channel deviation. */
  steps: number[];
  /** Per level, a stride replacing the split's (larger patches at coarse levels). */
  levelStrides?: number[];
  klWeight?: number;
  lambdaFactor?: number;
  budget?: Partial<FitBudget>;
}

const ROOT = path.resolve(import.meta.dirname, "..");
const opts = readOptions("train:digits:bu", {
  split: { type: "string", help: "fit only this split point (id from scripts/digits-bu.config.json)" },
  out: { type: "string", help: "output folder (default public/models/digits/bu)" },
  budget: { type: "string", help: "full (default: the config's) or quick (the in-browser budget)" },
  "no-validate": { type: "boolean", help: "skip the validation figures" },
  steps: { type: "string", help: "comma-separated quantizer steps replacing the split's (for measuring choices)" },
  stride: { type: "number", integer: true, min: 1, help: "patch stride replacing the split's (for measuring choices)" },
  "level-strides": { type: "string", help: "comma-separated stride per level replacing the split's (for measuring choices)" },
  "max-channels": { type: "number", integer: true, min: 1, help: "latent channel limit replacing the split's (for measuring choices)" },
  "kl-weight": { type: "number", min: 0, help: "klWeight replacing the config's (for measuring choices)" },
  "fine-tune": { type: "number", min: 0, integer: true, help: "fine-tuning steps of every level, the finest too (for measuring choices)" },
  "lambda-factor": { type: "number", min: 0, help: "lambdaFactor replacing the config's (for measuring choices)" },
});
const OUT = path.resolve(ROOT, opts.out ?? "public/models/digits/bu");
const log = (msg: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${msg}`);
const command = commandLine("train:digits:bu");

const tf: TF = await initNodeTf();
const config = JSON.parse(await readFile(path.join(ROOT, "scripts/digits-bu.config.json"), "utf8"));
const model = await loadLayersModelFromFile(tf, path.join(ROOT, "public/models/digits/backbone/model.json"));
const backbone = layersBackbone(model);
const { train, validation } = trainValidationSplit(loadMnist());

/** The images whose cut tensors the units learn from: clean training digits and augmented copies of others. */
function trainingImages(): Float32Array {
  const { clean, augmented } = config.images as { clean: number; augmented: number };
  if (clean + augmented > train.labels.length) throw new Error(`config.images asks for ${clean + augmented} of ${train.labels.length} training digits`);
  const out = new Float32Array((clean + augmented) * DIGIT_PIXELS);
  out.set(train.images.subarray(0, clean * DIGIT_PIXELS));
  const r = createRng(config.seed).next;
  for (let i = clean; i < clean + augmented; i++) out.set(augmentDigit(train.images.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS), r), i * DIGIT_PIXELS);
  return out;
}

/** Validation digits: clean, then an augmented copy of each (a stand-in for drawn and uploaded digits). */
function validationImages(): Float32Array {
  const n = validation.labels.length;
  const out = new Float32Array(2 * n * DIGIT_PIXELS);
  out.set(validation.images);
  const r = createRng(config.seed + 1).next;
  for (let i = 0; i < n; i++) out.set(augmentDigit(validation.images.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS), r), (n + i) * DIGIT_PIXELS);
  return out;
}

const images = trainingImages();
const count = images.length / DIGIT_PIXELS;
const validationPixels = opts["no-validate"] ? null : validationImages();
const validationLabels = [...validation.labels, ...validation.labels];
const CHUNK = 250;
const budget: FitBudget = opts.budget === "quick" ? QUICK_BUDGET : { ...QUICK_BUDGET, ...config.budget };
if (opts.budget && opts.budget !== "quick" && opts.budget !== "full") throw new Error(`--budget is full or quick, not ${opts.budget}`);

/** Unsplit predictions on the validation images, once. */
async function unsplitTop1(pixels: Float32Array): Promise<number[]> {
  const out: number[] = [];
  for (let s = 0; s < pixels.length / DIGIT_PIXELS; s += CHUNK) {
    const n = Math.min(CHUNK, pixels.length / DIGIT_PIXELS - s);
    const logits = tf.tidy(() => backbone.predict(tf.tensor4d(pixels.subarray(s * DIGIT_PIXELS, (s + n) * DIGIT_PIXELS), [n, 28, 28, 1]))[0]);
    out.push(...top1(await logits.data(), 10));
    logits.dispose();
  }
  return out;
}
const validationUnsplit = validationPixels ? await unsplitTop1(validationPixels) : [];
if (validationPixels) {
  const half = validation.labels.length;
  log(
    `validation: unsplit ${(100 * fractionEqual(validationUnsplit.slice(0, half), validation.labels)).toFixed(2)} % clean, ${(100 * fractionEqual(validationUnsplit.slice(half), validation.labels)).toFixed(2)} % augmented`,
  );
}

const { total: totalMacs } = headMacs(model);
for (const configured of config.splits as SplitConfig[]) {
  if (opts.split && opts.split !== configured.id) continue;
  const sc: SplitConfig = {
    ...configured,
    steps: opts.steps?.split(",").map(Number) ?? configured.steps,
    levelStrides: opts["level-strides"]?.split(",").map(Number) ?? (opts.stride ? undefined : configured.levelStrides),
    stride: opts.stride ?? configured.stride,
    maxLatentChannels: opts["max-channels"] ?? configured.maxLatentChannels,
    klWeight: opts["kl-weight"] ?? configured.klWeight,
    lambdaFactor: opts["lambda-factor"] ?? configured.lambdaFactor,
    budget:
      opts["fine-tune"] === undefined ? configured.budget : { ...configured.budget, fineTuneSteps: opts["fine-tune"], finestFineTuneSteps: opts["fine-tune"] },
  };
  const started = Date.now();
  const cpuStarted = process.cpuUsage();
  const shape = cutShape(model, sc.node);
  const cut: SplitTensor[] = [{ node: sc.node, shape, nonNegative: true }];
  const per = shape.reduce((a, b) => a * b, 1);

  // The head's outputs and the unsplit logits, computed once per image.
  const tensors = new Float32Array(count * per);
  const teacherLogits = new Float32Array(count * 10);
  for (let s = 0; s < count; s += CHUNK) {
    const n = Math.min(CHUNK, count - s);
    const [f, l] = tf.tidy(() => {
      const feats = backbone.head(tf.tensor4d(images.subarray(s * DIGIT_PIXELS, (s + n) * DIGIT_PIXELS), [n, 28, 28, 1]), cut)[0];
      return [feats, backbone.tail([feats], cut)[0]];
    });
    tensors.set(f.dataSync(), s * per);
    teacherLogits.set(l.dataSync(), s * 10);
    tf.dispose([f, l]);
  }
  const cacheSeconds = (Date.now() - started) / 1000;
  log(`${sc.id}: cut tensors ${shape.join("x")} of ${count} images cached in ${cacheSeconds.toFixed(1)} s`);

  const levels: FitLevel[] = sc.steps.map((step, i) => ({ step, stride: sc.levelStrides?.[i] }));
  const phaseSeconds: Record<string, number> = {};
  let phaseStart = Date.now();
  let phase = "";
  const units = await fitUnits({
    shape: shape as [number, number, number],
    nonNegative: true,
    stride: sc.stride,
    tensors,
    count,
    teacherLogits,
    classes: 10,
    tail: (x) => backbone.tail([x], cut)[0] as tfNs.Tensor2D,
    klWeight: sc.klWeight ?? config.klWeight,
    levels,
    maxLatentChannels: sc.maxLatentChannels,
    // The budgets of the issue and the manifest test: under 2 % of the backbone's parameters, encoder under 10 % of the head's MACs.
    maxParams: Math.floor(0.02 * model.countParams()),
    maxEncoderMacs: Math.floor(0.1 * headMacs(model, sc.node).head),
    componentFraction: config.componentFraction,
    lambdaFactor: sc.lambdaFactor ?? config.lambdaFactor,
    budget: { ...budget, ...(opts.budget === "quick" && opts["fine-tune"] === undefined ? {} : sc.budget) },
    seed: config.seed,
    onProgress: (p) => {
      const key = `${p.phase}${p.rateIndex === null ? "" : ` r${p.rateIndex}`}`;
      if (key !== phase) {
        if (phase) phaseSeconds[phase] = (phaseSeconds[phase] ?? 0) + (Date.now() - phaseStart) / 1000;
        phase = key;
        phaseStart = Date.now();
      }
      if (p.phase === "fine-tune" && p.terms && (p.step % 50 === 0 || p.step === p.steps - 1))
        log(
          `${sc.id} r${p.rateIndex} step ${p.step}/${p.steps}: loss ${p.terms.loss.toFixed(4)} mse ${p.terms.featureMse.toFixed(4)} kl ${p.terms.kl.toFixed(4)} bits ${p.terms.bitsPerImage.toFixed(1)}`,
        );
    },
  });
  if (phase) phaseSeconds[phase] = (phaseSeconds[phase] ?? 0) + (Date.now() - phaseStart) / 1000;
  const fitSeconds = (Date.now() - started) / 1000 - cacheSeconds;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  log(`${sc.id}: ${units.length} units fitted in ${fitSeconds.toFixed(1)} s (cache ${cacheSeconds.toFixed(1)} s)`);

  // How each level does on the validation digits, through the real pipeline (bytes from real bitstreams).
  const levelRecords: unknown[] = [];
  for (const u of units) {
    const record: Record<string, unknown> = {
      rate: `r${u.rateIndex}`,
      step: u.cfg.step,
      latentChannels: u.cfg.latentChannels,
      lambda: u.lambda,
      buParams: buParamCount(u.cfg),
      encoderMacs: encoderMacs(u.cfg),
      fineTuneSteps: u.fineTuneSteps,
      seconds: u.seconds,
      start: u.start,
      final: u.final,
    };
    if (validationPixels) {
      const split = { id: sc.id, index: 0, label: sc.label, tensors: cut, headMacs: 0, clientShare: 0, rates: [] } as SplitPoint;
      const loaded = {
        split,
        rate: { id: `r${u.rateIndex}`, index: u.rateIndex, units: [{ latentShape: latentShape(u.cfg) }] },
        units: [{ bu: foldForInference(u.cfg, u.params), tables: u.tables }],
      } as unknown as LoadedRate;
      const r = await evaluateRate({
        backbone,
        loaded,
        modelIndex: 0,
        pixels: validationPixels,
        imageShape: [28, 28, 1],
        count: validationLabels.length,
        classes: 10,
      });
      disposeInferenceBu(loaded.units[0].bu);
      const half = validation.labels.length;
      const part = (lo: number, hi: number) => ({
        bytes: mean(r.bytes.slice(lo, hi)),
        accuracy: fractionEqual(r.predictions.slice(lo, hi), validationLabels.slice(lo, hi)),
        agreement: fractionEqual(r.predictions.slice(lo, hi), validationUnsplit.slice(lo, hi)),
        featureMse: mean(r.featureMse.slice(lo, hi)),
      });
      record.validation = { clean: part(0, half), augmented: part(half, 2 * half) };
      const v = record.validation as Record<string, ReturnType<typeof part>>;
      log(
        `${sc.id} r${u.rateIndex} C=${u.cfg.latentChannels} q=${u.cfg.step}: clean ${v.clean.bytes.toFixed(1)} B acc ${(100 * v.clean.accuracy).toFixed(2)} agree ${(100 * v.clean.agreement).toFixed(2)} mse ${v.clean.featureMse.toFixed(5)} | aug ${v.augmented.bytes.toFixed(1)} B agree ${(100 * v.augmented.agreement).toFixed(2)}`,
      );
    }
    levelRecords.push(record);
    const { json, bin } = serializeBu(u.cfg, u.params);
    const dir = path.join(OUT, sc.id, `r${u.rateIndex}`);
    await mkdir(dir, { recursive: true });
    const training = { lambda: u.lambda, fineTuneSteps: u.fineTuneSteps, batchSize: budget.batchSize, seconds: u.seconds, start: u.start, final: u.final };
    await writeFile(path.join(dir, "bu.json"), JSON.stringify({ ...json, training }, null, 1));
    await writeFile(path.join(dir, "bu.bin"), bin);
    await writeFile(path.join(dir, "tables.json"), JSON.stringify(tablesToJSON(u.tables)));
    tf.dispose(Object.values(u.params));
  }
  const record = {
    command,
    seed: config.seed,
    images: {
      ...config.images,
      note: "the first training digits clean, the next ones augmented (lib/data/digit-augment.ts); validation and held-out digits never",
    },
    budget: opts.budget === "quick" ? "quick" : { ...budget, ...sc.budget },
    klWeight: sc.klWeight ?? config.klWeight,
    headShareOfMacs: headMacs(model, sc.node).head / totalMacs,
    /** Wall seconds to train all units of this split: caching the head's outputs and the unsplit logits, then the fit. */
    seconds: cacheSeconds + fitSeconds,
    cacheSeconds,
    fitSeconds,
    /** CPU seconds of the same work (this process): less sensitive than wall time to other jobs on the machine. */
    cpuSeconds,
    phaseSeconds,
    trainedAt: new Date().toISOString(),
    levels: levelRecords,
  };
  await mkdir(path.join(OUT, sc.id), { recursive: true });
  await writeFile(path.join(OUT, sc.id, "training.json"), JSON.stringify(record, null, 1));
  log(`${sc.id} done: ${record.seconds.toFixed(1)} s to train all units, ${tf.memory().numTensors} tensors alive`);
}

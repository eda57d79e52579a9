/**
 * The playground's work inside the worker: one image through client and server with real bytes, plus the
 * unsplit model for reference, turned into a plain view model; and the server side alone for a bitstream file.
 */
import * as tf from "@tensorflow/tfjs";
import { BitstreamError, readContainer } from "@/lib/codec";
import { jpegRoundTrip } from "@/lib/baselines/image-codecs";
import { findRate, type ModelManifest } from "@/lib/models/manifest";
import { mse, psnr, softmax } from "@/lib/metrics/summary";
import { runClient, runServer, type ClientResult, type ServerResult } from "@/lib/pipeline/run";
import { shownDetections } from "@/lib/view/detections";
import { symbolHistograms } from "@/lib/view/histogram";
import { entryByIndex, useModel } from "./model-store";
import type { DecodeResult, PlainTensor, RunParams, RunResult } from "./playground-protocol";

export const JPEG_QUALITY = 75;

/** Thrown when a newer run has arrived; the page ignores the answer. */
export class StaleRun extends Error {
  constructor() {
    super("A newer run replaced this one.");
    this.name = "StaleRun";
  }
}

export class BadInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadInput";
  }
}

let latestToken = -Infinity;

function checkImage(m: ModelManifest, image: PlainTensor): void {
  const want = [m.input.height, m.input.width, m.input.channels];
  if (image.shape.join("x") !== want.join("x")) throw new BadInput(`The image must be ${want.join(" × ")}, not ${image.shape.join(" × ")}.`);
  if (!(image.data instanceof Float32Array) || image.data.length !== want[0] * want[1] * want[2])
    throw new BadInput("The image data does not match its shape.");
}

async function plainOf(t: tf.Tensor): Promise<PlainTensor> {
  // Batch of one: drop the batch axis.
  // A copy: a backend may hand out its own storage, and this array is about to be transferred.
  return { data: new Float32Array(await t.data()), shape: t.shape.slice(1) };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The input as 8-bit pixels, for the JPEG comparison. */
function toBytes(image: PlainTensor, range: [number, number]): Uint8Array {
  const [lo, hi] = range;
  return Uint8Array.from(image.data, (v) => Math.max(0, Math.min(255, Math.round(((v - lo) / (hi - lo)) * 255))));
}

export async function runImage(p: RunParams): Promise<RunResult> {
  latestToken = Math.max(latestToken, p.token);
  const stale = () => {
    if (p.token !== latestToken) throw new StaleRun();
  };
  const model = await useModel(p.model);
  const { manifest, backbone } = model;
  if (!findRate(manifest, p.split, p.rate)) throw new BadInput(`Model ${manifest.id} has no split ${p.split} with rate level ${p.rate}.`);
  checkImage(manifest, p.image);
  const loaded = await model.rate(p.split, p.rate);
  stale();

  const tensors: tf.Tensor[] = [];
  let client: ClientResult | null = null;
  let server: ServerResult | null = null;
  try {
    const x = tf.tensor4d(p.image.data, [1, ...p.image.shape] as [number, number, number, number]);
    tensors.push(x);
    client = await runClient(backbone, loaded, { model: manifest.index, split: p.split, rate: p.rate }, x);
    stale();
    server = await runServer(backbone, loaded, manifest.index, client.bitstreams);
    stale();
    const t = performance.now();
    const unsplit = backbone.predict(x);
    tensors.push(...unsplit);
    const unsplitOut = (await unsplit[0].data()) as Float32Array;
    const unsplitMs = performance.now() - t;

    const features = await Promise.all(client.features.map(plainOf));
    const reconstruction = await Promise.all(server.reconstruction.map(plainOf));
    const splitOut = (await server.outputs[0].data()) as Float32Array;
    const detection = manifest.task === "detection";
    const all = concat(features.map((f) => f.data));
    const allRec = concat(reconstruction.map((f) => f.data));
    const symbols = client.symbols[0].map((data, i) => ({ data, shape: loaded.rate.units[i].latentShape }));
    const bitstream = client.bitstreams[0];

    return {
      token: p.token,
      model: manifest.id,
      split: p.split,
      rate: p.rate,
      backend: tf.getBackend() as RunResult["backend"],
      input: { data: p.image.data.slice(), shape: p.image.shape },
      features,
      reconstruction,
      symbols,
      histograms: symbols.map((s, i) => symbolHistograms(s.data, loaded.units[i].tables)),
      bitstream,
      payloadBytes: client.payloadBytes[0],
      estimatedBits: client.estimatedBits[0],
      featureMse: mse(all, allRec),
      featurePsnr: psnr(all, allRec),
      task: manifest.task,
      splitProbs: detection ? [] : softmax(splitOut),
      unsplitProbs: detection ? [] : softmax(unsplitOut),
      splitDetections: detection ? shownDetections(splitOut) : [],
      unsplitDetections: detection ? shownDetections(unsplitOut) : [],
      ms: { ...client.ms, ...server.ms, unsplit: unsplitMs },
      inputPixels: manifest.input.height * manifest.input.width,
      float32Bytes: all.length * 4,
      jpegBytes: jpegRoundTrip(
        { pixels: toBytes(p.image, manifest.input.range), width: manifest.input.width, height: manifest.input.height, channels: manifest.input.channels },
        JPEG_QUALITY,
      ).bytes.length,
      jpegQuality: JPEG_QUALITY,
      numTensors: 0, // filled in by the caller once everything is disposed
    };
  } finally {
    tf.dispose(tensors);
    if (client) tf.dispose(client.features);
    if (server) tf.dispose([...server.reconstruction, ...server.outputs]);
  }
}

/** The edge server's job: a bitstream file in, a prediction out. Any defect is a BitstreamError. */
export async function decodeFile(bytes: Uint8Array): Promise<DecodeResult> {
  if (bytes.length === 0) throw new BitstreamError("truncated", "the file is empty");
  const { header } = readContainer(bytes);
  const entry = await entryByIndex(header.model);
  if (!entry) throw new BitstreamError("unknown-id", `no model has index ${header.model}`);
  const model = await useModel(entry.id);
  if (!findRate(model.manifest, header.split, header.rate)) {
    throw new BitstreamError("unknown-id", `model ${model.manifest.id} has no split ${header.split} with rate level ${header.rate}`);
  }
  const loaded = await model.rate(header.split, header.rate);
  const server = await runServer(model.backbone, loaded, model.manifest.index, [bytes]);
  try {
    const out = (await server.outputs[0].data()) as Float32Array;
    const detection = model.manifest.task === "detection";
    return {
      model: model.manifest.id,
      split: header.split,
      rate: header.rate,
      bytes: bytes.length,
      probs: detection ? [] : softmax(out),
      detections: detection ? shownDetections(out) : [],
      reconstruction: await Promise.all(server.reconstruction.map(plainOf)),
      ms: server.ms,
    };
  } finally {
    tf.dispose([...server.reconstruction, ...server.outputs]);
  }
}

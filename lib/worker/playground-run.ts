/**
 * The playground's work inside the worker. A run takes the page's model (ModelSlot "page"), the session of its
 * input (session.ts: head output, unsplit result and JPEG size computed once per input) and runs only what the
 * rate level changes: BU encoder -> quantizer -> rANS -> decoder -> BU decoder -> tail, on real bytes.
 *
 * Between stages a run checks its token, and after YIELD_AFTER_MS of work it first yields to the worker's message
 * queue: a newer run request (or another model chosen) drops it, on every backend, so a burst of changes costs
 * about one run.
 *
 * Decoding a bitstream file has its own model slot: its header is checked against the registry and manifests
 * before anything is loaded, and the page's model is never disposed under it.
 */
import * as tf from "@tensorflow/tfjs";
import { BitstreamError, decodeSymbols, readContainer } from "@/lib/codec";
import { findRate, type ModelManifest } from "@/lib/models/manifest";
import { mse, psnr, softmax } from "@/lib/metrics/summary";
import { encodeFeatures, runServer, type Checkpoint } from "@/lib/pipeline/run";
import type { LoadedRate } from "@/lib/pipeline/units";
import { candidateDetections, shownDetections } from "@/lib/view/detections";
import { symbolHistograms } from "@/lib/view/histogram";
import { counters, snapshot } from "./counters";
import { fittedById } from "./fitted-units";
import { manifestByIndex, ModelSlot, type LoadedModel } from "./model-store";
import type { EntropyTables } from "@/lib/codec";
import {
  LATENT_CHANNELS_SHOWN,
  type DecodeResult,
  type InputParams,
  type BaselinesResult,
  type JpegRunParams,
  type JpegRunResult,
  type LatentSummary,
  type LevelResult,
  type Prediction,
  type RunLevelsResult,
  type RunParams,
  type RunResult,
} from "./playground-protocol";
import { JPEG_QUALITY, type InputSession } from "./session";
import { jpegBytes, jpegDecode } from "@/lib/baselines/image-codecs";

/** Thrown when a newer run has arrived or the page chose another model; the page ignores the answer. */
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

/** The page's model and the decoder's. */
export const pageSlot = new ModelSlot();
export const decodeSlot = new ModelSlot();

/** The newest token per channel: a run is superseded only by a newer one on its own channel. */
const latestTokens = new Map<string, number>();

/**
 * A run yields to the worker's message queue once it has worked this long without a break: often enough that a
 * newer request is seen within a stage or two, rarely enough that a quick run (digits: a few ms) never waits for
 * the thread to be scheduled again, which on a busy machine costs far more than the run.
 */
export const YIELD_AFTER_MS = 8;

/** Resolves after the messages already queued for the worker have been taken in (a task, not a microtask). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function predictionOf(m: ModelManifest, out: Float32Array): Prediction {
  return m.task === "detection" ? { probs: [], detections: candidateDetections(out) } : { probs: softmax(out), detections: [] };
}

/** A latent's symbols as the page draws them: its first channels and their histograms, and a summary of all. */
function latentSummary(symbols: Int32Array, shape: number[], tables: EntropyTables): LatentSummary {
  const c = shape[2];
  const k = Math.min(c, LATENT_CHANNELS_SHOWN);
  const positions = symbols.length / c;
  const shown = new Int32Array(positions * k);
  let lo = Infinity;
  let hi = -Infinity;
  let zeros = 0;
  for (let p = 0; p < positions; p++) {
    for (let ch = 0; ch < c; ch++) {
      const v = symbols[p * c + ch];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (v === 0) zeros++;
      if (ch < k) shown[p * k + ch] = v;
    }
  }
  return { shape, shown, shownChannels: k, lo, hi, zeros, histograms: symbolHistograms(symbols, tables, undefined, undefined, k) };
}

function checkPixels(m: ModelManifest, pixels: unknown): Uint8Array {
  const want = m.input.height * m.input.width * m.input.channels;
  if (!(pixels instanceof Uint8Array) || pixels.length !== want)
    throw new BadInput(`The image must be ${m.input.height} × ${m.input.width} × ${m.input.channels} 8-bit pixels (${want} values).`);
  return pixels;
}

/**
 * The frame every run shares: counts it, makes its checkpoint, holds the page's model and the input's session
 * while `work` runs, and counts how it ended.
 */
async function asRun<T>(
  p: Pick<InputParams, "token" | "channel" | "model" | "pixels">,
  work: (ctx: { model: LoadedModel; session: InputSession; checkpoint: Checkpoint; stale: () => void }) => Promise<T>,
  side = false,
): Promise<T> {
  if (side) counters.sideRunsRequested++;
  else counters.runsRequested++;
  const channel = p.channel ?? "main";
  latestTokens.set(channel, Math.max(latestTokens.get(channel) ?? -Infinity, p.token));
  const stale = () => {
    if (p.token !== latestTokens.get(channel) || pageSlot.id !== p.model) throw new StaleRun();
  };
  let worked = performance.now();
  const checkpoint = async () => {
    if (performance.now() - worked >= YIELD_AFTER_MS) {
      await nextTask();
      worked = performance.now();
    }
    stale();
  };
  try {
    stale();
    const handle = await pageSlot.hold(p.model).catch((e: unknown) => {
      throw pageSlot.id !== p.model ? new StaleRun() : e;
    });
    try {
      const { model } = handle;
      const pixels = checkPixels(model.manifest, p.pixels);
      const session = model.sessions.acquire(pixels);
      try {
        const result = await work({ model, session, checkpoint, stale });
        if (side) counters.sideRunsComputed++;
        else counters.runsComputed++;
        return result;
      } finally {
        model.sessions.release(session);
      }
    } finally {
      handle.release();
    }
  } catch (e) {
    if (e instanceof StaleRun) {
      if (side) counters.sideRunsDropped++;
      else counters.runsDropped++;
    }
    throw e;
  }
}

function rateOf(model: LoadedModel, split: number, rate: number): Promise<LoadedRate> {
  if (!findRate(model.manifest, split, rate)) throw new BadInput(`Model ${model.manifest.id} has no split ${split} with rate level ${rate}.`);
  return model.rate(split, rate);
}

export async function runImage(p: RunParams): Promise<RunResult> {
  return asRun(p, async (ctx) => {
    const loaded = await rateOf(ctx.model, p.split, p.rate);
    ctx.stale();
    return runUnits(ctx, loaded, p);
  });
}

/**
 * One run of an input through given bottleneck units (a rate level of the manifest, or units made in the page,
 * such as fitted ones): the head's output from the session, the rest computed, a view model out.
 */
export async function runUnits(
  { model, session, checkpoint }: { model: LoadedModel; session: InputSession; checkpoint: Checkpoint },
  loaded: LoadedRate,
  p: Pick<RunParams, "token" | "features">,
): Promise<RunResult> {
  const { manifest, backbone } = model;
  const split = loaded.split.index;
  const rate = loaded.rate.index;
  const coldStart = model.firstRunOf(split);
  const headWasCached = session.hasHead(split);
  const head = await session.head(loaded.split, coldStart);
  await checkpoint("buEncoder");
  const coded = await encodeFeatures(loaded, { model: manifest.index, split, rate }, head.features, checkpoint);
  await checkpoint("entropyDecode");
  const server = await runServer(backbone, loaded, manifest.index, coded.bitstreams, checkpoint);
  try {
    const unsplitWasCached = session.hasUnsplit();
    const unsplit = await session.unsplit(loaded.split, coldStart);
    const features = head.plain();
    const reconstruction = server.reconstruction.map((r) => r.dataSync() as Float32Array);
    const all = concat(features.map((f) => f.data));
    const allRec = concat(reconstruction);
    const splitOut = (await server.outputs[0].data()) as Float32Array;
    const symbols = coded.symbols[0];
    return {
      token: p.token,
      model: manifest.id,
      split,
      rate,
      backend: tf.getBackend() as RunResult["backend"],
      features: p.features ? features.map((f) => ({ data: f.data.slice(), shape: f.shape })) : null,
      reconstruction: { data: new Float32Array(reconstruction[0]), shape: features[0].shape },
      featureMse: mse(all, allRec),
      featurePsnr: psnr(all, allRec),
      latents: symbols.map((s, i) => latentSummary(s, loaded.rate.units[i].latentShape, loaded.units[i].tables)),
      symbolCount: symbols.reduce((n, s) => n + s.length, 0),
      bitstream: coded.bitstreams[0],
      payloadBytes: coded.payloadBytes[0],
      estimatedBits: coded.estimatedBits[0],
      task: manifest.task,
      prediction: { split: predictionOf(manifest, splitOut), unsplit: predictionOf(manifest, unsplit.out) },
      ms: { head: head.ms, ...coded.ms, ...server.ms, unsplit: unsplit.ms },
      reused: { head: headWasCached, unsplit: unsplitWasCached },
      coldStart,
      measuredCold: { head: head.cold, unsplit: unsplit.cold },
      inputPixels: manifest.input.height * manifest.input.width,
      float32Bytes: all.length * 4,
      jpegBytes: session.knownJpegBytes(),
      jpegQuality: JPEG_QUALITY,
      numTensors: 0, // filled in by the caller once everything is disposed
      counters: snapshot(), // completed by the caller
    };
  } finally {
    tf.dispose([...server.reconstruction, ...server.outputs]);
  }
}

/** Every rate level of a split point on one input, one after another, the head computed (at most) once. */
export async function runLevels(p: InputParams): Promise<RunLevelsResult> {
  return asRun(
    p,
    async ({ model, session, checkpoint, stale }) => {
      const { manifest, backbone } = model;
      const split = manifest.splits[p.split];
      if (!split) throw new BadInput(`Model ${manifest.id} has no split ${p.split}.`);
      const levels: LevelResult[] = [];
      const cold = model.firstRunOf(p.split);
      let headMs: number | null = null;
      for (const rate of split.rates) {
        const loaded = await rateOf(model, p.split, rate.index);
        stale();
        const head = await session.head(split, cold);
        // A head time that includes kernel setup is no figure to budget with: measured again, once, warm.
        headMs ??= head.cold ? await session.warmHeadMs(split) : head.ms;
        await checkpoint("buEncoder");
        const coded = await encodeFeatures(loaded, { model: manifest.index, split: p.split, rate: rate.index }, head.features, checkpoint);
        await checkpoint("entropyDecode");
        const server = await runServer(backbone, loaded, manifest.index, coded.bitstreams, checkpoint);
        try {
          const all = concat(head.plain().map((f) => f.data));
          const allRec = concat(server.reconstruction.map((r) => r.dataSync() as Float32Array));
          levels.push({
            rate: rate.index,
            bytes: coded.bitstreams[0].length,
            payloadBytes: coded.payloadBytes[0],
            estimatedBits: coded.estimatedBits[0],
            featureMse: mse(all, allRec),
            featurePsnr: psnr(all, allRec),
            prediction: predictionOf(manifest, (await server.outputs[0].data()) as Float32Array),
            ms: { head: headMs, ...coded.ms, ...server.ms },
          });
        } finally {
          tf.dispose([...server.reconstruction, ...server.outputs]);
        }
      }
      const unsplit = await session.unsplit(split);
      return {
        token: p.token,
        model: manifest.id,
        split: p.split,
        levels,
        unsplit: predictionOf(manifest, unsplit.out),
        unsplitMs: unsplit.ms,
        counters: snapshot(),
      };
    },
    true,
  );
}

/**
 * Sending the input as a JPEG instead of splitting it: encoded and decoded as a receiver would, and the whole model
 * run on the decoded pixels (its own session), beside the whole model on the original.
 */
export async function runJpeg(p: JpegRunParams): Promise<JpegRunResult> {
  return asRun(
    p,
    async ({ model, session, checkpoint }) => {
      const { manifest } = model;
      if (!(Number.isFinite(p.quality) && p.quality >= 1 && p.quality <= 100)) throw new BadInput(`A JPEG quality is 1 to 100, not ${p.quality}.`);
      const { width, height, channels } = manifest.input;
      const first = manifest.splits[0];
      const original = await session.unsplit(first);
      await checkpoint("head");
      // Best of two: a single timing of a first call measures the JIT as much as the codec.
      const timed = <T>(f: () => T): { value: T; ms: number } => {
        let best = Infinity;
        let value!: T;
        for (let i = 0; i < 2; i++) {
          const t0 = performance.now();
          value = f();
          best = Math.min(best, performance.now() - t0);
        }
        return { value, ms: best };
      };
      const { value: bytes, ms: encode } = timed(() => jpegBytes({ pixels: p.pixels, width, height, channels }, p.quality));
      const { value: decoded, ms: decode } = timed(() => jpegDecode(bytes, manifest.input));
      await checkpoint("head");
      const received = model.sessions.acquire(decoded);
      try {
        const t = performance.now();
        const out = await received.unsplit(first);
        return {
          token: p.token,
          model: manifest.id,
          quality: p.quality,
          bytes: bytes.length,
          decoded: decoded.slice(),
          prediction: predictionOf(manifest, out.out),
          unsplit: predictionOf(manifest, original.out),
          ms: { encode, decode, model: performance.now() - t },
        };
      } finally {
        model.sessions.release(received);
      }
    },
    true,
  );
}

/** What sending the input itself would cost: its JPEG size, computed once per input, apart from the runs. */
export async function inputBaselines(p: Pick<InputParams, "model" | "pixels">): Promise<BaselinesResult> {
  const handle = await pageSlot.hold(p.model);
  try {
    const session = handle.model.sessions.acquire(checkPixels(handle.model.manifest, p.pixels));
    try {
      return { jpegBytes: session.jpegBytes(), jpegQuality: JPEG_QUALITY };
    } finally {
      handle.model.sessions.release(session);
    }
  } finally {
    handle.release();
  }
}

/**
 * The edge server's job: a bitstream file in, a prediction out. The header is checked against the registry and
 * the manifests, then the payload against the rate level's tables, before the backbone is touched. Any defect
 * is a BitstreamError.
 */
export async function decodeFile(bytes: Uint8Array): Promise<DecodeResult> {
  if (bytes.length === 0) throw new BitstreamError("truncated", "the file is empty");
  const { header } = readContainer(bytes);
  const manifest = await manifestByIndex(header.model);
  if (!manifest) throw new BitstreamError("unknown-id", `no model has index ${header.model}`);
  // A fitted unit's stream names its unit by id (its split field is the cut's index): that unit, or a clear no.
  const unit = header.unit === undefined ? undefined : fittedById(header.unit);
  if (header.unit !== undefined) {
    if (!unit) throw new BitstreamError("unknown-unit", `it was made with unit ${header.unit}, which this page has not fitted or loaded`);
    if (unit.model !== manifest.id)
      throw new BitstreamError("unknown-unit", `unit ${header.unit} belongs to model ${unit.model}, the stream names ${manifest.id}`);
  }
  const found = unit
    ? unit.split.rates[header.rate] && { split: unit.split, rate: unit.split.rates[header.rate] }
    : findRate(manifest, header.split, header.rate);
  if (!found) throw new BitstreamError("unknown-id", `model ${manifest.id} has no split ${header.split} with rate level ${header.rate}`);

  const model = await decodeSlot.use(manifest.id);
  const handle = await decodeSlot.hold(manifest.id);
  try {
    const loaded = unit ? unit.rates[header.rate] : await handle.model.rate(header.split, header.rate);
    // The payload against its tables (throws a BitstreamError) before the backbone runs.
    decodeSymbols(bytes, () => ({ shapes: loaded.rate.units.map((u) => u.latentShape), tables: loaded.units.map((u) => u.tables) }));
    const server = await runServer(model.backbone, loaded, manifest.index, [bytes]);
    try {
      const out = (await server.outputs[0].data()) as Float32Array;
      let top: DecodeResult["top"] = null;
      let detections = 0;
      if (manifest.task === "detection") {
        const shown = shownDetections(out);
        detections = shown.length;
        if (shown[0]) top = { label: manifest.classes[shown[0].cls] ?? `class ${shown[0].cls}`, p: shown[0].score };
      } else {
        const probs = softmax(out);
        const best = probs.indexOf(Math.max(...probs));
        top = { label: manifest.classes[best] ?? `class ${best}`, p: probs[best] };
      }
      return {
        model: manifest.id,
        modelName: manifest.name,
        split: { index: found.split.index, id: found.split.id, label: found.split.label },
        rate: { index: found.rate.index, id: found.rate.id, label: found.rate.label },
        bytes: bytes.length,
        task: manifest.task,
        top,
        detections,
        ms: server.ms,
      };
    } finally {
      tf.dispose([...server.reconstruction, ...server.outputs]);
    }
  } finally {
    handle.release();
  }
}

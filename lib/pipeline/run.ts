/**
 * One run of split computing, stage by stage:
 *   client: head -> BU encoder -> quantizer -> rANS bitstream
 *   server: bitstream -> decoder -> dequantizer -> BU decoder -> tail
 * The server side only ever sees the bytes. Works on a batch (scripts) or a single image (the app);
 * stage times are wall-clock milliseconds for the whole batch, each stage awaited to completion.
 */
import * as tf from "@tensorflow/tfjs";
import { BitstreamError, decodeSymbols, dequantize, encodeSymbols, estimateBits, quantize, type StreamIds } from "@/lib/codec";
import { decodeFolded, encodeFolded } from "@/lib/bottleneck/bu";
import type { Backbone } from "@/lib/models/backbone";
import type { LoadedRate } from "./units";

export interface StageTimes {
  head: number;
  buEncoder: number;
  entropyEncode: number;
  entropyDecode: number;
  buDecoder: number;
  tail: number;
}

export interface ClientResult {
  /** Split tensors, one per cut tensor (whole batch); the caller disposes them. */
  features: tf.Tensor4D[];
  /** Per image: per cut tensor, the integer symbols sent. */
  symbols: Int32Array[][];
  bitstreams: Uint8Array[];
  payloadBytes: number[];
  estimatedBits: number[];
  ms: Pick<StageTimes, "head" | "buEncoder" | "entropyEncode">;
}

export interface ServerResult {
  /** Reconstructed split tensors (whole batch); the caller disposes them. */
  reconstruction: tf.Tensor4D[];
  outputs: tf.Tensor[];
  ms: Pick<StageTimes, "entropyDecode" | "buDecoder" | "tail">;
}

const now = () => performance.now();

/**
 * The wasm and cpu backends run each kernel to completion when it is called, so their results need no waiting:
 * reading them back would only add a copy (about 0.1 ms a tensor on wasm, a tenth of the BU's own time at the
 * digits splits). Other backends (webgl) queue work, which must finish before a stage's time is taken.
 */
const RUNS_WHEN_CALLED = new Set(["wasm", "cpu"]);

async function settle(ts: tf.Tensor[]): Promise<void> {
  if (!RUNS_WHEN_CALLED.has(tf.getBackend())) await Promise.all(ts.map((t) => t.data()));
}

async function read(t: tf.Tensor): Promise<Float32Array> {
  return (RUNS_WHEN_CALLED.has(tf.getBackend()) ? t.dataSync() : await t.data()) as Float32Array;
}

/**
 * Called between stages with the name of the next one. It may yield to other work, and it may throw to abandon the
 * run (a newer request has arrived): the pipeline then disposes what it made so far and rethrows.
 */
export type Checkpoint = (next: keyof StageTimes) => Promise<void> | void;

/** The client's first stage: the head's output at each cut tensor of the split point. */
export async function runHead(backbone: Backbone, split: LoadedRate["split"], x: tf.Tensor4D): Promise<{ features: tf.Tensor4D[]; ms: number }> {
  const t = now();
  const features = backbone.head(x, split.tensors);
  await settle(features);
  return { features, ms: now() - t };
}

/** The rest of the client, from the head's output: BU encoder -> quantizer -> rANS bitstream. `features` stay the caller's. */
export async function encodeFeatures(
  loaded: LoadedRate,
  ids: StreamIds,
  features: tf.Tensor4D[],
  checkpoint?: Checkpoint,
): Promise<Omit<ClientResult, "features" | "ms"> & { ms: Pick<StageTimes, "buEncoder" | "entropyEncode"> }> {
  const batch = features[0].shape[0];
  let t = now();
  const latents = loaded.units.map((u, i) => encodeFolded(u.bu, features[i]));
  let latentData: Float32Array[];
  try {
    latentData = await Promise.all(latents.map(read));
  } finally {
    tf.dispose(latents);
  }
  const buEncoder = now() - t;
  await checkpoint?.("entropyEncode");

  t = now();
  const symbols: Int32Array[][] = [];
  const bitstreams: Uint8Array[] = [];
  const payloadBytes: number[] = [];
  for (let b = 0; b < batch; b++) {
    const perTensor = loaded.units.map((u, i) => {
      const per = latentData[i].length / batch;
      return quantize(latentData[i].subarray(b * per, (b + 1) * per), u.bu.cfg.step);
    });
    const stream = encodeSymbols(
      loaded.unitId ? { ...ids, split: loaded.cutIndex ?? ids.split, unit: loaded.unitId } : ids,
      perTensor.map((s, i) => ({ symbols: s, tables: loaded.units[i].tables })),
    );
    symbols.push(perTensor);
    bitstreams.push(stream.bytes);
    payloadBytes.push(stream.payloadBytes);
  }
  const entropyEncode = now() - t;
  // What the entropy model expects the payload to cost: shown next to the real bytes, not part of sending them.
  const estimatedBits = symbols.map((perTensor) => perTensor.reduce((sum, s, i) => sum + estimateBits(s, loaded.units[i].tables), 0));
  return { symbols, bitstreams, payloadBytes, estimatedBits, ms: { buEncoder, entropyEncode } };
}

export async function runClient(backbone: Backbone, loaded: LoadedRate, ids: StreamIds, x: tf.Tensor4D): Promise<ClientResult> {
  const { features, ms: head } = await runHead(backbone, loaded.split, x);
  try {
    const coded = await encodeFeatures(loaded, ids, features);
    return { features, ...coded, ms: { head, ...coded.ms } };
  } catch (e) {
    tf.dispose(features);
    throw e;
  }
}

/**
 * The edge server's side: decodes each bitstream (which must name this model, split and rate), then runs the
 * BU decoders and the tail. Throws BitstreamError for any stream that is not exactly right.
 */
export async function runServer(
  backbone: Backbone,
  loaded: LoadedRate,
  modelIndex: number,
  bitstreams: Uint8Array[],
  checkpoint?: Checkpoint,
): Promise<ServerResult> {
  let t = now();
  const shapes = loaded.rate.units.map((u) => u.latentShape);
  const perImage = bitstreams.map(
    (bytes) =>
      decodeSymbols(bytes, (h) => {
        const split = loaded.unitId ? (loaded.cutIndex ?? loaded.split.index) : loaded.split.index;
        if (h.model !== modelIndex || h.split !== split || h.rate !== loaded.rate.index) {
          throw new BitstreamError("unknown-id", `stream is for model ${h.model}, split ${h.split}, rate ${h.rate}`);
        }
        if (h.unit !== loaded.unitId) {
          throw new BitstreamError(
            "unknown-unit",
            h.unit
              ? `the stream names unit ${h.unit}, ${loaded.unitId ? `the loaded one is ${loaded.unitId}` : "the decoder holds a prepared unit"}`
              : `the stream names no unit, the decoder holds fitted unit ${loaded.unitId}`,
          );
        }
        return { shapes, tables: loaded.units.map((u) => u.tables) };
      }).symbols,
  );
  const latentData = loaded.units.map((u, i) => {
    const per = shapes[i].reduce((a, b) => a * b, 1);
    const all = new Float32Array(per * bitstreams.length);
    perImage.forEach((syms, b) => all.set(dequantize(syms[i], u.bu.cfg.step), b * per));
    return all;
  });
  const entropyDecode = now() - t;
  await checkpoint?.("buDecoder");

  t = now();
  const reconstruction = loaded.units.map((u, i) =>
    tf.tidy(() => decodeFolded(u.bu, tf.tensor4d(latentData[i], [bitstreams.length, ...shapes[i]] as [number, number, number, number]))),
  );
  try {
    await settle(reconstruction);
    const buDecoder = now() - t;
    await checkpoint?.("tail");

    t = now();
    const outputs = backbone.tail(reconstruction, loaded.split.tensors);
    await settle(outputs);
    const tail = now() - t;
    return { reconstruction, outputs, ms: { entropyDecode, buDecoder, tail } };
  } catch (e) {
    tf.dispose(reconstruction);
    throw e;
  }
}

/**
 * Runs a rate level over many images through the real pipeline, in chunks, and returns per-image figures.
 * The evaluation script and the tests that re-check its output both call this.
 */
import * as tf from "@tensorflow/tfjs";
import { mse, top1 } from "@/lib/metrics/summary";
import type { Backbone } from "@/lib/models/backbone";
import { runClient, runServer } from "./run";
import type { LoadedRate } from "./units";

export interface PerImage<P = number> {
  bytes: number[];
  payloadBytes: number[];
  estimatedBits: number[];
  predictions: P[];
  featureMse: number[];
}

/** Top-1 class per image: how a classifier's outputs are read unless the caller says otherwise. */
async function readTop1(outputs: tf.Tensor[], classes: number): Promise<number[]> {
  return top1(await outputs[0].data(), classes);
}

export async function evaluateRate<P = number>(opts: {
  backbone: Backbone;
  loaded: LoadedRate;
  modelIndex: number;
  /** Images, NHWC, flattened. */
  pixels: Float32Array;
  imageShape: [number, number, number];
  count: number;
  classes: number;
  chunk?: number;
  /** Reads one chunk's predictions from the tail's outputs (default: top-1 class); must not dispose them. */
  read?: (outputs: tf.Tensor[], n: number) => Promise<P[]>;
}): Promise<PerImage<P>> {
  const { backbone, loaded, imageShape } = opts;
  const chunk = opts.chunk ?? 250;
  const pix = imageShape[0] * imageShape[1] * imageShape[2];
  const ids = { model: opts.modelIndex, split: loaded.split.index, rate: loaded.rate.index };
  const read = opts.read ?? (async (outputs: tf.Tensor[]) => (await readTop1(outputs, opts.classes)) as P[]);
  const out: PerImage<P> = { bytes: [], payloadBytes: [], estimatedBits: [], predictions: [], featureMse: [] };
  for (let s = 0; s < opts.count; s += chunk) {
    const n = Math.min(chunk, opts.count - s);
    const x = tf.tensor4d(opts.pixels.subarray(s * pix, (s + n) * pix), [n, ...imageShape]);
    const client = await runClient(backbone, loaded, ids, x);
    const server = await runServer(backbone, loaded, opts.modelIndex, client.bitstreams);
    for (const [t, f] of client.features.entries()) {
      const a = (await f.data()) as Float32Array;
      const b = (await server.reconstruction[t].data()) as Float32Array;
      const per = a.length / n;
      for (let i = 0; i < n; i++) {
        const e = mse(a.subarray(i * per, (i + 1) * per), b.subarray(i * per, (i + 1) * per));
        out.featureMse[s + i] = (out.featureMse[s + i] ?? 0) + e / client.features.length;
      }
    }
    out.predictions.push(...(await read(server.outputs, n)));
    out.bytes.push(...client.bitstreams.map((b) => b.length));
    out.payloadBytes.push(...client.payloadBytes);
    out.estimatedBits.push(...client.estimatedBits);
    tf.dispose([x, ...client.features, ...server.reconstruction, ...server.outputs]);
  }
  return out;
}

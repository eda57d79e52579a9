/**
 * Runs a rate level over many images through the real pipeline, in chunks, and returns per-image figures.
 * The evaluation script and the tests that re-check its output both call this.
 */
import * as tf from "@tensorflow/tfjs";
import { mse, top1 } from "@/lib/metrics/summary";
import type { Backbone } from "@/lib/models/backbone";
import { runClient, runServer } from "./run";
import type { LoadedRate } from "./units";

export interface PerImage {
  bytes: number[];
  payloadBytes: number[];
  estimatedBits: number[];
  predictions: number[];
  featureMse: number[];
}

export async function evaluateRate(opts: {
  backbone: Backbone;
  loaded: LoadedRate;
  modelIndex: number;
  /** Images, NHWC, flattened. */
  pixels: Float32Array;
  imageShape: [number, number, number];
  count: number;
  classes: number;
  chunk?: number;
}): Promise<PerImage> {
  const { backbone, loaded, imageShape } = opts;
  const chunk = opts.chunk ?? 250;
  const pix = imageShape[0] * imageShape[1] * imageShape[2];
  const ids = { model: opts.modelIndex, split: loaded.split.index, rate: loaded.rate.index };
  const out: PerImage = { bytes: [], payloadBytes: [], estimatedBits: [], predictions: [], featureMse: [] };
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
    out.predictions.push(...top1(await server.outputs[0].data(), opts.classes));
    out.bytes.push(...client.bitstreams.map((b) => b.length));
    out.payloadBytes.push(...client.payloadBytes);
    out.estimatedBits.push(...client.estimatedBits);
    tf.dispose([x, ...client.features, ...server.reconstruction, ...server.outputs]);
  }
  return out;
}

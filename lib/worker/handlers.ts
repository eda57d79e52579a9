/**
 * Worker-side request handlers, one per request type in protocol.ts. Each returns its result or throws;
 * splitscope.worker.ts turns throws into error values.
 */
import { initBrowserBackend, type BrowserBackend } from "@/lib/tf/browser-backend";
import { assetUrl } from "./asset-url";
import { runCodecRoundTrip, sumAndMse, validateDemoParams } from "./codec-demo";
import type { ParamsOf, RequestType, ResultOf } from "./protocol";

/** A throw that carries a ready sentence and a protocol error code. */
export class RequestError extends Error {
  constructor(
    readonly code: "bad-request" | "no-backend",
    message: string,
  ) {
    super(message);
    this.name = "RequestError";
  }
}

/** One backend per worker: the first request picks it (init's preference, or the default order). */
let backend: Promise<BrowserBackend> | null = null;

function ensureBackend(params: ParamsOf<"init"> = {}): Promise<BrowserBackend> {
  if (!backend) {
    backend = initBrowserBackend({ prefer: params.backend, wasmPath: assetUrl("/wasm/") }).catch((e: unknown) => {
      backend = null; // let a later request try again
      throw new RequestError("no-backend", e instanceof Error ? e.message : String(e));
    });
  }
  return backend;
}

type Handlers = { [K in RequestType]: (params: ParamsOf<K>) => Promise<ResultOf<K>> };

export const handlers: Handlers = {
  async init(params) {
    const { tf, backend: name, failures } = await ensureBackend(params);
    return { backend: name, failures, tfVersion: tf.version.tfjs };
  },

  async "codec-demo"(params) {
    const problem = validateDemoParams(params);
    if (problem) throw new RequestError("bad-request", problem);
    const { tf, backend: name } = await ensureBackend();
    const trip = runCodecRoundTrip(params);

    // Exercise the active backend on the same data: the UI compares these with the plain-JS reference.
    const t0 = performance.now();
    const [sumT, mseT] = tf.tidy(() => {
      const a = tf.tensor3d(trip.original, params.shape);
      const b = tf.tensor3d(trip.reconstructed, params.shape);
      return [a.sum(), tf.sub(a, b).square().mean()];
    });
    let tensorSum: number, reconstructionMse: number;
    try {
      [[tensorSum], [reconstructionMse]] = await Promise.all([sumT.data(), mseT.data()]);
    } finally {
      sumT.dispose();
      mseT.dispose();
    }
    const tfMs = performance.now() - t0;
    const reference = sumAndMse(trip.original, trip.reconstructed);

    return {
      backend: name,
      shape: [...params.shape],
      step: params.step,
      symbolCount: trip.original.length,
      estimatedBits: trip.estimatedBits,
      payloadBytes: trip.payloadBytes,
      bitstream: trip.bitstream,
      exact: trip.exact,
      tensorSum,
      reconstructionMse,
      referenceSum: reference.sum,
      referenceMse: reference.mse,
      timingsMs: { ...trip.timingsMs, tf: tfMs },
    };
  },
};

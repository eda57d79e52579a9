/**
 * Worker-side request handlers, one per request type in protocol.ts. Each returns its result or throws;
 * splitscope.worker.ts turns throws into error values.
 */
import { initBrowserBackend, type BrowserBackend } from "@/lib/tf/browser-backend";
import { assetUrl } from "./asset-url";
import { runCodecRoundTrip, sumAndMse, validateDemoParams } from "./codec-demo";
import { counters } from "./counters";
import { Cancelled, LoadError, listModels, loadedModelIds, modelFiles } from "./model-store";
import type { Progress } from "./playground-protocol";
import { BadInput, decodeFile, inputBaselines, pageSlot, runImage, runJpeg, runLevels, StaleRun } from "./playground-run";
import type { ParamsOf, RequestType, ResultOf } from "./protocol";
import { cancelFit, fit, FitCancelled, listCuts, loadUnit } from "./fit-run";

/** A throw that carries a ready sentence and a protocol error code. */
export class RequestError extends Error {
  constructor(
    readonly code: "bad-request" | "no-backend" | "stale" | "load-failed" | "cancelled",
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

/** What a handler may do besides answering: report progress on its request. */
export interface HandlerContext {
  progress(p: Progress): void;
}

type Handlers = { [K in RequestType]: (params: ParamsOf<K>, ctx: HandlerContext) => Promise<ResultOf<K>> };

/** Error classes of the playground code -> protocol error values with their sentence. */
function asRequestError(e: unknown): unknown {
  if (e instanceof StaleRun) return new RequestError("stale", e.message);
  if (e instanceof Cancelled) return new RequestError("cancelled", e.message);
  if (e instanceof LoadError) return new RequestError("load-failed", e.message);
  if (e instanceof BadInput) return new RequestError("bad-request", e.message);
  if (e instanceof FitCancelled) return new RequestError("cancelled", e.message);
  return e;
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw asRequestError(e);
  }
}

export const handlers: Handlers = {
  async init(params) {
    const { tf, backend: name, failures } = await ensureBackend(params);
    return { backend: name, failures, tfVersion: tf.version.tfjs };
  },

  async models() {
    return { models: await translated(listModels) };
  },

  async "open-model"(params) {
    if (typeof params.model !== "string") throw new RequestError("bad-request", "Which model? The request names none.");
    return translated(() => modelFiles(params.model));
  },

  /** Makes `model` the page's model; a load still under way for another model is cancelled. */
  async "load-model"(params, ctx) {
    if (typeof params.model !== "string") throw new RequestError("bad-request", "Which model? The request names none.");
    const { backend: name } = await ensureBackend();
    const t0 = performance.now();
    await translated(() => pageSlot.use(params.model, (p) => ctx.progress(p), params.prefetch));
    return { backend: name, loadMs: performance.now() - t0 };
  },

  async run(params) {
    const { tf } = await ensureBackend();
    const result = await translated(() => runImage(params));
    return { ...result, numTensors: tf.memory().numTensors, counters: { ...counters } };
  },

  async "run-levels"(params) {
    await ensureBackend();
    return translated(() => runLevels(params));
  },

  async "jpeg-run"(params) {
    await ensureBackend();
    return translated(() => runJpeg(params));
  },

  async baselines(params) {
    await ensureBackend();
    return translated(() => inputBaselines(params));
  },

  async "decode-bitstream"(params) {
    if (!(params.bytes instanceof Uint8Array)) throw new RequestError("bad-request", "No bitstream bytes were sent.");
    await ensureBackend();
    return translated(() => decodeFile(params.bytes));
  },

  async cuts(params) {
    await ensureBackend();
    return translated(() => listCuts(params));
  },

  async fit(params, ctx) {
    await ensureBackend();
    return translated(() => fit(params, (p) => ctx.progress(p)));
  },

  async "cancel-fit"() {
    return cancelFit();
  },

  async "load-unit"(params) {
    await ensureBackend();
    return translated(() => loadUnit(params));
  },

  async memory() {
    const { tf } = await ensureBackend();
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, models: loadedModelIds(), counters: { ...counters } };
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

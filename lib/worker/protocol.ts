/**
 * The typed message protocol between the page and the Splitscope worker.
 *
 * Every request carries an id; the worker answers each id exactly once, with a result or with an error value
 * whose `message` is a sentence a person can read. Only plain data, typed arrays and shapes cross the
 * boundary (never tensors), and typed-array buffers travel as transferables.
 *
 * To add a request: add an entry to `Requests` and a handler in lib/worker/handlers.ts.
 */
import type { BackendFailure, BackendName } from "@/lib/tf/browser-backend";
import type {
  BaselinesParams,
  BaselinesResult,
  JpegRunParams,
  JpegRunResult,
  DecodeParams,
  DecodeResult,
  LoadModelParams,
  LoadModelResult,
  MemoryResult,
  ModelFiles,
  ModelParams,
  ModelsResult,
  Progress,
  RunLevelsParams,
  RunLevelsResult,
  RunParams,
  RunResult,
} from "./playground-protocol";
import type { CutsParams, CutsResult, FitParams, FittedResult, LoadUnitParams } from "./fit-protocol";

export type { BackendFailure, BackendName };

/** Sent first. A worker initialises one backend; later init calls report it and ignore their preference. */
export interface InitParams {
  /** Backend to try first (e.g. from ?backend=wasm); the others follow if it fails. */
  backend?: BackendName;
}

export interface InitResult {
  backend: BackendName;
  failures: BackendFailure[];
  tfVersion: string;
}

export interface CodecDemoParams {
  seed: number;
  /** Channels-last [height, width, channels]. */
  shape: [number, number, number];
  /** Quantizer step. */
  step: number;
}

export interface CodecDemoResult {
  backend: BackendName;
  shape: number[];
  step: number;
  symbolCount: number;
  /** Sum of -log2 P(symbol) under the tables the coder used. */
  estimatedBits: number;
  /** The rANS payload alone. */
  payloadBytes: number;
  /** The whole container: header, explicit shape, payload and CRC. */
  bitstream: Uint8Array;
  /** Whether the decoded symbols equal the encoded ones, element for element. */
  exact: boolean;
  /** Computed by tfjs on `backend`: sum of the synthetic tensor and MSE of its reconstruction. */
  tensorSum: number;
  reconstructionMse: number;
  /** The same two numbers computed in plain JS, to check the backend against. */
  referenceSum: number;
  referenceMse: number;
  timingsMs: { encode: number; decode: number; tf: number };
}

/** Request type -> its parameters and result. The playground's requests live in playground-protocol.ts. */
export interface Requests {
  init: { params: InitParams; result: InitResult };
  "codec-demo": { params: CodecDemoParams; result: CodecDemoResult };
  models: { params: Record<string, never>; result: ModelsResult };
  "open-model": { params: ModelParams; result: ModelFiles };
  "load-model": { params: LoadModelParams; result: LoadModelResult };
  run: { params: RunParams; result: RunResult };
  "run-levels": { params: RunLevelsParams; result: RunLevelsResult };
  baselines: { params: BaselinesParams; result: BaselinesResult };
  "jpeg-run": { params: JpegRunParams; result: JpegRunResult };
  "decode-bitstream": { params: DecodeParams; result: DecodeResult };
  memory: { params: Record<string, never>; result: MemoryResult };
  cuts: { params: CutsParams; result: CutsResult };
  fit: { params: FitParams; result: FittedResult };
  "cancel-fit": { params: Record<string, never>; result: { cancelled: boolean } };
  "load-unit": { params: LoadUnitParams; result: FittedResult };
}

export type RequestType = keyof Requests;
export type ParamsOf<K extends RequestType> = Requests[K]["params"];
export type ResultOf<K extends RequestType> = Requests[K]["result"];

export type WorkerRequest = {
  [K in RequestType]: { id: number; type: K; params: ParamsOf<K> };
}[RequestType];

export type WorkerErrorCode =
  | "bad-request"
  | "no-backend"
  /** A file could not be downloaded or read (the message names it); the same request may be retried. */
  | "load-failed"
  /** A newer choice made this request pointless (another model chosen while this one loaded). */
  | "cancelled"
  | "bitstream"
  | "internal"
  | "worker-crashed"
  | "terminated"
  /** A newer run replaced this one before it finished; the page ignores it. */
  | "stale";

export interface WorkerError {
  code: WorkerErrorCode;
  /** A sentence for people. */
  message: string;
}

export type WorkerResponse =
  | { [K in RequestType]: { id: number; type: K; ok: true; result: ResultOf<K> } }[RequestType]
  | { id: number; type: RequestType | "unknown"; ok: false; error: WorkerError };

/** Sent any number of times before a request's response, e.g. while weights download. */
export interface WorkerProgress {
  id: number;
  progress: Progress;
}

export type WorkerMessage = WorkerResponse | WorkerProgress;

export function isProgress(m: WorkerMessage): m is WorkerProgress {
  return "progress" in m;
}

/** What a call resolves to: a value or an error, never a rejection. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: WorkerError };

function isTypedArray(v: unknown): v is ArrayBufferView {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/**
 * The ArrayBuffers behind every typed array in `value` (searched through plain objects and arrays), each
 * once, so they can be transferred instead of copied. SharedArrayBuffers are skipped: they cannot move.
 */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  const walk = (v: unknown, depth: number) => {
    if (depth > 8 || v === null || typeof v !== "object") return;
    if (isTypedArray(v)) {
      if (v.buffer instanceof ArrayBuffer) found.add(v.buffer);
      return;
    }
    if (v instanceof ArrayBuffer) {
      found.add(v);
      return;
    }
    for (const item of Array.isArray(v) ? v : Object.values(v)) walk(item, depth + 1);
  };
  walk(value, 0);
  return [...found];
}

/**
 * Messages of the playground: load a model, run one image through the split pipeline, decode a bitstream
 * file on the "server" side. Results are plain view models (typed arrays with shapes, numbers, strings):
 * the page draws them and never sees a tensor.
 */
import type { BackendName } from "@/lib/tf/browser-backend";
import type { ModelManifest } from "@/lib/models/manifest";
import type { Detection } from "@/lib/view/detections";
import type { SymbolHistogram } from "@/lib/view/histogram";
import type { StageTimes } from "@/lib/pipeline/run";

/** A channels-last array with its shape (no batch), e.g. [28, 28, 1] or [14, 14, 32]. */
export interface PlainTensor {
  data: Float32Array;
  shape: number[];
}

export interface Progress {
  /** What is being fetched, in words ("backbone weights"). */
  what: string;
  /** 0..1 */
  fraction: number;
}

export interface RegistryEntry {
  id: string;
  /** Site-relative path of the manifest. */
  manifest: string;
}

export interface LoadModelParams {
  /** Model id from public/models/index.json. */
  model: string;
}

export interface LoadModelResult {
  backend: BackendName;
  registry: RegistryEntry[];
  manifest: ModelManifest;
  loadMs: number;
}

export interface RunParams {
  /** The page's run counter: the worker drops a run as soon as a newer token has arrived. */
  token: number;
  model: string;
  split: number;
  rate: number;
  /** The image as the model sees it: channels-last, values in the manifest's input range. */
  image: PlainTensor;
}

export type { Detection, SymbolHistogram };

/** Stage times in milliseconds, as lib/pipeline measures them. */
export type StageMs = StageTimes;

export interface RunResult {
  token: number;
  model: string;
  split: number;
  rate: number;
  backend: BackendName;
  input: PlainTensor;
  /** Per cut tensor: the head's output and the server's reconstruction of it. */
  features: PlainTensor[];
  reconstruction: PlainTensor[];
  /** Per cut tensor: the quantized latent symbols (latent shape) and per-channel histograms. */
  symbols: { data: Int32Array; shape: number[] }[];
  histograms: SymbolHistogram[][];
  /** The whole bitstream container, as sent. */
  bitstream: Uint8Array;
  payloadBytes: number;
  estimatedBits: number;
  /** Over all cut tensors. */
  featureMse: number;
  featurePsnr: number;
  task: "classification" | "detection";
  /** Classification: class probabilities (empty for detection). */
  splitProbs: number[];
  unsplitProbs: number[];
  /** Detection: boxes in input pixels, best first (empty for classification). */
  splitDetections: Detection[];
  unsplitDetections: Detection[];
  ms: StageMs & { unsplit: number };
  inputPixels: number;
  /** Bytes the split tensors take as raw float32. */
  float32Bytes: number;
  /** This image as a JPEG at quality 75 (what "send the input" would cost). */
  jpegBytes: number;
  jpegQuality: number;
  /** tf.memory().numTensors after the run, everything disposed. */
  numTensors: number;
}

export interface DecodeParams {
  bytes: Uint8Array;
}

export interface DecodeResult {
  model: string;
  split: number;
  rate: number;
  bytes: number;
  probs: number[];
  detections: Detection[];
  reconstruction: PlainTensor[];
  ms: Pick<StageMs, "entropyDecode" | "buDecoder" | "tail">;
}

export interface MemoryResult {
  numTensors: number;
  numBytes: number;
}

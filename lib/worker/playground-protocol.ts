/**
 * Messages of the playground: list the models, open one's small files, load its weights, run an input through
 * the split pipeline (one rate level, or every level of a split point), decode a bitstream file on the "server"
 * side. Results are plain view models (typed arrays with shapes, numbers, strings) holding only what the page
 * draws: the page never sees a tensor, and the input it sent does not come back.
 */
import type { BackendName } from "@/lib/tf/browser-backend";
import type { ModelManifest } from "@/lib/models/manifest";
import type { RdFile } from "@/lib/metrics/rd-schema";
import type { Detection } from "@/lib/view/detections";
import type { SymbolHistogram } from "@/lib/view/histogram";
import type { Sample } from "@/lib/view/samples";
import type { StageTimes } from "@/lib/pipeline/run";
import type { WorkerCounters } from "./counters";
import type { FitProgressView } from "./fit-protocol";

export type { WorkerCounters };

/** A channels-last array with its shape (no batch), e.g. [28, 28, 1] or [14, 14, 32]. */
export interface PlainTensor {
  data: Float32Array;
  shape: number[];
}

export interface Progress {
  /** The step under way: the model description, the weights download, building the model in tfjs; or a fit's. */
  phase: "manifest" | "weights" | "build" | "fit";
  /** A fit's progress (phase "fit"). */
  fit?: FitProgressView;
  /** The step in words ("the backbone weights"). */
  what: string;
  /** 0..1 where it can be measured (bytes downloaded), null where it cannot. */
  fraction: number | null;
}

export interface RegistryEntry {
  id: string;
  /** Site-relative path of the manifest. */
  manifest: string;
}

/** A model as the menu lists it. */
export interface ModelEntry {
  id: string;
  /** What it does, from its manifest ("Photos: COCO object detector (CenterNet, MobileNetV3)"). */
  name: string;
  task: ModelManifest["task"];
  inputChannels: number;
}

export interface ModelsResult {
  models: ModelEntry[];
}

export interface ModelParams {
  /** Model id from public/models/index.json. */
  model: string;
}

/** A model's small files, validated by the worker: enough to draw the controls, the RD chart and the gallery. */
export interface ModelFiles {
  manifest: ModelManifest;
  rd: RdFile | null;
  /** Why the RD file is missing or unusable, if it is. */
  rdProblem: string | null;
  samples: Sample[];
}

export interface LoadModelParams extends ModelParams {
  /** The split point and rate level (indices) the page will run first: their units load alongside the weights. */
  prefetch?: { split: number; rate: number };
}

export interface LoadModelResult {
  backend: BackendName;
  loadMs: number;
}

/** The input of a run: 8-bit pixels at the model's input size, channels-last. The worker keeps a session per input. */
export interface InputParams {
  /** The page's request counter: the worker drops a run as soon as a newer token has arrived on its channel. */
  token: number;
  /**
   * Runs supersede one another within a channel only (default "main"): two views of one input (a comparison of
   * two settings, a live RD curve beside the main view) each run on their own channel.
   */
  channel?: string;
  model: string;
  split: number;
  pixels: Uint8Array;
}

export interface RunParams extends InputParams {
  rate: number;
  /** Send the head's output back too (the page asks once per input and split point, then reuses its copy). */
  features: boolean;
}

export type { Detection, SymbolHistogram };

/** How many latent channels per cut tensor the page draws: their symbols and histograms cross, the rest is summarised. */
export const LATENT_CHANNELS_SHOWN = 16;

/** One cut tensor's quantized latent as the page draws it. */
export interface LatentSummary {
  /** The whole latent's shape [h, w, c]. */
  shape: number[];
  /** The symbols of its first channels (at most LATENT_CHANNELS_SHOWN), channels-last [h, w, shown]. */
  shown: Int32Array;
  shownChannels: number;
  /** Over all its symbols: smallest, largest, how many are zero. */
  lo: number;
  hi: number;
  zeros: number;
  /** Per shown channel: symbol counts against the entropy model's PMF. */
  histograms: SymbolHistogram[];
}

/** Stage times in milliseconds, as lib/pipeline measures them. */
export type StageMs = StageTimes;

/** What a prediction is: class probabilities, or detections above the lowest offered threshold, best first. */
export type Prediction = { probs: number[]; detections: Detection[] };

export interface RunResult {
  token: number;
  model: string;
  split: number;
  rate: number;
  backend: BackendName;
  /** Per cut tensor, the head's output; null unless asked for. */
  features: PlainTensor[] | null;
  /** The server's reconstruction of the first cut tensor (the one drawn), and the distortion over all of them. */
  reconstruction: PlainTensor;
  featureMse: number;
  featurePsnr: number;
  /** Per cut tensor: its quantized latent, summarised for drawing. */
  latents: LatentSummary[];
  /** All symbols sent, over every cut tensor. */
  symbolCount: number;
  /** The whole bitstream container, as sent. */
  bitstream: Uint8Array;
  payloadBytes: number;
  estimatedBits: number;
  task: "classification" | "detection";
  prediction: { split: Prediction; unsplit: Prediction };
  /** head and unsplit are the times measured when they were computed for this input (see reused). */
  ms: StageMs & { unsplit: number };
  /** Which results came from this input's session instead of being computed by this run. */
  reused: { head: boolean; unsplit: boolean };
  /** The first run of this split point since the model loaded: its times include one-time kernel setup. */
  coldStart: boolean;
  /** Whether the (possibly reused) head and unsplit times were measured during such a first run. */
  measuredCold: { head: boolean; unsplit: boolean };
  inputPixels: number;
  /** Bytes the split tensors take as raw float32. */
  float32Bytes: number;
  /** This image as a JPEG (what "send the input" would cost), once known: the page asks for it with "baselines". */
  jpegBytes: number | null;
  jpegQuality: number;
  /** tf.memory().numTensors after the run, everything disposed. */
  numTensors: number;
  counters: WorkerCounters;
}

export type BaselinesParams = Pick<InputParams, "model" | "pixels">;

export interface BaselinesResult {
  jpegBytes: number;
  jpegQuality: number;
}

/** Every rate level of one split point on one input, reusing the head's output: a live RD curve. */
export type RunLevelsParams = InputParams;

export interface LevelResult {
  rate: number;
  bytes: number;
  payloadBytes: number;
  estimatedBits: number;
  featureMse: number;
  featurePsnr: number;
  prediction: Prediction;
  /**
   * This level's stage times; head is the time measured when the head output was computed for this input, or
   * measured again if that was during the first run of the split point (kernel setup is not part of the budget).
   */
  ms: StageMs;
}

export interface RunLevelsResult {
  token: number;
  model: string;
  split: number;
  levels: LevelResult[];
  unsplit: Prediction;
  /** The whole model on this input, as measured when it was first computed for it. */
  unsplitMs: number;
  counters: WorkerCounters;
}

/** Sending the input itself as a JPEG instead of splitting: the file, what the server decodes, the model on that. */
export interface JpegRunParams extends Omit<InputParams, "split"> {
  quality: number;
}

export interface JpegRunResult {
  token: number;
  model: string;
  quality: number;
  /** The JPEG file's size: what would be sent. */
  bytes: number;
  /** The pixels the server decodes from it (the model's input size and channels). */
  decoded: Uint8Array;
  /** The whole model on the decoded JPEG, and on the original input. */
  prediction: Prediction;
  unsplit: Prediction;
  /** Encoding and decoding the JPEG, and the whole model on the decoded pixels (ms). */
  ms: { encode: number; decode: number; model: number };
}

export interface DecodeParams {
  bytes: Uint8Array;
}

/** A decoded bitstream, named as people read it. */
export interface DecodeResult {
  model: string;
  modelName: string;
  split: { index: number; id: string; label: string };
  rate: { index: number; id: string; label: string };
  bytes: number;
  task: "classification" | "detection";
  /** The top class, or the class of the most confident detection shown; null when nothing is detected. */
  top: { label: string; p: number } | null;
  /** Detections shown at the default threshold (after NMS). */
  detections: number;
  ms: Pick<StageMs, "entropyDecode" | "buDecoder" | "tail">;
}

export interface MemoryResult {
  numTensors: number;
  numBytes: number;
  /** Models holding a reference (the page's, the decoder's, any in use by a run). */
  models: string[];
  counters: WorkerCounters;
}

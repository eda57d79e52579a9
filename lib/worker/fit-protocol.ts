/**
 * Messages of "Fit a unit here": list the model's cuts, fit units at one (progress events name each phase and
 * carry each level's measured point as it finishes), cancel a fit, load a unit file. A fitted or loaded unit comes
 * back as a split point the page adds to its list, with its unit file for "Download unit".
 */
import type { ListedCut } from "@/lib/models/cuts";
import type { SplitPoint } from "@/lib/models/manifest";
import type { CutFitProgress, FitPoint } from "@/lib/pipeline/fit-cut";

export type { CutFitProgress, FitPoint, ListedCut };

export interface CutsParams {
  model: string;
}

export interface CutsResult {
  model: string;
  cuts: ListedCut[];
}

export interface FitParams {
  model: string;
  /** A cut's id, from "cuts". */
  cut: string;
  /** 8-bit pixels at the model's input size, one array per image (the gallery's and the visitor's). */
  images: Uint8Array[];
}

/** What a progress event of a fit carries (Progress.fit). */
export interface FitProgressView {
  progress: CutFitProgress;
  /** A level just measured, when this event announces one. */
  point?: FitPoint;
  elapsedMs: number;
}

export interface FittedResult {
  model: string;
  unitId: string;
  /** The new split point, as the page's model list now has it. */
  split: SplitPoint;
  points: FitPoint[];
  images: number;
  seconds: number;
  /** The unit file (JSON text): what "Download unit" saves. */
  file: string;
  /** tf.memory().numTensors before the fit, after it, and how many of those the unit itself holds. */
  tensors: { before: number; after: number; unit: number };
}

export interface LoadUnitParams {
  model: string;
  text: string;
}

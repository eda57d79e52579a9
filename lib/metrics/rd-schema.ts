/**
 * Rate-distortion results as written by the evaluation scripts (public/rd/<model>.json) and read by the app.
 * docs/rd-schema.md describes every field.
 */

export type RdMethod = "bu" | "input-png" | "input-jpeg" | "input-webp" | "float32" | "float16" | "int8-deflate" | "quant-rans";

export interface RdPoint {
  method: RdMethod;
  split: string | null;
  rate: string | null;
  /** JPEG quality, quantizer step or the BU's lambda; null where nothing is tuned. */
  param: number | null;
  bytesMean: number;
  bytesMedian: number;
  payloadBytesMean: number | null;
  estimatedBitsMean: number | null;
  accuracy: number;
  agreement: number;
  featureMse: number | null;
  buParams: number | null;
  encoderMacs: number | null;
  msPerStage: Record<string, number> | null;
  /** Detection models: mAP@0.5, mAP@[.5:.95] and mean IoU against the unsplit model's reference detections. */
  map50?: number;
  map5095?: number;
  meanIou?: number;
}

/** Bjontegaard rate difference of a split's BU curve against an input-image codec (lib/metrics/bd-rate). */
export interface RdBdRate {
  split: string;
  against: RdMethod;
  /** The quality measure the curves are compared at (e.g. map50). */
  metric: "map50" | "accuracy";
  /** Relative change in bytes at equal quality; null when the curves share no quality range. */
  rate: number | null;
  range: [number, number] | null;
}

export interface RdFile {
  model: string;
  dataset: { name: string; count: number; [k: string]: unknown };
  unsplit: { accuracy: number; msPerImage?: number };
  generatedBy: { command: string; seconds: number; at: string };
  points: RdPoint[];
  bdRates?: RdBdRate[];
}

/** The optional fields of a point, all null, for a script to override those that apply to its method. */
export const NO_DETAILS = {
  split: null,
  rate: null,
  param: null,
  payloadBytesMean: null,
  estimatedBitsMean: null,
  featureMse: null,
  buParams: null,
  encoderMacs: null,
  msPerStage: null,
} as const satisfies Partial<RdPoint>;

const METHODS = new Set<RdMethod>(["bu", "input-png", "input-jpeg", "input-webp", "float32", "float16", "int8-deflate", "quant-rans"]);
const isNum = (v: unknown) => typeof v === "number" && Number.isFinite(v);
const numOrNull = (v: unknown) => v === null || isNum(v);

/** Returns a list of problems; empty when the file matches the schema. */
export function rdProblems(json: unknown): string[] {
  const f = json as RdFile;
  const problems: string[] = [];
  if (!f || typeof f !== "object") return ["not an object"];
  if (typeof f.model !== "string") problems.push("model must be a string");
  if (!f.dataset || !isNum(f.dataset.count)) problems.push("dataset.count must be a number");
  if (!f.unsplit || !isNum(f.unsplit.accuracy)) problems.push("unsplit.accuracy must be a number");
  if (!Array.isArray(f.points) || f.points.length === 0) return [...problems, "points must be a non-empty array"];
  f.points.forEach((p, i) => {
    const at = `points[${i}]`;
    if (!METHODS.has(p.method)) problems.push(`${at}.method ${p.method} unknown`);
    if (p.method === "bu" && (typeof p.split !== "string" || typeof p.rate !== "string")) problems.push(`${at}: a BU point needs split and rate`);
    for (const k of ["bytesMean", "bytesMedian"] as const) if (!isNum(p[k]) || p[k] <= 0) problems.push(`${at}.${k} must be a positive number`);
    for (const k of ["accuracy", "agreement"] as const) if (!isNum(p[k]) || p[k] < 0 || p[k] > 1) problems.push(`${at}.${k} must be in [0, 1]`);
    for (const k of ["param", "payloadBytesMean", "estimatedBitsMean", "featureMse", "buParams", "encoderMacs"] as const) {
      if (!numOrNull(p[k])) problems.push(`${at}.${k} must be a number or null`);
    }
  });
  if (f.bdRates !== undefined) {
    if (!Array.isArray(f.bdRates)) problems.push("bdRates must be an array");
    else
      f.bdRates.forEach((b, i) => {
        const at = `bdRates[${i}]`;
        if (typeof b.split !== "string" || !METHODS.has(b.against)) problems.push(`${at} needs a split and a known method to compare against`);
        if (!numOrNull(b.rate) || (b.rate !== null && b.rate <= -1)) problems.push(`${at}.rate must be a number above -1 or null`);
        if ((b.rate === null) !== (b.range === null)) problems.push(`${at}: rate and range are both null or both set`);
      });
  }
  return problems;
}

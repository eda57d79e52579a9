/**
 * Models, split points and rate levels are data: a manifest per model, validated when loaded, drives the
 * app, the scripts and the tests alike. Indices (not names) go into bitstream headers.
 */

export interface InputSpec {
  height: number;
  width: number;
  channels: 1 | 3;
  /** Pixel values the model expects: [0, 1] or [0, 255]. */
  range: [number, number];
}

export interface SplitTensor {
  /** Node (layer) name whose output is cut. */
  node: string;
  /** What the tensor is, for people ("MobileNetV3 block 14, stride 32"); the node name serves where absent. */
  label?: string;
  /** Shape without batch, channels-last. */
  shape: number[];
  /** True when the tensor is non-negative (follows a ReLU). */
  nonNegative: boolean;
}

/** One bottleneck unit file set, relative to the manifest's folder. */
export interface UnitFiles {
  bu: string;
  weights: string;
  tables: string;
  latentShape: number[];
}

export interface RateLevel {
  id: string;
  index: number;
  label: string;
  lambda: number;
  latentChannels: number;
  stride: number;
  step: number;
  /** One BU per cut tensor, in the order of the split point's tensors. */
  units: UnitFiles[];
  buParams: number;
  encoderMacs: number;
  decoderMacs: number;
}

export interface SplitPoint {
  id: string;
  index: number;
  label: string;
  tensors: SplitTensor[];
  /** Multiply-accumulates the client runs (head), and its share of the whole model's. */
  headMacs: number;
  clientShare: number;
  /** Ordered from fewest bytes to best quality. */
  rates: RateLevel[];
}

export interface ModelManifest {
  format: "splitscope-model";
  version: 1;
  id: string;
  index: number;
  name: string;
  task: "classification" | "detection";
  /** probe: a graph node whose values change smoothly with a cut (Backbone.probe), for fits that measure sensitivity. */
  backbone: { kind: "layers" | "graph"; url: string; params: number; macs: number; outputs: string[]; probe?: string };
  input: InputSpec;
  classes: string[];
  splits: SplitPoint[];
  /** The view a first visit opens (split point id, optionally rate level id); otherwise the middle split and rate. */
  defaultView?: { split: string; rate?: string };
  /** Precomputed rate-distortion results (public/rd/*.json), relative to the site root. */
  rd?: string;
  /** Sample inputs, relative to the manifest's folder. */
  samples?: string;
  credits: { what: string; source: string; license: string }[];
}

export class ManifestError extends Error {
  constructor(message: string) {
    super(`Invalid model manifest: ${message}`);
    this.name = "ManifestError";
  }
}

function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new ManifestError(message);
}

const isPosInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;
const isShape = (v: unknown): v is number[] => Array.isArray(v) && v.length >= 1 && v.every(isPosInt);

/** Validates parsed JSON as a manifest; throws ManifestError naming the first problem. */
export function validateManifest(json: unknown): ModelManifest {
  const m = json as ModelManifest;
  check(m && typeof m === "object", "not an object");
  check(m.format === "splitscope-model" && m.version === 1, "unknown format or version");
  check(typeof m.id === "string" && m.id.length > 0, "missing id");
  check(Number.isInteger(m.index) && m.index >= 0, "index must be a non-negative integer");
  check(m.task === "classification" || m.task === "detection", `unknown task ${m.task}`);
  check(m.backbone && (m.backbone.kind === "layers" || m.backbone.kind === "graph") && typeof m.backbone.url === "string", "bad backbone");
  check(Array.isArray(m.backbone.outputs) && m.backbone.outputs.length > 0, "backbone outputs missing");
  check(m.backbone.probe === undefined || (m.backbone.kind === "graph" && typeof m.backbone.probe === "string"), "bad backbone probe");
  check(m.input && isPosInt(m.input.height) && isPosInt(m.input.width) && (m.input.channels === 1 || m.input.channels === 3), "bad input spec");
  check(Array.isArray(m.classes) && m.classes.length > 0, "classes missing");
  check(Array.isArray(m.splits) && m.splits.length > 0, "no split points");
  check(Array.isArray(m.credits), "credits missing");
  if (m.defaultView !== undefined) {
    const s = Array.isArray(m.splits) ? m.splits.find((x) => x.id === m.defaultView?.split) : undefined;
    check(s, `defaultView names split ${m.defaultView?.split}, which the manifest lacks`);
    check(
      m.defaultView.rate === undefined || s.rates.some((r) => r.id === m.defaultView?.rate),
      `defaultView names rate ${m.defaultView.rate}, which split ${s.id} lacks`,
    );
  }
  m.splits.forEach((s, i) => {
    check(s.index === i, `split ${s.id}: index ${s.index} should be ${i}`);
    check(Array.isArray(s.tensors) && s.tensors.length > 0, `split ${s.id}: no tensors`);
    for (const t of s.tensors)
      check(
        typeof t.node === "string" && isShape(t.shape) && (t.label === undefined || typeof t.label === "string"),
        `split ${s.id}: bad tensor ${JSON.stringify(t)}`,
      );
    check(s.clientShare >= 0 && s.clientShare <= 1, `split ${s.id}: clientShare out of [0, 1]`);
    check(Array.isArray(s.rates), `split ${s.id}: rates missing`);
    s.rates.forEach((r, j) => {
      check(r.index === j, `split ${s.id} rate ${r.id}: index ${r.index} should be ${j}`);
      check(r.step > 0 && isPosInt(r.stride) && isPosInt(r.latentChannels), `split ${s.id} rate ${r.id}: bad step/stride/channels`);
      check(Array.isArray(r.units) && r.units.length === s.tensors.length, `split ${s.id} rate ${r.id}: needs one unit per tensor`);
      for (const u of r.units)
        check(
          typeof u.bu === "string" && typeof u.weights === "string" && typeof u.tables === "string" && isShape(u.latentShape),
          `split ${s.id} rate ${r.id}: bad unit files`,
        );
    });
  });
  return m;
}

/** The split point and rate level a stream's ids name, or undefined when the manifest has no such pair. */
export function findRate(m: ModelManifest, split: number, rate: number): { split: SplitPoint; rate: RateLevel } | undefined {
  const s = m.splits[split];
  const r = s?.rates[rate];
  return s && r ? { split: s, rate: r } : undefined;
}

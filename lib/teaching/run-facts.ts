/**
 * One run of the split pipeline reduced to the figures teaching text talks about (shapes, counts, bytes, times,
 * answers), from the run result the page already holds and the model's manifest: nothing is run again.
 */
import type { ModelManifest } from "@/lib/models/manifest";
import type { RunResult } from "@/lib/worker/playground-protocol";
import { detectionsAbove } from "@/lib/view/detections";
import { count } from "./format";

export interface RunFacts {
  task: "classification" | "detection";
  splitId: string;
  rateId: string;
  inputShape: number[];
  /** The cut tensors (the head's output), one shape each. */
  featureShapes: number[][];
  featureValues: number;
  /** The BU encoder's output per cut tensor. */
  latentShapes: number[][];
  latentValues: number;
  symbols: number;
  step: number;
  lambda: number;
  estimatedBits: number;
  payloadBytes: number;
  bytes: number;
  float32Bytes: number;
  featureMse: number;
  featurePsnr: number;
  ms: RunResult["ms"];
  /** The split model's answer in words ("9", or "3 boxes, top: dog") and whether the unsplit model gives the same. */
  answer: string;
  unsplitAnswer: string;
  agree: boolean;
}

function answerOf(r: RunResult, which: "split" | "unsplit", classes: string[]): { text: string; key: string } {
  const p = r.prediction[which];
  if (r.task === "detection") {
    const shown = detectionsAbove(p.detections);
    const top = shown[0];
    const name = top ? (classes[top.cls] ?? String(top.cls)) : "none";
    return { text: shown.length ? `${shown.length} box${shown.length === 1 ? "" : "es"}, top: ${name}` : "no boxes", key: name };
  }
  let best = 0;
  p.probs.forEach((v, i) => {
    if (v > p.probs[best]) best = i;
  });
  return { text: classes[best] ?? String(best), key: classes[best] ?? String(best) };
}

export function runFacts(run: RunResult, manifest: ModelManifest): RunFacts | null {
  const split = manifest.splits[run.split];
  const rate = split?.rates[run.rate];
  if (!split || !rate) return null;
  const featureShapes = split.tensors.map((t) => t.shape);
  const latentShapes = run.latents.map((l) => l.shape);
  const a = answerOf(run, "split", manifest.classes);
  const u = answerOf(run, "unsplit", manifest.classes);
  return {
    task: run.task,
    splitId: split.id,
    rateId: rate.id,
    inputShape: [manifest.input.height, manifest.input.width, manifest.input.channels],
    featureShapes,
    featureValues: featureShapes.reduce((s, sh) => s + count(sh), 0),
    latentShapes,
    latentValues: latentShapes.reduce((s, sh) => s + count(sh), 0),
    symbols: run.symbolCount,
    step: rate.step,
    lambda: rate.lambda,
    estimatedBits: run.estimatedBits,
    payloadBytes: run.payloadBytes,
    bytes: run.bitstream.length,
    float32Bytes: run.float32Bytes,
    featureMse: run.featureMse,
    featurePsnr: run.featurePsnr,
    ms: run.ms,
    answer: a.text,
    unsplitAnswer: u.text,
    agree: a.key === u.key,
  };
}

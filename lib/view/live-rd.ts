/**
 * This input's own RD curve: every rate level of a split point run on the current input (the worker's
 * "run-levels"), as points the RD chart draws beside the dataset's means. One input has no accuracy of its own,
 * so its quality is how far the split model still agrees with the unsplit one on it: for a classifier the
 * probability the split model gives the unsplit model's answer, for a detector the mAP@0.5 of the split model's
 * boxes against the unsplit model's (the evaluation's own measure, on one image).
 */
import { detectionScores } from "@/lib/metrics/detection";
import type { ModelManifest } from "@/lib/models/manifest";
import { argmax } from "@/lib/metrics/summary";
import { DETECTION_SCORE_THRESHOLD, detectionsAbove } from "./detections";
import type { Prediction, RunLevelsResult } from "@/lib/worker/playground-protocol";

export interface LiveLevelPoint {
  /** Rate level id and index in the manifest. */
  rate: string;
  rateIndex: number;
  lambda: number;
  /** The whole bitstream, as it would be sent. */
  bytes: number;
  featureMse: number;
  featurePsnr: number;
  /** 0..1, null when there is nothing to agree on (a detector that finds no box unsplit). */
  agreement: number | null;
  /** The split model's answer in a few words ("7", "3 of 4 boxes found"). */
  answer: string;
}

/** The boxes both the page and the evaluation count: above the default threshold, after NMS, however many. */
const counted = (p: Prediction) => detectionsAbove(p.detections, DETECTION_SCORE_THRESHOLD, Infinity);

/** Agreement of a split prediction with the unsplit one on one input (see the file comment). */
export function agreementOnInput(task: ModelManifest["task"], split: Prediction, unsplit: Prediction): number | null {
  if (task === "detection") {
    const truth = counted(unsplit);
    if (!truth.length) return null;
    return detectionScores([truth], [counted(split)]).map50;
  }
  return split.probs[argmax(unsplit.probs)] ?? null;
}

function answerOf(manifest: ModelManifest, split: Prediction, unsplit: Prediction): string {
  if (manifest.task === "detection") {
    const n = counted(split).length;
    return `${n} box${n === 1 ? "" : "es"} (unsplit: ${counted(unsplit).length})`;
  }
  const top = argmax(split.probs);
  return `${manifest.classes[top] ?? top}${top === argmax(unsplit.probs) ? ", as unsplit" : `, unsplit says ${manifest.classes[argmax(unsplit.probs)]}`}`;
}

/** The curve's points, in rate level order. Levels the manifest does not know are left out. */
export function livePoints(manifest: ModelManifest, result: RunLevelsResult): LiveLevelPoint[] {
  const split = manifest.splits[result.split];
  if (!split) return [];
  return result.levels.flatMap((l) => {
    const rate = split.rates[l.rate];
    if (!rate) return [];
    return [
      {
        rate: rate.id,
        rateIndex: rate.index,
        lambda: rate.lambda,
        bytes: l.bytes,
        featureMse: l.featureMse,
        featurePsnr: l.featurePsnr,
        agreement: agreementOnInput(manifest.task, l.prediction, result.unsplit),
        answer: answerOf(manifest, l.prediction, result.unsplit),
      },
    ];
  });
}

/** One name per level across the page: "r3 (λ 0.004)". */
export function levelName(p: Pick<LiveLevelPoint, "rate" | "lambda">): string {
  return `${p.rate} (λ ${p.lambda.toPrecision(2)})`;
}

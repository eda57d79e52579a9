/**
 * Detection outputs as the page shows them: the evaluation's reference detections (score threshold, then NMS:
 * lib/metrics/detection), best first, and compared between the split and the unsplit model.
 */
import { DETECTION_SCORE_THRESHOLD, iou, referenceDetections, type Detection } from "@/lib/metrics/detection";

export type { Detection };

/** The reference detections (scoring at least minScore, after NMS), best first, at most max of them. */
export function shownDetections(rows: ArrayLike<number>, minScore = DETECTION_SCORE_THRESHOLD, max = 20): Detection[] {
  return referenceDetections(rows, { minScore }).slice(0, max);
}

/** How many of the unsplit model's detections the split model found again (same class, IoU >= 0.5). */
export function matchedCount(split: Detection[], unsplit: Detection[]): number {
  const used = new Set<number>();
  let n = 0;
  for (const u of unsplit) {
    const j = split.findIndex((s, k) => !used.has(k) && s.cls === u.cls && iou(s.box, u.box) >= 0.5);
    if (j >= 0) {
      used.add(j);
      n++;
    }
  }
  return n;
}

/**
 * Detection outputs as the page shows them: the detector's rows filtered to the confident ones, best first, and
 * compared between the split and the unsplit model. Parsing and IoU are the evaluation's (lib/metrics/detection).
 */
import { iou, parseDetections, type Detection } from "@/lib/metrics/detection";

export type { Detection };

/** Detections scoring at least minScore, best first, at most max of them. */
export function shownDetections(rows: ArrayLike<number>, minScore = 0.2, max = 20): Detection[] {
  return parseDetections(rows, minScore)
    .sort((a, b) => b.score - a.score)
    .slice(0, max);
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

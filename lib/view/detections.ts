/**

 * Detection outputs as the page shows them: the detector's rows above a score threshold, duplicates removed by
 * non-maximum suppression, best first (the evaluation's reference detections, lib/metrics/detection); how the split
 * model's boxes compare with the unsplit model's; and where their labels go.
 */
import {
  CANDIDATE_SCORE_THRESHOLD,
  DETECTION_SCORE_THRESHOLD,
  iou,
  nonMaxSuppression,
  parseDetections,
  referenceDetections,
  type Detection,
} from "@/lib/metrics/detection";

export type { Detection };
export { DETECTION_SCORE_THRESHOLD };

/** The lowest score threshold the page offers (the evaluation scores a method's detections down to the same); the worker sends every row from here up. */
export const CANDIDATE_SCORE_FLOOR = CANDIDATE_SCORE_THRESHOLD;
/** At most this many boxes are drawn. */
export const MAX_SHOWN = 20;

/** All rows a threshold slider could show, best first (the worker sends these). */
export function candidateDetections(rows: ArrayLike<number>): Detection[] {
  return parseDetections(rows, CANDIDATE_SCORE_FLOOR).sort((a, b) => b.score - a.score);
}

/** The boxes shown: scoring at least minScore, after NMS, best first, at most max of them. */
export function detectionsAbove(dets: Detection[], minScore = DETECTION_SCORE_THRESHOLD, max = MAX_SHOWN): Detection[] {
  return nonMaxSuppression(dets.filter((d) => d.score >= minScore)).slice(0, max);
}

/** The reference detections over the detector's raw rows (scoring at least minScore, after NMS), best first, at most max. */
export function shownDetections(rows: ArrayLike<number>, minScore = DETECTION_SCORE_THRESHOLD, max = MAX_SHOWN): Detection[] {
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

export interface Agreement {
  /** Unsplit boxes the split model found again. */
  found: number;
  /** Unsplit boxes. */
  of: number;
  /** Split boxes that match none of the unsplit ones. */
  extra: number;
}

export function agreementOf(split: Detection[], unsplit: Detection[]): Agreement {
  const found = matchedCount(split, unsplit);
  return { found, of: unsplit.length, extra: split.length - found };
}

/** "7 of 7 found, 1 extra". */
export function agreementText(a: Agreement): string {
  return `${a.found} of ${a.of} found${a.extra > 0 ? `, ${a.extra} extra` : ""}`;
}

export interface LabelBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The label font size in CSS pixels: never smaller. */
export const LABEL_FONT_PX = 12;
/** A generous average glyph width at LABEL_FONT_PX, so an estimated box holds the real text. */
const CHAR_PX = 7.2;
const PAD_PX = 3;

function overlaps(a: LabelBox, b: LabelBox): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * Places one label per box (boxes best first, in display pixels) inside a width x height picture, each on a spot
 * that no earlier label covers: above the box, inside its top edge, or below it. A label with no free spot is left
 * out (null); the list beside the picture still names it.
 */
export function placeLabels(boxes: { box: [number, number, number, number]; text: string }[], width: number, height: number): (LabelBox | null)[] {
  const placed: LabelBox[] = [];
  const h = LABEL_FONT_PX + 2 * PAD_PX;
  return boxes.map(({ box, text }) => {
    const w = Math.min(width, text.length * CHAR_PX + 2 * PAD_PX);
    const x = Math.max(0, Math.min(width - w, box[0]));
    const spots = [box[1] - h, box[1], box[3]];
    for (const y of spots) {
      if (y < 0 || y + h > height) continue;
      const r = { x, y, width: w, height: h };
      if (placed.some((p) => overlaps(p, r))) continue;
      placed.push(r);
      return r;
    }
    return null;
  });
}

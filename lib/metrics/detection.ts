/**
 * Detection agreement between a split model and the unsplit one: the unsplit model's detections above a
 * score threshold serve as ground truth, the split model's detections are ranked by score, and
 *   mAP@0.5 = mean over the ground truth's classes of the average precision (all-point interpolated, as in
 *             PASCAL VOC 2010+) where a detection is a true positive when it overlaps a not yet matched
 *             ground-truth box of its class with IoU >= 0.5;
 *   meanIou  = mean IoU of the true-positive pairs among detections above the same score threshold.
 */

export interface Detection {
  /** x1, y1, x2, y2 in pixels. */
  box: [number, number, number, number];
  score: number;
  cls: number;
}

/** Rows of (x1, y1, x2, y2, score, class), as CenterNet's "detections" output, flattened. */
export function parseDetections(rows: ArrayLike<number>, minScore = 0): Detection[] {
  const out: Detection[] = [];
  for (let i = 0; i + 6 <= rows.length; i += 6) {
    const score = rows[i + 4];
    if (!(score >= minScore)) continue;
    out.push({ box: [rows[i], rows[i + 1], rows[i + 2], rows[i + 3]], score, cls: Math.round(rows[i + 5]) });
  }
  return out;
}

export function iou(a: Detection["box"], b: Detection["box"]): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const area = (r: Detection["box"]) => Math.max(0, r[2] - r[0]) * Math.max(0, r[3] - r[1]);
  return inter / (area(a) + area(b) - inter);
}

/**
 * Detections scoring below this are not shown and not scored (@vladmandic/human's default for CenterNet); the page's
 * "Score threshold" starts here.
 */
export const DETECTION_SCORE_THRESHOLD = 0.2;
/** Non-maximum suppression drops a box whose IoU with a better kept box reaches this (@vladmandic/human's default). */
export const NMS_IOU_THRESHOLD = 0.4;

/**
 * Greedy non-maximum suppression over all classes, as @vladmandic/human post-processes CenterNet: best score first,
 * a box is kept unless its IoU with a kept box is at least iouThreshold. Returns the kept boxes, best first; equal
 * scores keep their input order.
 */
export function nonMaxSuppression(dets: Detection[], iouThreshold = NMS_IOU_THRESHOLD): Detection[] {
  const kept: Detection[] = [];
  const order = dets.map((d, i) => [d, i] as const).sort((x, y) => y[0].score - x[0].score || x[1] - y[1]);
  for (const [d] of order) if (kept.every((k) => iou(k.box, d.box) < iouThreshold)) kept.push(d);
  return kept;
}

/** Greedy matching within one image: each detection, best score first, takes the best unmatched truth of its class. */
function matchImage(truth: Detection[], dets: Detection[], threshold: number): { det: Detection; iou: number | null }[] {
  const used = new Array<boolean>(truth.length).fill(false);
  return [...dets]
    .sort((a, b) => b.score - a.score)
    .map((det) => {
      let best = -1;
      let bestIou = threshold;
      truth.forEach((t, k) => {
        if (used[k] || t.cls !== det.cls) return;
        const v = iou(t.box, det.box);
        if (v >= bestIou) [best, bestIou] = [k, v];
      });
      if (best < 0) return { det, iou: null };
      used[best] = true;
      return { det, iou: bestIou };
    });
}

/** All-point interpolated AP from ranked true/false positives and the number of ground-truth boxes. */
export function averagePrecision(ranked: boolean[], positives: number): number {
  if (positives === 0) return 0;
  const precision: number[] = [];
  const recall: number[] = [];
  let tp = 0;
  ranked.forEach((hit, i) => {
    if (hit) tp++;
    precision.push(tp / (i + 1));
    recall.push(tp / positives);
  });
  let ap = 0;
  let prevRecall = 0;
  for (let i = 0; i < ranked.length; i++) {
    if (!ranked[i]) continue;
    // Interpolated precision: the best precision at this recall or beyond.
    let p = 0;
    for (let j = i; j < ranked.length; j++) p = Math.max(p, precision[j]);
    ap += (recall[i] - prevRecall) * p;
    prevRecall = recall[i];
  }
  return ap;
}

/**
 * mAP over a set of images (truth[i] and dets[i] belong to image i) and the mean IoU of true positives among
 * detections scoring at least `minScore`. Classes absent from the truth do not enter the mean; null when the
 * truth holds no box at all.
 */
export function detectionAgreement(
  truth: Detection[][],
  dets: Detection[][],
  opts: { iouThreshold?: number; minScore: number },
): { map: number | null; meanIou: number | null; classes: number } {
  const threshold = opts.iouThreshold ?? 0.5;
  const matches = truth.map((t, i) => matchImage(t, dets[i] ?? [], threshold));
  const classes = [...new Set(truth.flat().map((t) => t.cls))];
  const aps = classes.map((c) => {
    const ranked = matches
      .flat()
      .filter((m) => m.det.cls === c)
      .sort((a, b) => b.det.score - a.det.score)
      .map((m) => m.iou !== null);
    return averagePrecision(ranked, truth.flat().filter((t) => t.cls === c).length);
  });
  const ious = matches
    .flat()
    .filter((m) => m.iou !== null && m.det.score >= opts.minScore)
    .map((m) => m.iou!);
  return {
    map: aps.length ? aps.reduce((a, b) => a + b, 0) / aps.length : null,
    meanIou: ious.length ? ious.reduce((a, b) => a + b, 0) / ious.length : null,
    classes: classes.length,
  };
}

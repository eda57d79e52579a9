/**
 * Detections as the app shows them and the evaluation scores them, in one place.
 *
 * The reference post-processing (referenceDetections) is the one @vladmandic/human applies to this CenterNet:
 * drop detections scoring below DETECTION_SCORE_THRESHOLD, then greedy non-maximum suppression over all classes
 * at IoU NMS_IOU_THRESHOLD (a box overlapping a better-scoring kept box of any class is dropped). The page draws
 * these boxes, and the evaluation applies the same function to the unsplit and the split model's outputs.
 *
 * Agreement between a split model and the unsplit one, scored as detection benchmarks score a detector: the unsplit
 * model's reference detections (score >= DETECTION_SCORE_THRESHOLD, NMS) serve as ground truth; the split model's
 * candidates are its detections down to CANDIDATE_SCORE_THRESHOLD (after the same NMS), ranked by score. Keeping the
 * low-scoring candidates completes the precision-recall curve: a true box the split model scores just under the page's
 * threshold still counts, ranked after the confident ones, instead of being a miss that truncates the curve. With both
 * sides thresholded at 0.2 (the first version), a box scored 0.22 unsplit and 0.19 split was lost outright, which made
 * mAP jump with every box near the threshold and penalised every method alike. Then
 *   mAP@t    = mean over the ground truth's classes of the average precision (all-point interpolated, as in
 *              PASCAL VOC 2010+) where a detection is a true positive when it overlaps a not yet matched
 *              ground-truth box of its class with IoU >= t; mAP@0.5 (VOC) and mAP@[.5:.95] (the mean over COCO's
 *              ten thresholds 0.50, 0.55, ..., 0.95, with all-point rather than COCO's 101-point interpolation);
 *   meanIou  = mean IoU of the true-positive pairs at IoU >= 0.5 among detections above a score threshold.
 */

/** Detections scoring below this are not shown and not scored (@vladmandic/human's default for CenterNet). */
export const DETECTION_SCORE_THRESHOLD = 0.2;
/** Non-maximum suppression drops a box whose IoU with a better kept box reaches this (@vladmandic/human's default). */
export const NMS_IOU_THRESHOLD = 0.4;
/**
 * A method's detections are scored down to this score (the page's lowest threshold; COCO-style evaluations keep
 * every detection, and this detector's 100 rows rarely go below it).
 */
export const CANDIDATE_SCORE_THRESHOLD = 0.05;
/** COCO's IoU thresholds 0.50:0.05:0.95. */
export const COCO_IOU_THRESHOLDS = Array.from({ length: 10 }, (_, i) => Math.round((0.5 + 0.05 * i) * 100) / 100);

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
 * Greedy non-maximum suppression over all classes: best score first, a box is kept unless its IoU with a kept box
 * is at least iouThreshold. Returns the kept boxes, best first. Equal scores keep their input order.
 */
export function nonMaxSuppression(dets: Detection[], iouThreshold = NMS_IOU_THRESHOLD): Detection[] {
  const kept: Detection[] = [];
  const order = dets.map((d, i) => [d, i] as const).sort((a, b) => b[0].score - a[0].score || a[1] - b[1]);
  for (const [d] of order) if (kept.every((k) => iou(k.box, d.box) < iouThreshold)) kept.push(d);
  return kept;
}

/** The detector's rows as the page shows them and the evaluation scores them: score threshold, then NMS. */
export function referenceDetections(rows: ArrayLike<number>, opts: { minScore?: number; iouThreshold?: number } = {}): Detection[] {
  return nonMaxSuppression(parseDetections(rows, opts.minScore ?? DETECTION_SCORE_THRESHOLD), opts.iouThreshold ?? NMS_IOU_THRESHOLD);
}

/**
 * A method's detections as the evaluation scores them: score >= CANDIDATE_SCORE_THRESHOLD, then the same NMS. Greedy
 * NMS lets a box be suppressed only by a better one, so the boxes of these at or above DETECTION_SCORE_THRESHOLD are
 * exactly referenceDetections(rows): the unsplit model scored against itself reaches mAP 1.
 */
export function candidateDetections(rows: ArrayLike<number>): Detection[] {
  return referenceDetections(rows, { minScore: CANDIDATE_SCORE_THRESHOLD });
}

/** How an RD file states its ground truth and scoring (eval:centernet and eval:folder alike). */
export const DETECTION_GROUND_TRUTH =
  `the unsplit model's detections with score >= ${DETECTION_SCORE_THRESHOLD}, then NMS over all classes at IoU ${NMS_IOU_THRESHOLD} ` +
  `(lib/metrics/detection referenceDetections); each method is scored with its detections down to score ${CANDIDATE_SCORE_THRESHOLD} ` +
  `after the same NMS (candidateDetections), ranked by score`;

/** The reference boxes among candidate detections (those at or above DETECTION_SCORE_THRESHOLD, NMS already done). */
export function referenceOfCandidates(candidates: Detection[]): Detection[] {
  return candidates.filter((d) => d.score >= DETECTION_SCORE_THRESHOLD);
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

/**
 * The figures an RD file reports for a detector: mAP@0.5, mAP@[.5:.95] (mean over COCO_IOU_THRESHOLDS), the mean
 * IoU of the matches at 0.5 among the boxes the page shows (score >= DETECTION_SCORE_THRESHOLD) and the number of
 * ground-truth boxes. `truth`: reference detections (referenceDetections); `dets`: the method's candidates
 * (candidateDetections), every one of which counts.
 */
export function detectionScores(
  truth: Detection[][],
  dets: Detection[][],
): { map50: number | null; map5095: number | null; meanIou: number | null; boxes: number; classes: number } {
  const at50 = detectionAgreement(truth, dets, { minScore: DETECTION_SCORE_THRESHOLD });
  const maps = COCO_IOU_THRESHOLDS.map((t) => detectionAgreement(truth, dets, { iouThreshold: t, minScore: DETECTION_SCORE_THRESHOLD }).map);
  return {
    map50: at50.map,
    map5095: at50.map === null ? null : maps.reduce((a: number, b) => a + (b ?? 0), 0) / maps.length,
    meanIou: at50.meanIou,
    boxes: truth.reduce((n, t) => n + t.length, 0),
    classes: at50.classes,
  };
}

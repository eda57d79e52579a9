import { describe, expect, it } from "vitest";
import {
  averagePrecision,
  CANDIDATE_SCORE_THRESHOLD,
  candidateDetections,
  COCO_IOU_THRESHOLDS,
  DETECTION_SCORE_THRESHOLD,
  detectionAgreement,
  detectionScores,
  iou,
  nonMaxSuppression,
  parseDetections,
  referenceDetections,
  referenceOfCandidates,
  type Detection,
} from "@/lib/metrics/detection";

const det = (x1: number, y1: number, x2: number, y2: number, score: number, cls: number): Detection => ({ box: [x1, y1, x2, y2], score, cls });

describe("detection metrics", () => {
  it("computes IoU of boxes", () => {
    expect(iou([0, 0, 10, 10], [0, 0, 10, 10])).toBe(1);
    expect(iou([0, 0, 10, 10], [5, 0, 15, 10])).toBeCloseTo(50 / 150, 12);
    expect(iou([0, 0, 10, 10], [10, 0, 20, 10])).toBe(0);
  });

  it("parses CenterNet rows and drops low scores", () => {
    const rows = [1, 2, 3, 4, 0.9, 16, 5, 6, 7, 8, 0.1, 2];
    expect(parseDetections(rows, 0.5)).toEqual([det(1, 2, 3, 4, 0.9, 16)]);
    expect(parseDetections(rows)).toHaveLength(2);
  });

  it("interpolates precision over recall (PASCAL VOC all-point)", () => {
    expect(averagePrecision([true, true], 2)).toBe(1);
    // Second of two truths never found: recall stops at 0.5.
    expect(averagePrecision([true], 2)).toBe(0.5);
    // A false positive ranked first halves the precision at full recall.
    expect(averagePrecision([false, true], 1)).toBe(0.5);
    // TP, FP, TP over 2 truths: 0.5 * 1 + 0.5 * (2/3).
    expect(averagePrecision([true, false, true], 2)).toBeCloseTo(0.5 + 1 / 3, 12);
  });

  it("gives 1 for identical detections and less for a missed, shifted or relabelled box", () => {
    const truth = [[det(0, 0, 10, 10, 0.9, 0), det(20, 20, 40, 40, 0.8, 1)], [det(0, 0, 50, 50, 0.7, 0)]];
    expect(detectionAgreement(truth, truth, { minScore: 0.3 })).toEqual({ map: 1, meanIou: 1, classes: 2 });
    // Class 1 relabelled as class 2: class 1's AP is 0, class 0's stays 1.
    const relabelled = [[truth[0][0], { ...truth[0][1], cls: 2 }], truth[1]];
    expect(detectionAgreement(truth, relabelled, { minScore: 0.3 }).map).toBe(0.5);
    // The second image's box shifted to IoU 0.6: still a match, and its IoU lowers the mean.
    const shifted = [truth[0], [det(0, 0, 50, 30, 0.7, 0)]];
    const r = detectionAgreement(truth, shifted, { minScore: 0.3 });
    expect(r.map).toBe(1);
    expect(r.meanIou).toBeCloseTo((1 + 1 + 0.6) / 3, 12);
    // Shifted to IoU 0.4: a miss in class 0 (recall 1/2) and a false positive.
    const missed = [truth[0], [det(0, 0, 50, 20, 0.7, 0)]];
    expect(detectionAgreement(truth, missed, { minScore: 0.3 }).map).toBe((0.5 + 1) / 2);
  });

  it("counts one detection per truth box (duplicates are false positives) and ignores low scores in the IoU mean", () => {
    const truth = [[det(0, 0, 10, 10, 0.9, 0)]];
    const dup = [[det(0, 0, 10, 10, 0.9, 0), det(0, 0, 10, 9, 0.2, 0)]];
    const r = detectionAgreement(truth, dup, { minScore: 0.5 });
    expect(r.map).toBe(1); // the duplicate ranks below the hit, so precision at full recall is still 1
    expect(r.meanIou).toBe(1);
    const lowFirst = [[det(0, 0, 10, 10, 0.2, 0)]];
    expect(detectionAgreement(truth, lowFirst, { minScore: 0.5 }).meanIou).toBeNull();
    expect(detectionAgreement([[]], [[]], { minScore: 0.5 }).map).toBeNull();
  });

  it("suppresses a box that overlaps a better kept box of any class at IoU >= 0.4, and keeps boxes that overlap less", () => {
    const a = det(0, 0, 10, 10, 0.9, 0);
    const b = det(0, 0, 10, 6, 0.8, 15); // IoU 0.6 with a, another class: suppressed all the same
    const c = det(0, 5, 10, 15, 0.7, 0); // IoU 50/150 = 0.33 with a: kept
    const d = det(0, 8, 10, 16, 0.6, 0); // IoU 20/160 with a, 70/110 = 0.64 with c: suppressed by c
    expect(nonMaxSuppression([d, c, b, a])).toEqual([a, c]);
    // A lower threshold suppresses c too; exactly at the threshold counts as overlapping.
    expect(nonMaxSuppression([a, c], 0.3)).toEqual([a]);
    expect(nonMaxSuppression([a, c], 1 / 3)).toEqual([a]);
    expect(nonMaxSuppression([a, c], 0.34)).toEqual([a, c]);
    expect(nonMaxSuppression([])).toEqual([]);
  });

  it("makes reference detections from CenterNet rows: score threshold 0.2 first, then NMS", () => {
    // A 0.19 box that would have suppressed nothing anyway, a 0.5 duplicate of the 0.9 box, and a separate 0.2 box.
    const rows = [0, 0, 10, 10, 0.9, 0, 1, 0, 11, 10, 0.5, 0, 50, 50, 60, 60, 0.2, 2, 100, 100, 110, 110, 0.19, 3];
    expect(referenceDetections(rows)).toEqual([det(0, 0, 10, 10, 0.9, 0), det(50, 50, 60, 60, 0.2, 2)]);
    expect(referenceDetections(rows, { minScore: 0.1 })).toHaveLength(3);
    expect(referenceDetections(rows, { iouThreshold: 0.95 })).toHaveLength(3);
  });

  it("reports mAP@0.5 and mAP@[.5:.95] over COCO's ten IoU thresholds, with the number of reference boxes", () => {
    expect(COCO_IOU_THRESHOLDS).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]);
    const truth = [[det(0, 0, 10, 10, 0.9, 0)], [det(0, 0, 20, 20, 0.8, 1)]];
    // Image 0 found exactly; image 1's 20x20 box moved right by 2: overlap 18x20 = 360 of a union of 440, IoU 0.818.
    const dets = [[det(0, 0, 10, 10, 0.9, 0)], [det(2, 0, 22, 20, 0.8, 1)]];
    const s = detectionScores(truth, dets);
    expect(s.map50).toBe(1);
    expect(s.boxes).toBe(2);
    // Class 0 has AP 1 at every threshold; class 1 at the seven thresholds 0.50..0.80 only: (10 + 7) / 20.
    expect(s.map5095).toBeCloseTo(17 / 20, 12);
    expect(s.meanIou).toBeCloseTo((1 + 360 / 440) / 2, 12);
    expect(detectionScores([[]], [[]])).toMatchObject({ map50: null, map5095: null, boxes: 0 });
  });

  it("scores a method's candidates down to the low score, so a true box just under the page's threshold still counts", () => {
    expect(CANDIDATE_SCORE_THRESHOLD).toBeLessThan(DETECTION_SCORE_THRESHOLD);
    const truth = [[det(0, 0, 10, 10, 0.9, 0), det(50, 50, 70, 70, 0.25, 0)]];
    // The split model found both boxes, the second at 0.15 (below 0.2), and one wrong box at 0.5 ranked between them.
    const rows = [0, 0, 10, 10, 0.9, 0, 100, 100, 120, 120, 0.5, 0, 50, 50, 70, 70, 0.15, 0, 200, 200, 220, 220, 0.01, 0];
    const candidates = candidateDetections(rows);
    expect(candidates.map((d) => d.score)).toEqual([0.9, 0.5, 0.15]);
    // Full precision-recall curve: TP, FP, TP over 2 truths = 0.5 * 1 + 0.5 * (2/3).
    expect(detectionScores(truth, [candidates]).map50).toBeCloseTo(0.5 + 1 / 3, 12);
    // Thresholded at 0.2 like the reference, the curve stops at recall 0.5: the second box is simply lost.
    expect(detectionScores(truth, [referenceDetections(rows)]).map50).toBeCloseTo(0.5, 12);
    // The mean IoU counts only the boxes the page shows (the 0.9 match), not the 0.15 one.
    const shifted = candidateDetections([0, 0, 10, 10, 0.9, 0, 52, 50, 72, 70, 0.15, 0]);
    expect(detectionScores(truth, [shifted]).meanIou).toBe(1);
  });

  it("gives the unsplit model mAP 1 against itself: its candidates above the threshold are its reference boxes", () => {
    // Two overlapping boxes (NMS keeps the better), one low-scoring box and one weak box overlapping a strong one.
    const rows = [0, 0, 10, 10, 0.9, 0, 1, 1, 11, 11, 0.3, 0, 30, 30, 40, 40, 0.1, 1, 2, 0, 12, 10, 0.08, 0, 60, 60, 80, 80, 0.22, 2];
    const candidates = candidateDetections(rows);
    expect(referenceOfCandidates(candidates)).toEqual(referenceDetections(rows));
    expect(candidates).toHaveLength(3);
    const s = detectionScores([referenceDetections(rows)], [candidates]);
    expect(s.map50).toBe(1);
    expect(s.map5095).toBe(1);
    expect(s.boxes).toBe(2);
  });
});

import { describe, expect, it } from "vitest";
import {
  averagePrecision,
  DETECTION_SCORE_THRESHOLD,
  detectionAgreement,
  iou,
  NMS_IOU_THRESHOLD,
  nonMaxSuppression,
  parseDetections,
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
});

describe("non-maximum suppression", () => {
  it("keeps boxes best first and drops one whose IoU with a kept box reaches the threshold, across classes", () => {
    const a = det(0, 0, 10, 10, 0.9, 1);
    const b = det(0, 0, 10, 8, 0.8, 2); // IoU with a: 80 / 100 = 0.8
    const c = det(0, 5, 10, 15, 0.7, 1); // IoU with a: 50 / 150 = 0.33
    const d = det(100, 100, 110, 110, 0.95, 1);
    expect(nonMaxSuppression([c, b, a, d])).toEqual([d, a, c]);
    expect(nonMaxSuppression([c, b, a, d], 0.3)).toEqual([d, a]);
    expect(nonMaxSuppression([c, b, a, d], 0.9)).toEqual([d, a, b, c]);
    expect(NMS_IOU_THRESHOLD).toBe(0.4);
    expect(DETECTION_SCORE_THRESHOLD).toBe(0.2);
  });

  it("keeps the input order among equal scores", () => {
    const x = det(0, 0, 10, 10, 0.5, 1);
    const y = det(50, 0, 60, 10, 0.5, 2);
    expect(nonMaxSuppression([y, x])).toEqual([y, x]);
    expect(nonMaxSuppression([])).toEqual([]);
  });
});

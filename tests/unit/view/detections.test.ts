import { describe, expect, it } from "vitest";
import { nonMaxSuppression } from "@/lib/metrics/detection";
import { agreementOf, agreementText, detectionsAbove, LABEL_FONT_PX, matchedCount, placeLabels, shownDetections, type Detection } from "@/lib/view/detections";

const det = (x: number, score: number, cls: number): Detection => ({ box: [x, 0, x + 10, 10], score, cls });

describe("detections as the page shows them", () => {
  it("keeps the confident rows that survive NMS, best first, at most max of them", () => {
    const rows = [0, 0, 10, 10, 0.3, 1, 5, 5, 15, 15, 0.9, 2, 1, 1, 2, 2, 0.1, 3, 2, 2, 12, 12, 0.5, 0, 40, 40, 50, 50, 0.25, 4];
    // [0,0,10,10] overlaps the better [2,2,12,12] with IoU 64/136 = 0.47 >= 0.4: suppressed; 0.1 is below the threshold.
    expect(shownDetections(rows).map((d) => d.score)).toEqual([0.9, 0.5, 0.25]);
    expect(shownDetections(rows, 0.2, 2).map((d) => d.cls)).toEqual([2, 0]);
    expect(shownDetections(rows, 0.3).map((d) => d.cls)).toEqual([2, 0]);
  });

  it("counts an unsplit detection as found again only once, with the same class and IoU >= 0.5", () => {
    const unsplit = [det(0, 0.9, 1), det(100, 0.8, 2)];
    expect(matchedCount([det(1, 0.7, 1), det(100, 0.6, 3)], unsplit)).toBe(1);
    expect(matchedCount([det(1, 0.7, 1), det(2, 0.6, 1), det(101, 0.5, 2)], unsplit)).toBe(2);
    // Shifted by 6 of 10 pixels: IoU 4/16 < 0.5.
    expect(matchedCount([det(6, 0.7, 1)], unsplit)).toBe(0);
    expect(matchedCount([det(0, 0.7, 1)], [det(0, 0.9, 1), det(0, 0.8, 1)])).toBe(1);
  });
});

describe("boxes shown at a threshold, their agreement, their labels", () => {
  const box = (x: number, y: number, score: number, cls: number, size = 10): Detection => ({ box: [x, y, x + size, y + size], score, cls });

  it("keep the boxes above the threshold, then drop any that overlaps a better kept one, whatever its class (NMS)", () => {
    // Shifted by 1 of 10 pixels: IoU 90/110 = 0.82, suppressed; the distant box stays; 0.1 is under any threshold here.
    const dets = [box(0, 0, 0.6, 1), box(1, 0, 0.9, 1), box(1, 0, 0.8, 2), box(50, 50, 0.3, 1), box(0, 0, 0.1, 1)];
    expect(detectionsAbove(dets, 0.2)).toEqual([box(1, 0, 0.9, 1), box(50, 50, 0.3, 1)]);
    expect(detectionsAbove(dets, 0.5)).toEqual([box(1, 0, 0.9, 1)]);
    // The threshold applies before NMS: at 0.95 nothing is left to suppress anything.
    expect(detectionsAbove(dets, 0.95)).toEqual([]);
    // Shifted by 6 of 10: IoU 40/160 = 0.25 < 0.4, both stay; by 4: IoU 60/140 = 0.43, the second goes.
    expect(nonMaxSuppression([box(0, 0, 0.9, 1), box(6, 0, 0.8, 1)])).toHaveLength(2);
    expect(nonMaxSuppression([box(0, 0, 0.9, 1), box(4, 0, 0.8, 3)])).toEqual([box(0, 0, 0.9, 1)]);
  });

  it("count found, of and extra boxes and say it in words", () => {
    const unsplit = [box(0, 0, 0.9, 1), box(100, 0, 0.8, 2), box(200, 0, 0.7, 3)];
    const a = agreementOf([box(1, 0, 0.8, 1), box(100, 0, 0.7, 2), box(300, 0, 0.5, 4), box(400, 0, 0.4, 4)], unsplit);
    expect(a).toEqual({ found: 2, of: 3, extra: 2 });
    expect(agreementText(a)).toBe("2 of 3 found, 2 extra");
    expect(agreementText(agreementOf(unsplit, unsplit))).toBe("3 of 3 found");
  });

  it("place labels of at least 12 px inside the picture, none over another; those without room are left out", () => {
    // Ten boxes stacked in one corner compete for the same spots.
    const boxes = Array.from({ length: 10 }, (_, i) => ({ box: [10 + i, 10 + i, 100, 100] as Detection["box"], text: `person ${90 - i}%` }));
    boxes.push({ box: [200, 250, 280, 286], text: "a label far too long to fit in the width of the picture at all" });
    const placed = placeLabels(boxes, 288, 288);
    const rects = placed.filter((r) => r !== null);
    expect(rects.length).toBeGreaterThanOrEqual(3);
    expect(placed[0]).not.toBeNull();
    for (const r of rects) {
      expect(r.height).toBeGreaterThanOrEqual(LABEL_FONT_PX);
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.y).toBeGreaterThanOrEqual(0);
      expect(r.x + r.width).toBeLessThanOrEqual(288);
      expect(r.y + r.height).toBeLessThanOrEqual(288);
    }
    for (let i = 0; i < rects.length; i++)
      for (let j = i + 1; j < rects.length; j++) {
        const [a, b] = [rects[i], rects[j]];
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `labels ${i} and ${j} overlap`).toBe(true);
      }
    expect(LABEL_FONT_PX).toBeGreaterThanOrEqual(12);
  });
});

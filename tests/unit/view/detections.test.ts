import { describe, expect, it } from "vitest";
import { matchedCount, shownDetections, type Detection } from "@/lib/view/detections";

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

import { describe, expect, it } from "vitest";
import { resampleArea } from "@/lib/image/resample";

/** An opaque grey picture from rows of values. */
function grey(rows: number[][]) {
  const height = rows.length;
  const width = rows[0].length;
  return { width, height, data: Uint8Array.from(rows.flat().flatMap((v) => [v, v, v, 255])) };
}
/** The red channel of RGB output as rows. */
function rowsOf(rgb: Uint8Array, w: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < rgb.length / 3; i += w) out.push(Array.from({ length: w }, (_, x) => rgb[3 * (i + x)]));
  return out;
}

describe("resampleArea", () => {
  it("halves by averaging 2 x 2 blocks", () => {
    const img = grey([
      [0, 4, 10, 10],
      [8, 12, 30, 50],
      [100, 100, 1, 2],
      [100, 100, 3, 6],
    ]);
    // (0+4+8+12)/4 = 6, (10+10+30+50)/4 = 25, 100, (1+2+3+6)/4 = 3
    expect(rowsOf(resampleArea(img, { x: 0, y: 0, w: 4, h: 4 }, 2, 2), 2)).toEqual([
      [6, 25],
      [100, 3],
    ]);
  });

  it("weighs a pixel shared by two outputs by the part each covers (3 -> 2)", () => {
    const img = grey([[30, 60, 90]]);
    // Output 0 covers pixel 0 and half of pixel 1: (30 + 0.5 * 60) / 1.5 = 40; output 1: (0.5 * 60 + 90) / 1.5 = 80.
    expect(rowsOf(resampleArea(img, { x: 0, y: 0, w: 3, h: 1 }, 2, 1), 2)).toEqual([[40, 80]]);
  });

  it("reads past the edges as the fill colour (letterbox bands)", () => {
    const img = grey([
      [200, 100],
      [50, 150],
    ]);
    // A 4-pixel square around the 2 x 2 picture at (-1, -1), to 2 x 2: each output covers one picture pixel and three of fill 0.
    expect(rowsOf(resampleArea(img, { x: -1, y: -1, w: 4, h: 4 }, 2, 2), 2)).toEqual([
      [50, 25],
      [13, 38],
    ]);
    // The same with a fill of 100: (200 + 300) / 4 = 125, ...
    expect(rowsOf(resampleArea(img, { x: -1, y: -1, w: 4, h: 4 }, 2, 2, [100, 100, 100]), 2)).toEqual([
      [125, 100],
      [88, 113],
    ]);
  });

  it("handles a fractional region and upscaling", () => {
    const img = grey([[0, 100, 200]]);
    // [0.5, 2.5) to one pixel: (0.5 * 0 + 100 + 0.5 * 200) / 2 = 100.
    expect(rowsOf(resampleArea(img, { x: 0.5, y: 0, w: 2, h: 1 }, 1, 1), 1)).toEqual([[100]]);
    // 3 -> 4: output 1 covers [0.75, 1.5): (0.25 * 0 + 0.5 * 100) / 0.75 = 66.67 -> 67.
    expect(rowsOf(resampleArea(img, { x: 0, y: 0, w: 3, h: 1 }, 4, 1), 4)).toEqual([[0, 67, 133, 200]]);
  });

  it("keeps the colour channels apart and ignores alpha", () => {
    const img = { width: 2, height: 1, data: Uint8Array.from([255, 0, 10, 0, 0, 255, 20, 7]) };
    expect(Array.from(resampleArea(img, { x: 0, y: 0, w: 2, h: 1 }, 1, 1))).toEqual([128, 128, 15]);
  });

  it("refuses an empty region", () => {
    expect(() => resampleArea(grey([[1]]), { x: 0, y: 0, w: 0, h: 1 }, 1, 1)).toThrow(RangeError);
  });
});

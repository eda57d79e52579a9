import { describe, expect, it } from "vitest";
import { applyOrientation } from "@/lib/image/orientation";

/** A 3 x 2 picture whose pixel values are 1..6 (in R; G, B, A follow) row by row:  1 2 3 / 4 5 6. */
const PICTURE = { width: 3, height: 2, data: Uint8Array.from([1, 2, 3, 4, 5, 6].flatMap((v) => [v, 100 + v, 200 + v, 255])) };

const red = (img: { width: number; height: number; data: ArrayLike<number> }) => {
  const rows: number[][] = [];
  for (let y = 0; y < img.height; y++) rows.push(Array.from({ length: img.width }, (_, x) => img.data[4 * (y * img.width + x)]));
  return rows;
};

describe("applyOrientation", () => {
  it("turns each EXIF orientation into the picture as shown (worked by hand from the EXIF definitions)", () => {
    const expected: Record<number, number[][]> = {
      1: [
        [1, 2, 3],
        [4, 5, 6],
      ],
      2: [
        [3, 2, 1],
        [6, 5, 4],
      ],
      3: [
        [6, 5, 4],
        [3, 2, 1],
      ],
      4: [
        [4, 5, 6],
        [1, 2, 3],
      ],
      5: [
        [1, 4],
        [2, 5],
        [3, 6],
      ],
      6: [
        [4, 1],
        [5, 2],
        [6, 3],
      ],
      7: [
        [6, 3],
        [5, 2],
        [4, 1],
      ],
      8: [
        [3, 6],
        [2, 5],
        [1, 4],
      ],
    };
    for (const [o, rows] of Object.entries(expected)) expect(red(applyOrientation(PICTURE, Number(o))), `orientation ${o}`).toEqual(rows);
  });

  it("moves whole pixels, all four bytes", () => {
    const turned = applyOrientation(PICTURE, 6);
    expect(Array.from(turned.data.subarray(0, 4))).toEqual([4, 104, 204, 255]);
  });

  it("works on bytes that do not start on a word boundary", () => {
    const shifted = new Uint8Array(PICTURE.data.length + 1);
    shifted.set(PICTURE.data, 1);
    expect(red(applyOrientation({ ...PICTURE, data: shifted.subarray(1) }, 3))).toEqual([
      [6, 5, 4],
      [3, 2, 1],
    ]);
  });
});

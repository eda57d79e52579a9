import { describe, expect, it } from "vitest";
import { compositeInPlace, contrastingBackground, isOpaque } from "@/lib/image/rgba";

const image = (pixels: number[][]) => ({ width: pixels.length, height: 1, data: Uint8Array.from(pixels.flat()) });

describe("compositeInPlace", () => {
  it("puts transparent pixels on white or black from their premultiplied colour, and makes them opaque", () => {
    // c = 200, a = 128: premultiplied round(200 * 128 / 255) = round(100.39) = 100; on white + (255 - 128) = 227.
    const onWhite = image([
      [200, 0, 255, 128],
      [10, 20, 30, 255],
      [99, 99, 99, 0],
    ]);
    compositeInPlace(onWhite, "white");
    expect(Array.from(onWhite.data)).toEqual([227, 127, 255, 255, 10, 20, 30, 255, 255, 255, 255, 255]);
    const onBlack = image([
      [200, 0, 255, 128],
      [99, 99, 99, 0],
    ]);
    compositeInPlace(onBlack, "black");
    expect(Array.from(onBlack.data)).toEqual([100, 0, 128, 255, 0, 0, 0, 255]);
  });
});

describe("contrastingBackground", () => {
  it("puts dark content on white and light content on black, weighing pixels by their alpha", () => {
    const stroke = (v: number) =>
      image([
        [v, v, v, 255],
        [0, 0, 0, 0],
        [255 - v, 255 - v, 255 - v, 0],
      ]);
    expect(contrastingBackground(stroke(0))).toBe("white");
    expect(contrastingBackground(stroke(255))).toBe("black");
    // A faint light pixel does not outweigh an opaque dark one.
    expect(
      contrastingBackground(
        image([
          [20, 20, 20, 255],
          [250, 250, 250, 60],
        ]),
      ),
    ).toBe("white");
    expect(contrastingBackground(image([[255, 255, 255, 0]]))).toBe("black");
  });

  it("isOpaque looks at every alpha", () => {
    expect(isOpaque(image([[1, 2, 3, 255]]))).toBe(true);
    expect(
      isOpaque(
        image([
          [1, 2, 3, 255],
          [1, 2, 3, 254],
        ]),
      ),
    ).toBe(false);
  });
});

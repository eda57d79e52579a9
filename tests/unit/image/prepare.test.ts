import { describe, expect, it } from "vitest";
import { drawingRect, framingRect, prepareDrawing, prepareImage } from "@/lib/image/prepare";
import { rgbaOf } from "../../image-files";

const DIGITS = { width: 28, height: 28, channels: 1 } as const;

/** A 56 x 56 picture with a vertical bar (a "1") in `ink` on `paper` (both RGBA). */
function bar(ink: [number, number, number, number], paper: [number, number, number, number]) {
  return { width: 56, height: 56, data: rgbaOf(56, 56, (x, y) => (x >= 24 && x < 32 && y >= 10 && y < 46 ? ink : paper)) };
}

describe("framingRect", () => {
  it("crop: the centred square; fit: the square around the picture; stretch: the whole picture", () => {
    const square = { width: 28, height: 28 };
    expect(framingRect(6000, 4000, "crop", square)).toEqual({ x: 1000, y: 0, w: 4000, h: 4000 });
    expect(framingRect(3, 8, "crop", square)).toEqual({ x: 0, y: 2, w: 3, h: 3 });
    expect(framingRect(6000, 4000, "fit", square)).toEqual({ x: 0, y: -1000, w: 6000, h: 6000 });
    expect(framingRect(3, 8, "fit", square)).toEqual({ x: -3, y: 0, w: 8, h: 8 });
    expect(framingRect(451, 300, "stretch", square)).toEqual({ x: 0, y: 0, w: 451, h: 300 });
  });
});

describe("prepareImage", () => {
  it("a black stroke on a transparent PNG becomes a white stroke on black, not an all-black input", () => {
    const out = prepareImage(bar([0, 0, 0, 255], [0, 0, 0, 0]), DIGITS, "crop");
    expect(out.background).toBe("white");
    expect(out.blank).toBe(false);
    expect(out.inverted).toBe(true);
    // 56 -> 28: the bar is columns 12..15 of rows 5..22, white; the corners black.
    expect(out.pixels[10 * 28 + 13]).toBe(255);
    expect(out.pixels[0]).toBe(0);
  });

  it("a white stroke on a transparent PNG stays a white stroke on black", () => {
    const out = prepareImage(bar([255, 255, 255, 255], [255, 255, 255, 0]), DIGITS, "crop");
    expect(out.background).toBe("black");
    expect(out.inverted).toBe(false);
    expect([out.pixels[10 * 28 + 13], out.pixels[0]]).toEqual([255, 0]);
  });

  it("an opaque picture is not composited; a fully transparent one is blank", () => {
    expect(prepareImage(bar([255, 255, 255, 255], [0, 0, 0, 255]), DIGITS, "crop").background).toBeNull();
    expect(prepareImage(bar([0, 0, 0, 0], [0, 0, 0, 0]), DIGITS, "crop").blank).toBe(true);
  });

  it("fit letterboxes a wide photo with black bands for a colour model", () => {
    // 4 x 2, all mid-grey, fitted into 2 x 2: the top and bottom halves of the output rows are band.
    const img = { width: 4, height: 2, data: rgbaOf(4, 2, () => [100, 100, 100, 255]) };
    const out = prepareImage(img, { width: 2, height: 4, channels: 3 }, "fit");
    // Output 2 x 4 of a region 4 wide and 8 high at y = -3: rows 0 and 3 are band (0), rows 1 and 2 half picture.
    expect(out.region).toEqual({ x: 0, y: -3, w: 4, h: 8 });
    expect(Array.from(out.pixels.filter((_, i) => i % 3 === 0))).toEqual([0, 0, 50, 50, 50, 50, 0, 0]);
  });

  it("fit continues the paper of a one-channel picture, so the bands are background after inversion", () => {
    // Ink on white paper, wider than high: the bands must be white paper too, which inversion turns black.
    const img = { width: 56, height: 28, data: rgbaOf(56, 28, (x, y) => (x >= 26 && x < 30 && y >= 4 && y < 24 ? [0, 0, 0, 255] : [255, 255, 255, 255])) };
    const out = prepareImage(img, DIGITS, "fit");
    expect(out.inverted).toBe(true);
    expect(out.pixels[0]).toBe(0); // a band corner
    expect(out.pixels[14 * 28 + 14]).toBe(255); // the stroke
  });
});

describe("drawings", () => {
  it("scale the strokes' box to 20 of 28 pixels along its longer side, centred", () => {
    // Box 100 x 200 centred at (100, 110): a square of 200 * 28 / 20 = 280 around it.
    const r = drawingRect({ x: 50, y: 10, w: 100, h: 200 });
    expect(r.w).toBeCloseTo(280);
    expect(r.h).toBeCloseTo(280);
    expect(r.x).toBeCloseTo(-40);
    expect(r.y).toBeCloseTo(-30);
  });

  it("a drawn bar ends up centred in the model's input", () => {
    // A 224 canvas with a white 20 x 140 bar: its box becomes 20 of 28 rows high, centred.
    const img = {
      width: 224,
      height: 224,
      data: rgbaOf(224, 224, (x, y) => (x >= 50 && x < 70 && y >= 40 && y < 180 ? [255, 255, 255, 255] : [0, 0, 0, 255])),
    };
    const { pixels } = prepareDrawing(img, { x: 50, y: 40, w: 20, h: 140 }, DIGITS);
    const column = Array.from({ length: 28 }, (_, y) => pixels[y * 28 + 14]);
    expect(column.slice(4, 24).every((v) => v === 255)).toBe(true);
    expect(column[3] + column[24]).toBe(0);
  });
});

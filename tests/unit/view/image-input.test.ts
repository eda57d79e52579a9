import { describe, expect, it } from "vitest";
import type { InputSpec } from "@/lib/models/manifest";
import { centerSquare, fitBox, rgbaToModelPixels } from "@/lib/view/image-input";

const GREY: InputSpec = { height: 4, width: 4, channels: 1, range: [0, 1] };

/** A 4x4 RGBA picture: `bg` everywhere except the 2x2 centre, which is `fg`. */
function picture(bg: number, fg: number): Uint8Array {
  const out = new Uint8Array(4 * 4 * 4);
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 4; x++) {
      const v = x >= 1 && x <= 2 && y >= 1 && y <= 2 ? fg : bg;
      out.set([v, v, v, 255], 4 * (y * 4 + x));
    }
  }
  return out;
}

describe("rgbaToModelPixels", () => {
  it("inverts a dark stroke on a light background into a light stroke on black, full range", () => {
    const { pixels, inverted } = rgbaToModelPixels(picture(230, 20), GREY);
    expect(inverted).toBe(true);
    expect(pixels[0]).toBe(0);
    expect(pixels[5]).toBe(255);
  });

  it("keeps a light stroke on a dark background as it is (stretched to 0..255)", () => {
    const { pixels, inverted } = rgbaToModelPixels(picture(10, 200), GREY);
    expect(inverted).toBe(false);
    expect(pixels[0]).toBe(0);
    expect(pixels[5]).toBe(255);
  });

  it("does not stretch a flat picture (no contrast to stretch)", () => {
    const { pixels } = rgbaToModelPixels(picture(40, 45), GREY);
    expect(Array.from(new Set(pixels)).sort()).toEqual([40, 45]);
  });

  it("uses luminance weights for colour and treats transparency as black", () => {
    const rgba = new Uint8Array(64);
    rgba.set([255, 0, 0, 255], 20); // pure red at pixel 5 -> 0.299 * 255
    rgba.set([0, 255, 0, 0], 24); // transparent green at pixel 6 -> 0
    const { pixels } = rgbaToModelPixels(rgba, GREY);
    expect(pixels[6]).toBe(0);
    // Stretched from [0, 76] to [0, 255].
    expect(pixels[5]).toBe(255);
  });

  it("passes RGB through for three-channel models", () => {
    const rgba = new Uint8Array(64).fill(255);
    rgba.set([10, 20, 30, 255], 0);
    const { pixels } = rgbaToModelPixels(rgba, { ...GREY, channels: 3 });
    expect(Array.from(pixels.subarray(0, 6))).toEqual([10, 20, 30, 255, 255, 255]);
  });

  it("refuses pixels of the wrong size", () => {
    expect(() => rgbaToModelPixels(new Uint8Array(12), GREY)).toThrow(/64 RGBA values/);
  });
});

describe("crop and fit", () => {
  it("takes the centred square of a landscape or portrait picture", () => {
    expect(centerSquare(6000, 4000)).toEqual({ sx: 1000, sy: 0, size: 4000 });
    expect(centerSquare(3, 8)).toEqual({ sx: 0, sy: 2, size: 3 });
  });

  it("scales a drawing's bounding box to 20 of 28 pixels along its longer side, centred", () => {
    const f = fitBox({ x: 50, y: 10, w: 100, h: 200 }, 28);
    expect(f.dh).toBeCloseTo(20);
    expect(f.dw).toBeCloseTo(10);
    expect(f.dx).toBeCloseTo(9);
    expect(f.dy).toBeCloseTo(4);
  });
});

import { describe, expect, it } from "vitest";
import { asUploaded, augmentDigit } from "@/lib/data/digit-augment";
import { DIGIT_PIXELS, loadMnist } from "@/lib/data/mnist";
import { createRng } from "@/lib/util/prng";

const digit = loadMnist().trainImages.subarray(0, DIGIT_PIXELS);

describe("digit augmentation", () => {
  it("repeats for a seed, differs between seeds and from the input", () => {
    const a = augmentDigit(digit, createRng(1).next);
    expect(Array.from(augmentDigit(digit, createRng(1).next))).toEqual(Array.from(a));
    expect(Array.from(augmentDigit(digit, createRng(2).next))).not.toEqual(Array.from(a));
    expect(Array.from(a)).not.toEqual(Array.from(digit));
  });

  it("hands over what the upload path would: 8-bit levels stretched to the full range, light strokes on black", () => {
    const r = createRng(3).next;
    for (let k = 0; k < 50; k++) {
      const a = augmentDigit(digit, r);
      expect(Math.max(...a)).toBe(1);
      expect(Math.min(...a)).toBe(0);
      expect(a.every((v) => Math.abs(v * 255 - Math.round(v * 255)) < 1e-3)).toBe(true);
      // Background (the border) stays dark: the picture is never left inverted.
      const border = [...a.subarray(0, 28), ...a.subarray(27 * 28)];
      expect(border.reduce((s, v) => s + v, 0) / border.length).toBeLessThan(0.5);
    }
  });

  it("turns a dark digit on a light background into a light one on black, like an upload", () => {
    const inverted = Float32Array.from(digit, (v) => 0.9 - 0.8 * v);
    const back = asUploaded(inverted);
    for (let i = 0; i < DIGIT_PIXELS; i++) expect(back[i]).toBeCloseTo(digit[i], 1);
  });
});

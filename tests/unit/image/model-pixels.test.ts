import { describe, expect, it } from "vitest";
import { luma, toModelChannels } from "@/lib/image/model-pixels";

/** A 4x4 RGB picture: `bg` everywhere except the 2x2 centre, which is `fg`. */
function picture(bg: number, fg: number): Uint8Array {
  const out = new Uint8Array(4 * 4 * 3);
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) out.fill(x >= 1 && x <= 2 && y >= 1 && y <= 2 ? fg : bg, 3 * (y * 4 + x), 3 * (y * 4 + x) + 3);
  return out;
}

describe("toModelChannels, one channel (digits)", () => {
  it("inverts a dark stroke on a light background into a light stroke on black, full range", () => {
    const { pixels, inverted, blank } = toModelChannels(picture(230, 20), 4, 4, 1);
    expect(inverted).toBe(true);
    expect(blank).toBe(false);
    expect(pixels[0]).toBe(0);
    expect(pixels[5]).toBe(255);
  });

  it("keeps a light stroke on a dark background (stretched to 0..255)", () => {
    const { pixels, inverted } = toModelChannels(picture(10, 200), 4, 4, 1);
    expect(inverted).toBe(false);
    expect([pixels[0], pixels[5]]).toEqual([0, 255]);
  });

  it("calls a picture without contrast blank and leaves it unstretched", () => {
    const flat = toModelChannels(picture(40, 45), 4, 4, 1);
    expect(flat.blank).toBe(true);
    expect(Array.from(new Set(flat.pixels)).sort()).toEqual([40, 45]);
    expect(toModelChannels(picture(0, 0), 4, 4, 1).blank).toBe(true);
    expect(toModelChannels(picture(0, 16), 4, 4, 1).blank).toBe(false);
  });

  it("uses luma weights for colour", () => {
    expect(luma(255, 0, 0)).toBe(76); // 0.299 * 255 = 76.2
    expect(luma(0, 255, 0)).toBe(150); // 0.587 * 255 = 149.7
    const rgb = new Uint8Array(48);
    rgb.set([255, 0, 0], 15); // pure red at pixel 5 -> 76, stretched from [0, 76] to 255
    expect(toModelChannels(rgb, 4, 4, 1).pixels[5]).toBe(255);
  });
});

describe("toModelChannels, three channels (photos)", () => {
  it("passes RGB through; blank when no channel varies", () => {
    const rgb = new Uint8Array(12).fill(200);
    rgb.set([10, 20, 30], 0);
    const out = toModelChannels(rgb, 2, 2, 3);
    expect(Array.from(out.pixels)).toEqual([10, 20, 30, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
    expect(out.blank).toBe(false);
    expect(toModelChannels(new Uint8Array(12).fill(77), 2, 2, 3).blank).toBe(true);
  });

  it("refuses pixels of the wrong size", () => {
    expect(() => toModelChannels(new Uint8Array(12), 4, 4, 1)).toThrow(/48 RGB values/);
  });
});

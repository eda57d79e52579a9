import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { jpegRoundTrip, pngBytes } from "@/lib/baselines/image-codecs";
import { webpRoundTrip } from "@/lib/baselines/webp-node";
import { float16RoundTrip, fromHalfBits, int8Deflate, int8Inflate, toHalfBits } from "@/lib/baselines/tensor-codecs";
import { createRng } from "@/lib/util/prng";

function image(w: number, h: number, channels: 1 | 3, seed: number): Uint8Array {
  const rng = createRng(seed).next;
  // Smooth gradient plus noise: compressible but not trivial.
  return Uint8Array.from({ length: w * h * channels }, (_, i) => Math.min(255, ((i / channels) % w) * 4 + Math.floor(rng() * 40)));
}

describe("PNG baseline", () => {
  for (const channels of [1, 3] as const) {
    it(`writes a PNG (${channels} channel) that an independent decoder reads back exactly`, () => {
      const pixels = image(23, 17, channels, channels);
      const file = pngBytes({ pixels, width: 23, height: 17, channels });
      const png = PNG.sync.read(Buffer.from(file));
      expect([png.width, png.height]).toEqual([23, 17]);
      for (let i = 0; i < 23 * 17; i++) for (let k = 0; k < channels; k++) expect(png.data[4 * i + k]).toBe(pixels[i * channels + k]);
    });
  }
});

describe("JPEG baseline", () => {
  it("grows with quality and decodes to an image close to the input", () => {
    const pixels = image(32, 32, 1, 5);
    const low = jpegRoundTrip({ pixels, width: 32, height: 32, channels: 1 }, 10);
    const high = jpegRoundTrip({ pixels, width: 32, height: 32, channels: 1 }, 90);
    expect(high.bytes.length).toBeGreaterThan(low.bytes.length);
    const err = (d: Uint8Array) => d.reduce((s, v, i) => s + Math.abs(v - pixels[i]), 0) / d.length;
    expect(err(high.decoded)).toBeLessThan(err(low.decoded));
    expect(err(high.decoded)).toBeLessThan(8);
  });
});

describe("WebP baseline", () => {
  it("writes a RIFF/WEBP file that grows with quality, decodes close to the input, and is deterministic", async () => {
    const pixels = image(40, 24, 3, 7);
    const img = { pixels, width: 40, height: 24, channels: 3 as const };
    const low = await webpRoundTrip(img, 10);
    const high = await webpRoundTrip(img, 90);
    expect(new TextDecoder().decode(high.bytes.subarray(8, 12))).toBe("WEBP");
    expect(high.bytes.length).toBeGreaterThan(low.bytes.length);
    expect(high.decoded.length).toBe(pixels.length);
    const err = (d: Uint8Array) => d.reduce((s, v, i) => s + Math.abs(v - pixels[i]), 0) / d.length;
    expect(err(high.decoded)).toBeLessThan(err(low.decoded));
    expect(err(high.decoded)).toBeLessThan(10);
    expect((await webpRoundTrip(img, 10)).bytes).toEqual(low.bytes);
  });
});

describe("float16 baseline", () => {
  it("matches IEEE half precision on known values", () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(1e6)).toBe(0x7c00);
    expect(toHalfBits(2 ** -24)).toBe(0x0001);
    expect(fromHalfBits(0x3555)).toBeCloseTo(0.33325, 5);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // a tie rounds to even
  });

  it("keeps relative error within half precision", () => {
    const rng = createRng(6).next;
    const values = Float32Array.from({ length: 1000 }, () => (rng() - 0.5) * 100);
    const { bytes, restored } = float16RoundTrip(values);
    expect(bytes).toBe(2000);
    values.forEach((v, i) => expect(Math.abs(restored[i] - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 1e-7));
  });
});

describe("8-bit + deflate baseline", () => {
  it("restores every value within half a quantization step", () => {
    const rng = createRng(7).next;
    const values = Float32Array.from({ length: 4096 }, () => Math.max(0, rng() * 6 - 2));
    const bytes = int8Deflate(values);
    const back = int8Inflate(bytes, values.length);
    const step = (Math.max(...values) - Math.min(...values)) / 255;
    values.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(step / 2 + 1e-6));
    expect(bytes.length).toBeLessThan(values.length);
    expect(() => int8Inflate(bytes, values.length + 1)).toThrow();
  });
});

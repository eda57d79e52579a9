import { describe, expect, it } from "vitest";
import { bdRate, monotoneEnvelope } from "@/lib/metrics/bd-rate";

const curve = (...pts: [number, number][]) => pts.map(([bytes, quality]) => ({ bytes, quality }));

describe("monotoneEnvelope", () => {
  it("keeps, in order of bytes, only points that beat the quality of every cheaper point", () => {
    const pts = curve([500, 0.6], [100, 0.7], [1000, 0.9], [800, 0.95], [900, 0.95]);
    expect(monotoneEnvelope(pts)).toEqual(curve([100, 0.7], [800, 0.95]));
  });
});

describe("bdRate (piecewise-linear log-rate over the monotone envelope)", () => {
  const reference = curve([100, 0.5], [1000, 0.9]);

  it("is -50 % for a curve that reaches every quality with half the bytes, +100 % the other way round", () => {
    const half = reference.map((p) => ({ ...p, bytes: p.bytes / 2 }));
    expect(bdRate(half, reference)!.rate).toBeCloseTo(-0.5, 12);
    expect(bdRate(reference, half)!.rate).toBeCloseTo(1, 12);
    expect(bdRate(half, reference)!.range).toEqual([0.5, 0.9]);
  });

  it("averages the log-rate difference over the shared quality range only", () => {
    // Test: ln(bytes) = ln 100 + (q - 0.7) / 0.2 * ln 10; reference: ln 100 + (q - 0.5) / 0.4 * ln 10. Over [0.7, 0.9]
    // the difference runs linearly from -0.5 ln 10 to 0: mean -0.25 ln 10, a rate of 10^-0.25 - 1 = -43.8 %.
    const test = curve([100, 0.7], [1000, 0.9]);
    const r = bdRate(test, reference)!;
    expect(r.range).toEqual([0.7, 0.9]);
    expect(r.rate).toBeCloseTo(10 ** -0.25 - 1, 12);
    // A costlier point of lower quality is off the envelope and changes nothing.
    expect(bdRate([...test, { bytes: 500, quality: 0.6 }], reference)!.rate).toBeCloseTo(10 ** -0.25 - 1, 12);
  });

  it("integrates exactly across breakpoints of both curves", () => {
    // Reference with a kink at 0.7 (ln bytes: ln 100, ln 400, ln 1000 at 0.5, 0.7, 0.9); test = 100 bytes flat then
    // up: the difference is piecewise linear, so a fine numerical integral must agree.
    const ref = curve([100, 0.5], [400, 0.7], [1000, 0.9]);
    const test = curve([50, 0.5], [60, 0.8], [2000, 0.9]);
    const at = (c: { bytes: number; quality: number }[], q: number) => {
      const i = c.findIndex((p, k) => k < c.length - 1 && q <= c[k + 1].quality);
      const t = (q - c[i].quality) / (c[i + 1].quality - c[i].quality);
      return Math.log(c[i].bytes) + t * (Math.log(c[i + 1].bytes) - Math.log(c[i].bytes));
    };
    let sum = 0;
    const n = 40000;
    for (let k = 0; k < n; k++) {
      const q = 0.5 + ((k + 0.5) / n) * 0.4;
      sum += at(test, q) - at(ref, q);
    }
    expect(bdRate(test, ref)!.rate).toBeCloseTo(Math.exp(sum / n) - 1, 6);
  });

  it("is null when the curves share no quality range or a curve has a single useful point", () => {
    expect(bdRate(curve([10, 0.1], [20, 0.3]), reference)).toBeNull();
    expect(bdRate(curve([10, 0.6]), reference)).toBeNull();
    expect(bdRate(curve([10, 0.6], [20, 0.5]), reference)).toBeNull();
  });
});

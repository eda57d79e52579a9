import { describe, expect, it } from "vitest";
import type { RdFile, RdPoint } from "@/lib/metrics/rd-schema";
import { bdRateText, logDomain, logTicks, rdPointOf, rdSeries } from "@/lib/view/rd-series";

function point(p: Partial<RdPoint>): RdPoint {
  return {
    method: "bu",
    split: null,
    rate: null,
    param: null,
    bytesMean: 100,
    bytesMedian: 100,
    payloadBytesMean: null,
    estimatedBitsMean: null,
    accuracy: 0.9,
    agreement: 0.9,
    featureMse: null,
    buParams: null,
    encoderMacs: null,
    msPerStage: null,
    ...p,
  };
}

const rd: RdFile = {
  model: "m",
  dataset: { name: "t", count: 10 },
  unsplit: { accuracy: 0.99 },
  generatedBy: { command: "x", seconds: 1, at: "" },
  points: [
    point({ split: "a", rate: "r1", bytesMean: 80, accuracy: 0.95, featureMse: 0.1 }),
    point({ split: "a", rate: "r0", bytesMean: 40, accuracy: 0.9, featureMse: 0.3 }),
    point({ split: "b", rate: "r0", bytesMean: 30 }),
    point({ method: "input-jpeg", param: 75, bytesMean: 700, accuracy: 0.98 }),
    point({ method: "float16", split: "a", bytesMean: 900, featureMse: 0 }),
    point({ method: "float16", split: "b", bytesMean: 2000 }),
    point({ method: "float32", split: "a", bytesMean: 1800 }),
  ],
};

describe("rdSeries", () => {
  it("takes this split's rate levels sorted by bytes, the input baselines, and only this split's tensor baselines", () => {
    const s = rdSeries(rd, "a", "accuracy");
    expect(s.map((x) => x.method)).toEqual(["bu", "input-jpeg", "float16"]);
    expect(s[0].points.map((p) => p.rate)).toEqual(["r0", "r1"]);
    expect(s[2].points.map((p) => p.bytes)).toEqual([900]);
  });

  it("drops points without a distortion, or with zero distortion, on the log distortion axis", () => {
    const s = rdSeries(rd, "a", "featureMse");
    expect(s.map((x) => x.method)).toEqual(["bu"]);
    expect(s[0].points.map((p) => p.y)).toEqual([0.3, 0.1]);
  });

  it("finds the precomputed point of a split and rate", () => {
    expect(rdPointOf(rd, "a", "r1")?.bytesMean).toBe(80);
    expect(rdPointOf(rd, "a", "r7")).toBeNull();
  });
});

describe("log axis", () => {
  it("pads the domain and places 1-2-5 ticks inside it", () => {
    const d = logDomain([30, 900, -1, 0]);
    expect(d[0]).toBeLessThan(30);
    expect(d[1]).toBeGreaterThan(900);
    expect(logTicks(d)).toEqual([50, 100, 200, 500, 1000]);
  });
});

describe("bdRateText", () => {
  it("states the BD-rate with its sign, the codec and the shared quality range, or why there is none", () => {
    const b = { split: "s", against: "input-webp" as const, metric: "map50" as const, rate: -0.434, range: [0.8, 0.97] as [number, number] };
    expect(bdRateText(b)).toBe("\u221243 % bytes vs WebP at equal mAP@0.5 (over mAP@0.5 0.80\u20130.97)");
    expect(bdRateText({ ...b, against: "input-jpeg", rate: 0.256 })).toBe("+26 % bytes vs JPEG at equal mAP@0.5 (over mAP@0.5 0.80\u20130.97)");
    expect(bdRateText({ ...b, rate: null, range: null })).toBe("vs WebP: no mAP@0.5 range that both curves reach, so no BD-rate");
  });
});

import { describe, expect, it } from "vitest";
import type { ModelManifest } from "@/lib/models/manifest";
import { agreementOnInput, livePoints } from "@/lib/view/live-rd";
import type { Detection } from "@/lib/view/detections";
import type { RunLevelsResult } from "@/lib/worker/playground-protocol";

const box = (cls: number, x: number, score = 0.9): Detection => ({ cls, score, box: [x, 0, x + 10, 10] }) as Detection;

describe("this input's curve", () => {
  it("rates a classifier level by the probability it gives the unsplit answer", () => {
    expect(agreementOnInput("classification", { probs: [0.1, 0.7, 0.2], detections: [] }, { probs: [0.2, 0.1, 0.7], detections: [] })).toBeCloseTo(0.2);
  });

  it("rates a detector level by mAP@0.5 against the unsplit boxes: all found is 1, half found less, none to find is null", () => {
    const unsplit = { probs: [], detections: [box(1, 0), box(2, 50)] };
    expect(agreementOnInput("detection", unsplit, unsplit)).toBe(1);
    const half = agreementOnInput("detection", { probs: [], detections: [box(1, 0)] }, unsplit);
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(1);
    expect(agreementOnInput("detection", unsplit, { probs: [], detections: [] })).toBeNull();
  });

  it("names each point by the manifest's level and lambda, in rate order, leaving out levels it does not know", () => {
    const rates = [0.5, 0.1].map((lambda, index) => ({ id: `r${index}`, index, lambda }));
    const manifest = { task: "classification", classes: ["a", "b"], splits: [{ id: "s", index: 0, label: "S", rates }] } as unknown as ModelManifest;
    const level = (rate: number, bytes: number, probs: number[]) => ({ rate, bytes, featureMse: 1, featurePsnr: 20, prediction: { probs, detections: [] } });
    const result = {
      split: 0,
      levels: [level(0, 11, [0.6, 0.4]), level(1, 30, [0.1, 0.9]), level(7, 1, [1, 0])],
      unsplit: { probs: [0.2, 0.8], detections: [] },
    };
    const points = livePoints(manifest, result as unknown as RunLevelsResult);
    expect(points.map((p) => [p.rate, p.lambda, p.bytes])).toEqual([
      ["r0", 0.5, 11],
      ["r1", 0.1, 30],
    ]);
    expect(points[0].answer).toBe("a, unsplit says b");
    expect(points[1].answer).toBe("b, as unsplit");
    expect(points[1].agreement).toBeCloseTo(0.9);
  });
});

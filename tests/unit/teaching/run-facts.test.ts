/** A run result reduced to the figures the diagram, the step-through and the lesson quote. */
import { describe, expect, it } from "vitest";
import type { ModelManifest } from "@/lib/models/manifest";
import type { RunResult } from "@/lib/worker/playground-protocol";
import { runFacts } from "@/lib/teaching/run-facts";
import { STAGES } from "@/lib/teaching/stages";

const manifest = {
  id: "m",
  input: { height: 8, width: 8, channels: 1, range: [0, 1] },
  classes: ["zero", "one", "two"],
  splits: [
    { id: "a", index: 0, label: "A", tensors: [{ node: "a", shape: [4, 4, 6] }], rates: [{ id: "r0", index: 0, step: 2, lambda: 0.01 }] },
    {
      id: "b",
      index: 1,
      label: "B",
      tensors: [
        { node: "b1", shape: [2, 2, 8] },
        { node: "b2", shape: [1, 1, 16] },
      ],
      rates: [{ id: "r0", index: 0, step: 3, lambda: 0.02 }],
    },
  ],
} as unknown as ModelManifest;

function run(over: Partial<RunResult>): RunResult {
  return {
    split: 0,
    rate: 0,
    task: "classification",
    latents: [{ shape: [2, 2, 3] }],
    symbolCount: 12,
    bitstream: new Uint8Array(20),
    payloadBytes: 9,
    estimatedBits: 60.5,
    float32Bytes: 384,
    featureMse: 0.01,
    featurePsnr: 30,
    ms: { head: 1, buEncoder: 2, entropyEncode: 3, entropyDecode: 4, buDecoder: 5, tail: 6, unsplit: 7 },
    prediction: { split: { probs: [0.1, 0.7, 0.2], detections: [] }, unsplit: { probs: [0.2, 0.3, 0.5], detections: [] } },
    ...over,
  } as unknown as RunResult;
}

describe("runFacts", () => {
  it("takes shapes from the manifest and the run, bytes from the real bitstream, the answers from both models", () => {
    const f = runFacts(run({}), manifest)!;
    expect(f).toMatchObject({ splitId: "a", rateId: "r0", inputShape: [8, 8, 1], featureValues: 96, latentValues: 12, symbols: 12, bytes: 20, step: 2 });
    expect(f).toMatchObject({ answer: "one", unsplitAnswer: "two", agree: false });
    // Every stage with a measured time shows the run's own.
    expect(STAGES.map((s) => s.time(f))).toEqual([null, 1, 2, null, 3, null, 4, 5, 6, null]);
  });

  it("adds up several cut tensors, and names a detector's answer by its boxes", () => {
    const box: [number, number, number, number] = [0, 0, 4, 4];
    const f = runFacts(
      run({
        split: 1,
        task: "detection",
        latents: [{ shape: [2, 2, 2] }, { shape: [1, 1, 4] }] as RunResult["latents"],
        prediction: {
          split: { probs: [], detections: [{ box, score: 0.9, cls: 2 }] },
          unsplit: { probs: [], detections: [{ box, score: 0.8, cls: 2 }] },
        },
      }),
      manifest,
    )!;
    expect(f.featureShapes).toEqual([
      [2, 2, 8],
      [1, 1, 16],
    ]);
    expect(f.featureValues).toBe(48);
    expect(f.latentValues).toBe(12);
    expect(f.answer).toBe("1 box, top: two");
    expect(f.agree).toBe(true);
    expect(STAGES.find((s) => s.id === "head")!.figure(f)).toBe("2×2×8 + 1×1×16");
  });

  it("is null for a run of a split or level the manifest does not have", () => {
    expect(runFacts(run({ split: 5 }), manifest)).toBeNull();
    expect(runFacts(run({ rate: 3 }), manifest)).toBeNull();
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import type * as tfNs from "@tensorflow/tfjs";
import { initBuParams, type BuConfig } from "@/lib/bottleneck/bu";
import { trainRateSweep } from "@/lib/bottleneck/sweep";
import { createRng } from "@/lib/util/prng";
import { initNodeTf, type TF } from "@/lib/tf/node";

let tf: TF;
beforeAll(async () => {
  tf = await initNodeTf();
});

const cfg: BuConfig = { inShape: [6, 6, 4], latentChannels: 4, stride: 1, step: 0.2, nonNegative: false };

function sweep(levelLatentChannels: number[] | undefined, levelInit: ((c: BuConfig) => Record<string, tfNs.Tensor>) | undefined) {
  return trainRateSweep({
    cfg,
    init: initBuParams(cfg, createRng(1).next),
    sweep: { lambdas: [1e-4, 1e-3, 1e-2], steps: [0.2, 0.5, 1], levelLatentChannels, firstSteps: 3, nextSteps: 2 },
    stepsScale: 1,
    firstLearningRate: 0.01,
    learningRate: 0.01,
    seed: 1,
    levelInit,
    train: {
      nextBatch: (i) => ({ features: tf.randomNormal([2, 6, 6, 4], 0, 1, "float32", i) as tfNs.Tensor4D, teacherLogits: null }),
      tail: () => {
        throw new Error("no tail");
      },
      klWeight: 0,
      featureVariance: 1,
      transform: "frozen",
    },
    onLog: () => {},
  });
}

describe("rate sweep", () => {
  it("gives each level its own latent channels from a fresh start when asked, fewest bytes numbered r0", async () => {
    const before = tf.memory().numTensors;
    const seen: [number, number, number, number][] = [];
    for await (const level of sweep([4, 3, 2], (c) => initBuParams(c, createRng(2).next))) {
      seen.push([level.rateIndex, level.cfg.latentChannels, level.tables.channels, level.params["enc.pw"].shape[3] ?? -1]);
    }
    expect(seen).toEqual([
      [2, 4, 4, 4],
      [1, 3, 3, 3],
      [0, 2, 2, 2],
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses per-level latent channels without a fresh start for each level", async () => {
    const run = async () => {
      for await (const level of sweep([4, 3, 2], undefined)) void level;
    };
    await expect(run()).rejects.toThrow(/levelInit/);
  });
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type * as tfNamespace from "@tensorflow/tfjs";
import { DIGIT_PIXELS, loadMnist } from "@/lib/data/mnist";
import { buildDigitsBackbone, DIGITS_LOGITS_LAYER, DIGITS_SPLIT_POINTS } from "@/lib/models/digits-backbone";
import { checkChainPoint } from "@/lib/models/layers-split";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { initNodeTf, type TF } from "@/lib/tf/node";

let tf: TF;

beforeAll(async () => {
  tf = await initNodeTf();
});

function weightsOf(model: tfNamespace.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

describe("digits backbone", () => {
  it("has the named split points with their shapes, on a plain chain, and ~150-200k parameters", () => {
    const model = buildDigitsBackbone(tf, 1);
    for (const { name, shape } of DIGITS_SPLIT_POINTS) {
      const out = model.getLayer(name).output as tfNamespace.SymbolicTensor;
      expect(out.shape).toEqual([null, ...shape]);
      expect(checkChainPoint(model, name)).toBe(true);
    }
    // A layer inside a residual block is not a chain point: the check above can fail.
    expect(checkChainPoint(model, "stage2_block2_relu1")).toBe(false);
    expect((model.getLayer(DIGITS_LOGITS_LAYER).output as tfNamespace.SymbolicTensor).shape).toEqual([null, 10]);
    expect(model.outputs[0].name).toContain(DIGITS_LOGITS_LAYER);
    const params = model.countParams();
    expect(params).toBeGreaterThan(150_000);
    expect(params).toBeLessThan(200_000);
    model.dispose();
  });

  it("initialises deterministically from its seed", () => {
    const a = buildDigitsBackbone(tf, 5);
    const b = buildDigitsBackbone(tf, 5);
    const c = buildDigitsBackbone(tf, 6);
    const wa = weightsOf(a);
    expect(weightsOf(b)).toEqual(wa);
    expect(weightsOf(c)[0]).not.toEqual(wa[0]);
    // Two convs of the same shape in one model must not start identical.
    const k1 = a.getLayer("stage1_block1_conv1").getWeights()[0].dataSync();
    const k2 = a.getLayer("stage1_block1_conv2").getWeights()[0].dataSync();
    expect(Array.from(k1)).not.toEqual(Array.from(k2));
    [a, b, c].forEach((m) => m.dispose());
  });

  it("a few dozen Adam steps on wasm lower the loss on a small batch and update BN moving statistics", async () => {
    const data = loadMnist();
    const n = 16;
    const model = buildDigitsBackbone(tf, 3);
    const x = tf.tensor4d(data.trainImages.subarray(0, n * DIGIT_PIXELS), [n, 28, 28, 1]);
    const y = tf.oneHot(tf.tensor1d(Array.from(data.trainLabels.subarray(0, n)), "int32"), 10);
    const movingMean = () => Array.from(model.getLayer("stem_bn1").getWeights()[2].dataSync());
    const meanBefore = movingMean();
    const lossOf = () => tf.tidy(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tfNamespace.Tensor).dataSync()[0]);
    const before = lossOf();
    const optimizer = tf.train.adam(2e-3);
    const tensorsBefore = tf.memory().numTensors;
    for (let step = 0; step < 20; step++) {
      tf.dispose(
        optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tfNamespace.Tensor) as tfNamespace.Scalar, true)!,
      );
    }
    // Adam's slots are created on the first step; after that no step may leave tensors behind.
    const afterFirstSteps = tf.memory().numTensors;
    tf.dispose(
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tfNamespace.Tensor) as tfNamespace.Scalar, true)!,
    );
    expect(tf.memory().numTensors).toBe(afterFirstSteps);
    expect(afterFirstSteps).toBeGreaterThan(tensorsBefore);
    const after = lossOf();
    expect(before).toBeGreaterThan(1.5);
    expect(after).toBeLessThan(before * 0.3);
    expect(movingMean()).not.toEqual(meanBefore);
    optimizer.dispose();
    tf.dispose([x, y]);
    model.dispose();
  });
});

describe("the committed digits backbone (public/models/digits/backbone)", () => {
  const folder = path.resolve(import.meta.dirname, "../../../public/models/digits/backbone");

  it("loads in Node, keeps the split-point names, and reaches >= 98 % on the 2,000 held-out digits", async () => {
    const model = await loadLayersModelFromFile(tf, path.join(folder, "model.json"));
    const training = JSON.parse(readFileSync(path.join(folder, "training.json"), "utf8"));
    for (const { name, shape } of DIGITS_SPLIT_POINTS) {
      expect((model.getLayer(name).output as tfNamespace.SymbolicTensor).shape).toEqual([null, ...shape]);
    }
    expect(model.countParams()).toBe(training.params);

    const { testImages, testLabels } = loadMnist();
    let correct = 0;
    for (let start = 0; start < testLabels.length; start += 500) {
      const predicted = tf.tidy(() =>
        tf.argMax(
          model.predict(tf.tensor4d(testImages.subarray(start * DIGIT_PIXELS, (start + 500) * DIGIT_PIXELS), [500, 28, 28, 1])) as tfNamespace.Tensor,
          1,
        ),
      );
      const p = await predicted.data();
      predicted.dispose();
      p.forEach((label, i) => {
        if (label === testLabels[start + i]) correct++;
      });
    }
    const accuracy = correct / testLabels.length;
    expect(accuracy).toBeGreaterThanOrEqual(0.98);
    // The recorded figure is the one this file really gives.
    expect(Math.abs(accuracy - training.testAccuracy)).toBeLessThanOrEqual(0.001);
    model.dispose();
  });

  it("runs BatchNorm in inference mode: a digit's logits do not depend on the rest of the batch", async () => {
    const model = await loadLayersModelFromFile(tf, path.join(folder, "model.json"));
    const { testImages } = loadMnist();
    const [alone, inBatch] = tf.tidy(() => {
      const batch = tf.tensor4d(testImages.subarray(0, 32 * DIGIT_PIXELS), [32, 28, 28, 1]);
      const one = tf.slice(batch, [5, 0, 0, 0], [1, 28, 28, 1]);
      return [(model.predict(one) as tfNamespace.Tensor).dataSync(), tf.slice(model.predict(batch) as tfNamespace.Tensor, [5, 0], [1, 10]).dataSync()];
    });
    for (let i = 0; i < 10; i++) expect(alone[i]).toBeCloseTo(inBatch[i], 4);
    model.dispose();
  });
});

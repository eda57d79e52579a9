import { beforeAll, describe, expect, it } from "vitest";
import type * as tfNs from "@tensorflow/tfjs";
import { checkChainPoint, runHead, runTail } from "@/lib/models/layers-split";
import { initNodeTf, type TF } from "@/lib/tf/node";

let tf: TF;
let model: tfNs.LayersModel;

beforeAll(async () => {
  tf = await initNodeTf();
  // input -> conv "a" -> [conv "b1", identity] -> add "c" -> pool -> dense "out"
  const input = tf.input({ shape: [8, 8, 2] });
  const a = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu", name: "a", kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) })
    .apply(input) as tfNs.SymbolicTensor;
  const b1 = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: "same", name: "b1", kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })
    .apply(a) as tfNs.SymbolicTensor;
  const c = tf.layers.add({ name: "c" }).apply([b1, a]) as tfNs.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: "pool" }).apply(c) as tfNs.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, name: "out", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(pooled) as tfNs.SymbolicTensor;
  model = tf.model({ inputs: input, outputs: out });
});

describe("splitting a layers model", () => {
  it("knows which layers are chain points", () => {
    expect(checkChainPoint(model, "a")).toBe(true);
    expect(checkChainPoint(model, "c")).toBe(true);
    expect(checkChainPoint(model, "pool")).toBe(true);
    // The skip connection from "a" jumps over "b1".
    expect(checkChainPoint(model, "b1")).toBe(false);
  });

  it("gives tail(head(x)) bit-identical to the unsplit model at every chain point", () => {
    const x = tf.randomUniform([5, 8, 8, 2], 0, 1, "float32", 4);
    const full = (model.predict(x) as tfNs.Tensor).dataSync();
    for (const cut of ["a", "c", "pool"]) {
      const before = tf.memory().numTensors;
      const head = runHead(model, x, cut);
      const tail = runTail(model, head, cut);
      expect(Array.from(tail.dataSync())).toEqual(Array.from(full));
      tf.dispose([head, tail]);
      expect(tf.memory().numTensors).toBe(before);
    }
    x.dispose();
  });

  it("refuses a layer that does not exist", () => {
    const x = tf.zeros([1, 8, 8, 2]);
    expect(() => runHead(model, x, "nope")).toThrow();
    x.dispose();
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import type { Tensor, Tensor4D } from "@tensorflow/tfjs";
import { initNodeTf, type TF } from "@/lib/tf/node";

let tf: TF;

beforeAll(async () => {
  tf = await initNodeTf();
});

/** Deterministic values in [-1, 1) so both backends see identical inputs. */
function values(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  let s = seed >>> 0;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

type Op = (tf: TF, x: Tensor4D, w: Tensor4D) => Tensor;

/** Gradients of sum(op(x, w) * r) w.r.t. x and w on the given backend, read back as arrays. */
async function gradsOn(backend: string, op: Op, xShape: number[], wShape: number[]) {
  await tf.setBackend(backend);
  const x = tf.tensor4d(
    values(
      xShape.reduce((a, b) => a * b),
      1,
    ),
    xShape as [number, number, number, number],
  );
  const w = tf.tensor4d(
    values(
      wShape.reduce((a, b) => a * b),
      2,
    ),
    wShape as [number, number, number, number],
  );
  const yShape = tf.tidy(() => op(tf, x, w).shape);
  const r = tf.tensor(
    values(
      yShape.reduce((a, b) => a * b),
      3,
    ),
    yShape,
  );
  const [dx, dw] = tf.grads((a: Tensor, b: Tensor) => tf.sum(tf.mul(op(tf, a as Tensor4D, b as Tensor4D), r)))([x, w]);
  const result = { dx: await dx.data(), dw: await dw.data(), dxShape: dx.shape, dwShape: dw.shape };
  tf.dispose([x, w, r, dx, dw]);
  return result;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  let scale = 1e-6;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  expect(worst / scale).toBeLessThan(2e-5);
}

async function compare(op: Op, xShape: number[], wShape: number[]) {
  const numTensors = tf.memory().numTensors;
  const wasm = await gradsOn("wasm", op, xShape, wShape);
  expect(tf.memory().numTensors).toBe(numTensors);
  const cpu = await gradsOn("cpu", op, xShape, wShape);
  await tf.setBackend("wasm");
  expect(wasm.dxShape).toEqual(cpu.dxShape);
  expect(wasm.dwShape).toEqual(cpu.dwShape);
  expectClose(wasm.dx, cpu.dx);
  expectClose(wasm.dw, cpu.dw);
}

describe("conv2d gradients on wasm match cpu", () => {
  const cases: Array<[string, number[], number[], number, "same" | "valid"]> = [
    ["3x3 s1 same, even size", [2, 8, 8, 3], [3, 3, 3, 4], 1, "same"],
    ["3x3 s2 same, odd size", [2, 7, 7, 3], [3, 3, 3, 5], 2, "same"],
    ["3x3 s2 same, even size", [3, 8, 8, 2], [3, 3, 2, 4], 2, "same"],
    ["3x3 s1 valid, odd size", [2, 9, 9, 2], [3, 3, 2, 3], 1, "valid"],
    ["3x3 s2 valid, even size (leftover row)", [2, 10, 10, 2], [3, 3, 2, 3], 2, "valid"],
    ["1x1 s2 same (projection shortcut)", [2, 8, 8, 4], [1, 1, 4, 6], 2, "same"],
    ["1x1 s1 valid", [2, 5, 5, 4], [1, 1, 4, 3], 1, "valid"],
    ["5x5 s2 same, non-square", [1, 9, 6, 2], [5, 5, 2, 3], 2, "same"],
    ["2x2 s2 valid", [2, 7, 7, 3], [2, 2, 3, 2], 2, "valid"],
  ];
  for (const [name, xShape, wShape, stride, pad] of cases) {
    it(name, async () => {
      await compare((t, x, w) => t.conv2d(x, w, stride, pad), xShape, wShape);
    });
  }
});

describe("transposed conv (a conv2d dX run forward) and its gradients on wasm match cpu", () => {
  const cases: Array<[string, number[], number[], number, "same" | "valid", number[]]> = [
    ["1x1 s1", [2, 5, 5, 6], [1, 1, 4, 6], 1, "same", [2, 5, 5, 4]],
    ["3x3 s2 same", [2, 4, 4, 3], [3, 3, 2, 3], 2, "same", [2, 8, 8, 2]],
    ["3x3 s2 valid, odd output", [2, 4, 4, 3], [3, 3, 2, 3], 2, "valid", [2, 9, 9, 2]],
  ];
  for (const [name, xShape, wShape, stride, pad, outShape] of cases) {
    it(name, async () => {
      await compare((t, x, w) => t.conv2dTranspose(x, w, outShape as [number, number, number, number], stride, pad), xShape, wShape);
    });
  }
});

describe("depthwise conv gradients on wasm match cpu", () => {
  const cases: Array<[string, number[], number[], number, "same" | "valid"]> = [
    ["3x3 s1 same", [2, 8, 8, 3], [3, 3, 3, 1], 1, "same"],
    ["3x3 s2 same, even size", [2, 8, 8, 4], [3, 3, 4, 1], 2, "same"],
    ["3x3 s2 same, odd size", [2, 7, 7, 3], [3, 3, 3, 1], 2, "same"],
    ["3x3 s4 same, odd size", [2, 15, 15, 2], [3, 3, 2, 1], 4, "same"],
    ["3x3 s4 same, even size", [2, 28, 28, 2], [3, 3, 2, 1], 4, "same"],
    ["3x3 s2 valid", [2, 9, 9, 3], [3, 3, 3, 1], 2, "valid"],
    ["3x3 s4 valid (leftover rows)", [1, 14, 14, 2], [3, 3, 2, 1], 4, "valid"],
    ["5x5 s1 valid, non-square", [1, 9, 7, 2], [5, 5, 2, 1], 1, "valid"],
    ["1x1 s2 same", [2, 6, 6, 3], [1, 1, 3, 1], 2, "same"],
    ["4x4 s4 same (even filter)", [1, 12, 12, 2], [4, 4, 2, 1], 4, "same"],
    ["3x3 s2 same, channel multiplier 2", [2, 8, 8, 3], [3, 3, 3, 2], 2, "same"],
  ];
  for (const [name, xShape, wShape, stride, pad] of cases) {
    it(name, async () => {
      await compare((t, x, w) => t.depthwiseConv2d(x, w, stride, pad), xShape, wShape);
    });
  }

  it("depthwise conv on a zero-upsampled input (the bottleneck decoder)", async () => {
    // Upsampling by reshape + pad, as a transposed depthwise conv is written with wasm ops.
    await compare(
      (t, x, w) => {
        const [n, h, wd, c] = x.shape;
        const rows = t.pad(t.reshape(x, [n, h, 1, wd, 1, c]), [
          [0, 0],
          [0, 0],
          [0, 1],
          [0, 0],
          [0, 1],
          [0, 0],
        ]);
        const up = t.reshape(rows, [n, h * 2, wd * 2, c]) as Tensor4D;
        return t.depthwiseConv2d(up, w, 1, "same");
      },
      [2, 5, 5, 3],
      [3, 3, 3, 1],
    );
  });
});

describe("other ops a ResNet needs have wasm gradients", () => {
  it("BatchNorm + ReLU + Add + mean + dense + softmax cross-entropy", async () => {
    await compare(
      (t, x, w) => {
        const y = t.conv2d(x, w, 1, "same");
        const { mean, variance } = t.moments(y, [0, 1, 2]);
        const bn = t.relu(t.batchNorm(y, mean, variance, t.zeros([4]), t.fill([4], 1.5), 1e-3));
        const sum = t.add(bn, t.conv2d(x, w, 1, "same"));
        const pooled = t.mean(t.avgPool(sum as Tensor4D, 2, 2, "valid"), [1, 2]);
        const logits = t.matMul(pooled, t.tensor2d(values(4 * 3, 7), [4, 3]));
        const loss = t.losses.softmaxCrossEntropy(t.oneHot([0, 2], 3), logits);
        return t.reshape(loss, [1, 1, 1, 1]);
      },
      [2, 6, 6, 2],
      [3, 3, 2, 4],
    );
  });
});

describe("Tile on wasm (fast path for BatchNorm's gradient) matches cpu", () => {
  const cases: Array<[number[], number[]]> = [
    [
      [1, 1, 1, 5],
      [4, 3, 2, 1],
    ],
    [
      [1, 1, 7],
      [3, 1, 1],
    ],
    [
      [1, 3],
      [5, 1],
    ],
    [
      [2, 3],
      [2, 2],
    ], // not leading-only: the wasm kernel's own path
    [
      [3, 1, 2],
      [1, 4, 1],
    ],
  ];
  for (const [shape, reps] of cases) {
    it(`tile ${JSON.stringify(shape)} by ${JSON.stringify(reps)}`, async () => {
      const size = shape.reduce((a, b) => a * b);
      const run = async (backend: string) => {
        await tf.setBackend(backend);
        const x = tf.tensor(values(size, 9), shape);
        const y = tf.tile(x, reps);
        const out = { data: Array.from(await y.data()), shape: y.shape };
        tf.dispose([x, y]);
        return out;
      };
      const cpu = await run("cpu");
      const wasm = await run("wasm");
      expect(wasm).toEqual(cpu);
    });
  }
});

// A BU on a signed cut tensor (nonNegative false) must not throw away the negative half of each channel in its
// per-channel stages or its latent; on a non-negative one it keeps the ReLUs of the original design.
import { beforeAll, describe, expect, it } from "vitest";
import { decode, encode, initBuParams, type BuConfig } from "@/lib/bottleneck/bu";
import { createRng } from "@/lib/util/prng";
import { initNodeTf, type TF } from "@/lib/tf/node";

let tf: TF;
beforeAll(async () => {
  tf = await initNodeTf();
});

/** A BU whose depthwise stages pass values through and whose 1x1 convs split each channel into +x and -x. */
function passThrough(nonNegative: boolean) {
  const cfg: BuConfig = { inShape: [4, 4, 2], latentChannels: 4, stride: 1, step: 0.5, nonNegative };
  const p = initBuParams(cfg, createRng(1).next);
  const delta = (c: number) =>
    tf.tensor4d(
      Array.from({ length: 9 * c }, (_, i) => (Math.floor(i / c) === 4 ? 1 : 0)),
      [3, 3, c, 1],
    );
  tf.dispose([p["enc.dw"], p["enc.pw"], p["dec.pw"], p["dec.dw"]]);
  p["enc.dw"] = delta(2);
  p["dec.dw"] = delta(2);
  p["enc.pw"] = tf.tensor4d([1, -1, 0, 0, 0, 0, 1, -1], [1, 1, 2, 4]);
  p["dec.pw"] = tf.tensor4d([1, 0, -1, 0, 0, 1, 0, -1], [1, 1, 4, 2]);
  return { cfg, p };
}

describe("bottleneck unit on signed tensors", () => {
  it("keeps negative values through encoder and decoder when the cut tensor is signed", () => {
    const x = tf.tensor4d(
      Array.from({ length: 32 }, (_, i) => (i % 3) - 1.5 + i / 40),
      [1, 4, 4, 2],
    );
    const signed = passThrough(false);
    const y = tf.tidy(() => decode(signed.cfg, signed.p, encode(signed.cfg, signed.p, x)));
    // Four batch norms with unit statistics each divide by sqrt(1 + 1e-3).
    const scale = (1 + 1e-3) ** -2;
    const xs = x.dataSync();
    // The latent is linear too, so both latent channels of an input channel carry it: x - (-x) = 2x.
    y.dataSync().forEach((v, i) => expect(v).toBeCloseTo(2 * xs[i] * scale, 5));

    const relu = passThrough(true);
    const z = tf.tidy(() => decode(relu.cfg, relu.p, encode(relu.cfg, relu.p, x)));
    // The original design: ReLU after each per-channel stage and on the latent, so relu(x) - relu(-x) = x where
    // the input is positive and 0 where it is negative.
    z.dataSync().forEach((v, i) => expect(v).toBeCloseTo(Math.max(xs[i], 0) * scale, 5));
    tf.dispose([x, y, z, ...Object.values(signed.p), ...Object.values(relu.p)]);
  });
});

/**
 * Parameter and MAC counts against numbers worked out by hand from the architectures (written out as the
 * arithmetic, one factor per dimension), not against the functions that wrote the manifests.
 * MACs of a convolution = output positions x kernel height x kernel width x input channels x output channels
 * (depthwise: x channel multiplier instead of input x output channels); element-wise layers count 0.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { SymbolicTensor } from "@tensorflow/tfjs";
import { buParamCount, decoderMacs, encoderMacs, paramShapes, type BuConfig } from "@/lib/bottleneck/bu";
import { CENTERNET_PACKAGE_MODEL } from "@/lib/models/centernet";
import { convMacs, graphHeadMacs, type GraphNode } from "@/lib/models/graph-macs";
import { headMacs } from "@/lib/models/macs";
import { validateManifest } from "@/lib/models/manifest";
import { initNodeTf, type TF } from "@/lib/tf/node";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const manifestOf = (id: string) => validateManifest(JSON.parse(readFileSync(path.join(ROOT, `public/models/${id}/manifest.json`), "utf8")));
let tf: TF;

beforeAll(async () => {
  tf = await initNodeTf();
});

describe("layers models (lib/models/macs.ts)", () => {
  it("counts a convolution, a depthwise convolution (with its channel multiplier), a batch norm and a dense layer", () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: "same", name: "conv" });
    const dw = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same", name: "dw" });
    const bn = tf.layers.batchNormalization({ name: "bn" });
    const dense = tf.layers.dense({ units: 5, name: "dense" });
    let x = conv.apply(input) as SymbolicTensor; // 8x8x3 -> 4x4x4
    x = dw.apply(x) as SymbolicTensor; // 4x4x4 -> 4x4x8
    x = bn.apply(x) as SymbolicTensor;
    x = tf.layers.globalAveragePooling2d({}).apply(x) as SymbolicTensor; // 8
    const model = tf.model({ inputs: input, outputs: dense.apply(x) as SymbolicTensor });

    expect(conv.countParams()).toBe(3 * 3 * 3 * 4 + 4);
    expect(dw.countParams()).toBe(3 * 3 * 4 * 2 + 8);
    expect(bn.countParams()).toBe(4 * 8); // gamma, beta, moving mean, moving variance
    expect(dense.countParams()).toBe(8 * 5 + 5);
    const convMacs = 4 * 4 * (3 * 3 * 3 * 4);
    const dwMacs = 4 * 4 * (3 * 3 * 4 * 2);
    const denseMacs = 8 * 5;
    expect(headMacs(model, "conv")).toEqual({ head: convMacs, total: convMacs + dwMacs + denseMacs });
    expect(headMacs(model, "bn")).toEqual({ head: convMacs + dwMacs, total: convMacs + dwMacs + denseMacs });
    model.dispose();
  });

  it("the digits manifest: backbone parameters, MACs and each split's head MACs, by hand from lib/models/digits-backbone.ts", () => {
    const m = manifestOf("digits");
    const conv3 = (hw: number, cin: number, cout: number) => hw * hw * 3 * 3 * cin * cout;
    const stem = conv3(28, 1, 16) + conv3(28, 16, 16);
    const block = (hw: number, c: number) => 2 * conv3(hw, c, c); // two 3x3 convs, identity shortcut
    const downBlock = (hw: number, cin: number, cout: number) => conv3(hw, cin, cout) + conv3(hw, cout, cout) + hw * hw * cin * cout; // + 1x1 projection
    const stage1 = stem + 2 * block(28, 16);
    const stage2 = stage1 + downBlock(14, 16, 32) + block(14, 32);
    const stage3 = stage2 + downBlock(7, 32, 64) + block(7, 64);
    expect([stem, stage1, stage2, stage3]).toEqual([1_919_232, 9_144_576, 15_567_104, 21_989_632]);
    expect(m.splits.map((s) => [s.id, s.headMacs])).toEqual([
      ["stem", stem],
      ["stage1", stage1],
      ["stage2", stage2],
      ["stage3", stage3],
      ["pooled", stage3], // pooling is element-wise
    ]);
    expect(m.backbone.macs).toBe(stage3 + 64 * 10);

    const bnP = (c: number) => 4 * c;
    const convP = (k: number, cin: number, cout: number) => k * k * cin * cout; // no biases: batch norm follows
    const stemP = convP(3, 1, 16) + bnP(16) + convP(3, 16, 16) + bnP(16);
    const stage1P = 2 * 2 * (convP(3, 16, 16) + bnP(16));
    const stage2P = convP(3, 16, 32) + convP(3, 32, 32) + convP(1, 16, 32) + 3 * bnP(32) + 2 * (convP(3, 32, 32) + bnP(32));
    const stage3P = convP(3, 32, 64) + convP(3, 64, 64) + convP(1, 32, 64) + 3 * bnP(64) + 2 * (convP(3, 64, 64) + bnP(64));
    const denseP = 64 * 10 + 10;
    const params = stemP + stage1P + stage2P + stage3P + denseP;
    expect(params).toBe(178_458);
    expect(m.backbone.params).toBe(params);
  });
});

describe("bottleneck unit (lib/bottleneck/bu.ts)", () => {
  // At a 14x14x32 tensor: latent 7x7x8 (stride 2), encoder kernel 3, decoder kernel 2 * stride = 4.
  const cfg: BuConfig = { inShape: [14, 14, 32], latentChannels: 8, stride: 2, step: 1, nonNegative: true };

  it("counts the parameters of each part", () => {
    const sizes = Object.fromEntries(paramShapes(cfg).map(([name, shape]) => [name, shape.reduce((a, b) => a * b, 1)]));
    expect(sizes["enc.dw"]).toBe(3 * 3 * 32);
    expect(sizes["enc.pw"]).toBe(32 * 8);
    expect(sizes["dec.pw"]).toBe(8 * 32);
    expect(sizes["dec.dw"]).toBe(4 * 4 * 32);
    for (const bn of ["enc.bn1", "dec.bn3", "dec.bn4"]) for (const p of ["gamma", "beta", "mean", "variance"]) expect(sizes[`${bn}.${p}`]).toBe(32);
    for (const p of ["gamma", "beta", "mean", "variance"]) expect(sizes[`enc.bn2.${p}`]).toBe(8);
    // Entropy model, per latent channel: layers 1-3-3-3-1, each with a matrix and a bias, the first three a factor too.
    const perChannel = 3 * 1 + 3 + 3 + (3 * 3 + 3 + 3) + (3 * 3 + 3 + 3) + (1 * 3 + 1);
    expect(perChannel).toBe(43);
    const em = Object.entries(sizes).filter(([n]) => n.startsWith("em."));
    expect(em.reduce((n, [, s]) => n + s, 0)).toBe(8 * perChannel);
    // Moving statistics are state, not parameters: each batch norm adds gamma and beta.
    const trainable = 3 * 3 * 32 + 2 * 32 + 32 * 8 + 2 * 8 + 8 * 32 + 2 * 32 + 4 * 4 * 32 + 2 * 32 + 8 * perChannel;
    expect(trainable).toBe(1864);
    expect(buParamCount(cfg)).toBe(trainable);
  });

  it("counts the encoder's and decoder's MACs", () => {
    const encoder = 7 * 7 * (3 * 3 * 32) + 7 * 7 * (32 * 8); // depthwise at stride 2, then 1x1 down
    // 1x1 up, then the depthwise transposed conv: each of 14x14 outputs receives 4x4 / 2² = 4 taps per channel.
    const decoder = 7 * 7 * (8 * 32) + 14 * 14 * 32 * ((4 * 4) / (2 * 2));
    expect([encoder, decoder]).toEqual([26_656, 37_632]);
    expect(encoderMacs(cfg)).toBe(encoder);
    expect(decoderMacs(cfg)).toBe(decoder);
    // Stride 1 (kernels 3 and 3) at 7x7x64, 16 latent channels.
    const s1: BuConfig = { inShape: [7, 7, 64], latentChannels: 16, stride: 1, step: 1, nonNegative: false };
    expect(encoderMacs(s1)).toBe(7 * 7 * 3 * 3 * 64 + 7 * 7 * 64 * 16);
    expect(decoderMacs(s1)).toBe(7 * 7 * 16 * 64 + 7 * 7 * 64 * 3 * 3);
  });
});

describe("graph models (lib/models/graph-macs.ts) on the CenterNet graph", () => {
  const graph = JSON.parse(readFileSync(path.join(ROOT, CENTERNET_PACKAGE_MODEL), "utf8"));
  const nodes = graph.modelTopology.node as GraphNode[];
  const kernels = new Map<string, number[]>(
    (graph.weightsManifest as { weights: { name: string; shape: number[] }[] }[]).flatMap((g) => g.weights.map((w) => [w.name, w.shape] as [string, number[]])),
  );
  const node = (name: string) => nodes.find((n) => n.name === name)!;
  const mv3 = "tower_0/MobilenetV3/";

  it("the early cut's head: the stem convolution and three inverted residual blocks, nine convolutions in all", () => {
    // Output shapes by hand: the stem halves 512 to 256, expanded_conv_1's depthwise conv halves again to 128.
    const shapes: Record<string, number[]> = {
      [`${mv3}Conv/BatchNorm/FusedBatchNorm`]: [1, 256, 256, 16],
      [`${mv3}expanded_conv/depthwise/depthwise`]: [1, 256, 256, 16],
      [`${mv3}expanded_conv/project/BatchNorm/FusedBatchNorm`]: [1, 256, 256, 16],
      [`${mv3}expanded_conv_1/expand/Relu`]: [1, 256, 256, 64],
      [`${mv3}expanded_conv_1/depthwise/depthwise`]: [1, 128, 128, 64],
      [`${mv3}expanded_conv_1/project/BatchNorm/FusedBatchNorm`]: [1, 128, 128, 24],
      [`${mv3}expanded_conv_2/expand/Relu`]: [1, 128, 128, 72],
      [`${mv3}expanded_conv_2/depthwise/depthwise`]: [1, 128, 128, 72],
      [`${mv3}expanded_conv_2/project/BatchNorm/FusedBatchNorm`]: [1, 128, 128, 24],
    };
    const byHand =
      256 * 256 * (3 * 3 * 3 * 16) + // stem, _FusedConv2D 3x3 stride 2
      256 * 256 * (3 * 3 * 16) + // FusedDepthwiseConv2dNative 3x3
      256 * 256 * (16 * 16) + // 1x1 project
      256 * 256 * (16 * 64) + // 1x1 expand
      128 * 128 * (3 * 3 * 64) + // depthwise 3x3 stride 2
      128 * 128 * (64 * 24) +
      128 * 128 * (24 * 72) +
      128 * 128 * (3 * 3 * 72) +
      128 * 128 * (72 * 24);
    expect(byHand).toBe(223_477_760);
    const cut = [`${mv3}expanded_conv_2/add`];
    // Any other convolution among the cut's ancestors would ask for a shape this table does not have, and throw.
    const { head } = graphHeadMacs(
      nodes,
      cut,
      cut,
      (n) => kernels.get(n),
      (n) => shapes[n],
    );
    expect(head).toBe(byHand);
    expect(manifestOf("centernet").splits.find((s) => s.id === "early")!.headMacs).toBe(byHand);
  });

  it("a plain DepthwiseConv2dNative and a plain Conv2D node of the detection head", () => {
    const dw = node("tower_0/CenternetHead/c2_reverse/3x3/separable_conv2d/depthwise");
    expect(dw.op).toBe("DepthwiseConv2dNative");
    expect(
      convMacs(
        dw,
        (n) => kernels.get(n),
        () => [1, 128, 128, 18],
      ),
    ).toBe(128 * 128 * (5 * 5 * 18));
    const conv = node("tower_0/CenternetHead/conv1x1_se_b/Conv2D");
    expect(conv.op).toBe("Conv2D");
    expect(
      convMacs(
        conv,
        (n) => kernels.get(n),
        () => [1, 1, 1, 128],
      ),
    ).toBe(32 * 128);
  });
});

import { describe, expect, it } from "vitest";
import { ancestors, graphHeadMacs, type GraphNode } from "@/lib/models/graph-macs";

// x -> conv a (3x3, 3->8, stride 2) -> depthwise b (3x3 on 8) -> conv c (1x1, 8->4) -> out
//                                    \-> conv side (1x1, 8->2), unused by out
const nodes: GraphNode[] = [
  { name: "x", op: "Placeholder" },
  { name: "wa", op: "Const" },
  { name: "wb", op: "Const" },
  { name: "wc", op: "Const" },
  { name: "ws", op: "Const" },
  { name: "a", op: "_FusedConv2D", input: ["x", "wa", "bias_a"] },
  { name: "bias_a", op: "Const" },
  { name: "b", op: "FusedDepthwiseConv2dNative", input: ["a", "wb"] },
  { name: "c", op: "Conv2D", input: ["b:0", "wc", "^a"] },
  { name: "side", op: "Conv2D", input: ["a", "ws"] },
  { name: "out", op: "Identity", input: ["c"] },
];
const kernels: Record<string, number[]> = { wa: [3, 3, 3, 8], wb: [3, 3, 8, 1], wc: [1, 1, 8, 4], ws: [1, 1, 8, 2] };
const outputs: Record<string, number[]> = { a: [1, 16, 16, 8], b: [1, 16, 16, 8], c: [1, 16, 16, 4], side: [1, 16, 16, 2] };
const macs = (cut: string[]) =>
  graphHeadMacs(
    nodes,
    cut,
    ["out"],
    (n) => kernels[n],
    (n) => outputs[n],
  );

describe("graph MACs", () => {
  it("finds every node a target depends on, through output indices and control inputs", () => {
    expect([...ancestors(nodes, ["c"])].sort()).toEqual(["a", "b", "bias_a", "c", "wa", "wb", "wc", "x"]);
    expect(() => ancestors(nodes, ["nope"])).toThrow(/nope/);
  });

  it("counts convolutions of the head and of the whole model, leaving out branches the outputs do not use", () => {
    const a = 16 * 16 * 9 * 3 * 8;
    const b = 16 * 16 * 9 * 8;
    const c = 16 * 16 * 8 * 4;
    expect(macs(["a"])).toEqual({ head: a, total: a + b + c });
    expect(macs(["b"])).toEqual({ head: a + b, total: a + b + c });
  });
});

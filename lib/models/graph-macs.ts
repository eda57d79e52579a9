/**
 * Multiply-accumulates of a converted TensorFlow graph (tfjs graph-model JSON), counted over its convolutions
 * (plain, fused and depthwise; the element-wise ops are negligible next to them), so a split point's client
 * share can be reported. The head of a cut is every node the cut tensors depend on; the whole model is every
 * node the outputs depend on.
 */

export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
}

const CONV_OPS = new Set(["Conv2D", "_FusedConv2D"]);
const DEPTHWISE_OPS = new Set(["DepthwiseConv2dNative", "FusedDepthwiseConv2dNative"]);

export function isConvNode(n: GraphNode): boolean {
  return CONV_OPS.has(n.op) || DEPTHWISE_OPS.has(n.op);
}

/** "name:1" and "^name" (control input) both refer to node "name". */
function nodeOf(input: string): string {
  return input.replace(/^\^/, "").replace(/:\d+$/, "");
}

/** Names of the given nodes and of every node they depend on. */
export function ancestors(nodes: GraphNode[], targets: string[]): Set<string> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const seen = new Set<string>();
  const stack = [...targets];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    const node = byName.get(name);
    if (!node) throw new Error(`graph has no node ${name}`);
    seen.add(name);
    for (const i of node.input ?? []) stack.push(nodeOf(i));
  }
  return seen;
}

/**
 * MACs of one convolution node for one image. `kernelShape` gives a weight's shape by node name ([kh, kw,
 * cin, cout] or, depthwise, [kh, kw, cin, multiplier]); `outputShape` the node's output [1, H, W, C].
 */
export function convMacs(node: GraphNode, kernelShape: (name: string) => number[] | undefined, outputShape: (name: string) => number[]): number {
  if (!isConvNode(node)) return 0;
  const kernel = kernelShape(nodeOf(node.input![1]));
  if (!kernel) throw new Error(`no kernel shape for ${node.name}`);
  const [, h, w] = outputShape(node.name);
  const [kh, kw, cin, k] = kernel;
  return h * w * kh * kw * cin * k;
}

/** MACs of the head (everything the cut tensors depend on) and of the whole model (everything the outputs need). */
export function graphHeadMacs(
  nodes: GraphNode[],
  cut: string[],
  outputs: string[],
  kernelShape: (name: string) => number[] | undefined,
  outputShape: (name: string) => number[],
): { head: number; total: number } {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const sum = (names: Set<string>) => [...names].reduce((s, n) => s + convMacs(byName.get(n)!, kernelShape, outputShape), 0);
  return { head: sum(ancestors(nodes, cut)), total: sum(ancestors(nodes, outputs)) };
}

/**
 * The cuts of a converted TensorFlow graph (the CenterNet detector): one at each backbone block's output. Where the
 * detection head reads earlier blocks too (its feature-pyramid taps), a cut after a block must also carry those
 * earlier levels, or the server would need the image; each such tap is lifted to the output of the latest block it
 * depends on, so that the cut is made of block outputs only (a tap inside the next block, such as its 1x1 "expand"
 * convolution, is recomputed by the tail from the block output before it, which has fewer channels). A block
 * whose cut needs nothing else is a single-tensor cut; the others are multi-tensor cuts, the deepest of which is
 * the prepared "head-taps" split.
 */
import type * as tfNs from "@tensorflow/tfjs";
import { cutId, type Cut } from "./cuts";
import { ancestors, graphHeadMacs, isConvNode, type GraphNode } from "./graph-macs";
import type { SplitTensor } from "./manifest";

function nodeOf(input: string): string {
  return input.replace(/^\^/, "").replace(/:\d+$/, "");
}

/** Nodes the outputs need when the `known` nodes are fed (the tail), the known nodes excluded. */
function tailNodes(byName: Map<string, GraphNode>, outputs: string[], known: Set<string>): Set<string> {
  const seen = new Set<string>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name) || known.has(name)) continue;
    seen.add(name);
    for (const i of byName.get(name)?.input ?? []) stack.push(nodeOf(i));
  }
  return seen;
}

export interface Block {
  /** Its output node. */
  node: string;
  /** What it is, for people ("MobileNetV3 block 4"). */
  name: string;
}

/**
 * MobileNet-style blocks ("<prefix>/expanded_conv", "<prefix>/expanded_conv_<k>"), in order: a block's output is
 * its residual "add" when it has one, else its projection convolution (the last convolution of the block).
 */
export function mobileNetBlocks(nodes: GraphNode[]): Block[] {
  const groups = new Map<string, { k: number; nodes: GraphNode[] }>();
  for (const n of nodes) {
    const m = /^(.*\/expanded_conv(?:_(\d+))?)\//.exec(n.name);
    if (!m || n.op === "Const") continue;
    const g = groups.get(m[1]) ?? { k: m[2] ? Number(m[2]) : 0, nodes: [] };
    g.nodes.push(n);
    groups.set(m[1], g);
  }
  return [...groups.entries()]
    .sort((a, b) => a[1].k - b[1].k)
    .map(([prefix, g]) => {
      const add = g.nodes.find((n) => n.name === `${prefix}/add`);
      const convs = g.nodes.filter(isConvNode);
      const out = add ?? convs[convs.length - 1];
      return { node: out.name, name: `MobileNetV3 block ${g.k}` };
    });
}

export interface GraphCutOptions {
  input: string;
  outputs: string[];
  blocks: Block[];
  /** A weight's shape by node name (for the MACs). */
  kernelShape: (name: string) => number[] | undefined;
  /** A node's output shape [1, H, W, C] (convolutions and block outputs). */
  outputShape: (name: string) => number[];
}

/** The cut after every block (see the file's comment), shallowest first. */
export function graphCuts(nodes: GraphNode[], o: GraphCutOptions): Cut[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const { total } = graphHeadMacs(nodes, o.outputs, o.outputs, o.kernelShape, o.outputShape);
  const order = new Map(o.blocks.map((b, i) => [b.node, i]));
  const inputSize = o.outputShape(o.input)[1];
  const cuts: Cut[] = [];
  o.blocks.forEach((block, i) => {
    const cut = new Set([block.node]);
    for (;;) {
      const tail = tailNodes(byName, o.outputs, cut);
      if (!tail.has(o.input)) break;
      // The latest earlier block output the tail still reaches back through: carry it.
      const next = o.blocks
        .slice(0, i)
        .reverse()
        .find((b) => tail.has(b.node) && !cut.has(b.node));
      if (!next) return; // no cut of block outputs here
      cut.add(next.node);
    }
    const tensors: SplitTensor[] = [...cut]
      .sort((a, b) => order.get(a)! - order.get(b)!)
      .map((node) => {
        const [, h, w, c] = o.outputShape(node);
        const op = byName.get(node)?.op ?? "";
        return {
          node,
          label: `${o.blocks[order.get(node)!].name}, stride ${Math.round(inputSize / h)}`,
          shape: [h, w, c],
          nonNegative: op === "Relu" || op === "Relu6",
        };
      });
    const head = graphHeadMacs(
      nodes,
      tensors.map((t) => t.node),
      o.outputs,
      o.kernelShape,
      o.outputShape,
    ).head;
    const label =
      tensors.length === 1
        ? `After ${block.name}`
        : `After ${block.name}, with the head's taps at ${tensors
            .slice(0, -1)
            .map((t) => o.blocks[order.get(t.node)!].name.replace(/^.* /, ""))
            .join(", ")}`;
    cuts.push({ id: cutId(tensors), label, tensors, headMacs: head, clientShare: total > 0 ? head / total : 0 });
  });
  return cuts;
}

/** Output shapes of the named nodes, from one run of the graph on zeros (the graph's batch is 1). */
export function measureShapes(tf: typeof tfNs, model: tfNs.GraphModel, input: number[], names: string[]): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  tf.tidy(() => {
    const outs = model.execute(tf.zeros(input), names);
    (Array.isArray(outs) ? outs : [outs]).forEach((t, i) => shapes.set(names[i], t.shape));
  });
  return shapes;
}

/** Everything graphCuts needs from a model's JSON topology and the loaded model. */
export function graphCutsOf(
  tf: typeof tfNs,
  model: tfNs.GraphModel,
  topology: { nodes: GraphNode[]; weightSpecs: { name: string; shape: number[] }[] },
  input: { node: string; shape: number[] },
  outputs: string[],
): Cut[] {
  const { nodes } = topology;
  const kernels = new Map(topology.weightSpecs.map((w) => [w.name, w.shape]));
  const blocks = mobileNetBlocks(nodes);
  const needed = ancestors(nodes, outputs);
  const names = [...new Set([...nodes.filter((n) => isConvNode(n) && needed.has(n.name)).map((n) => n.name), ...blocks.map((b) => b.node)])];
  const shapes = measureShapes(tf, model, input.shape, names);
  shapes.set(input.node, input.shape);
  return graphCuts(nodes, {
    input: input.node,
    outputs,
    blocks,
    kernelShape: (n) => kernels.get(n),
    outputShape: (n) => {
      const s = shapes.get(n);
      if (!s) throw new Error(`no measured shape for ${n}`);
      return s;
    },
  });
}

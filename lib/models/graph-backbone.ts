/**
 * A frozen tf.GraphModel (a converted TensorFlow graph such as CenterNet) cut at named nodes. The graph's own
 * executor runs both halves: the head asks for the cut nodes, the tail feeds them back in by name and asks for
 * the outputs, so tail(head(x)) is the very computation the unsplit model does. A split point with several
 * tensors must be a complete cut: the tail may need nothing from before it (the executor throws otherwise).
 *
 * Converted graphs often fix the batch size at 1 (this CenterNet does), so a batch runs image by image and the
 * per-image results are stacked along axis 0.
 */
import * as tf from "@tensorflow/tfjs";
import type { Backbone } from "./backbone";
import type { Cut } from "./cuts";
import { graphCutsOf } from "./graph-cuts";
import type { GraphNode } from "./graph-macs";
import type { SplitTensor } from "./manifest";

export interface GraphStructure {
  topology: { nodes: GraphNode[]; weightSpecs: { name: string; shape: number[] }[] };
  /** The input node and its shape with batch, e.g. [1, 512, 512, 3]. */
  input: { node: string; shape: number[] };
}

function unstackBatch(x: tf.Tensor): tf.Tensor[] {
  return x.shape[0] === 1 ? [x] : tf.split(x, x.shape[0], 0);
}

function execute(model: tf.GraphModel, inputs: tf.Tensor | tf.NamedTensorMap, nodes: string[]): tf.Tensor[] {
  const out = model.execute(inputs, nodes);
  return Array.isArray(out) ? out : [out];
}

/**
 * Runs `nodes` for each image's feed and stacks each node's results along the batch axis. Everything happens
 * in tf.tidy and a fresh tensor comes back (a concat, or a clone for one image): a requested node may be an
 * Identity of a weight, and the tensor the executor returns for it is then the weight itself, which must
 * never be disposed.
 */
function runPerImage(model: tf.GraphModel, feeds: () => (tf.Tensor | tf.NamedTensorMap)[], nodes: string[]): tf.Tensor[] {
  return tf.tidy(() => {
    const perImage = feeds().map((feed) => execute(model, feed, nodes));
    return nodes.map((_, i) =>
      perImage.length === 1
        ? tf.clone(perImage[0][i])
        : tf.concat(
            perImage.map((r) => r[i]),
            0,
          ),
    );
  });
}

/**
 * `outputs`: the graph nodes that are the model's answer (for CenterNet, "tower_0/detections"). With the graph's
 * JSON topology and its input, the backbone can list its cuts (measured once, on first request). `probe`: a node the
 * tail can also run to, whose values change smoothly with the cut tensors (CenterNet's class heatmap).
 */
export function graphBackbone(model: tf.GraphModel, outputs: string[], structure?: GraphStructure, probe?: string): Backbone {
  let cuts: Cut[] | null = null;
  const feedsOf = (values: tf.Tensor4D[], cut: readonly SplitTensor[]) => () => {
    const parts = values.map(unstackBatch);
    return parts[0].map((_, b) => Object.fromEntries(cut.map((t, i) => [t.node, parts[i][b]])));
  };
  return {
    head: (x, cut) =>
      runPerImage(
        model,
        () => unstackBatch(x),
        cut.map((t) => t.node),
      ) as tf.Tensor4D[],
    tail: (values, cut) => {
      if (values.length !== cut.length) throw new Error(`the cut has ${cut.length} tensors, got ${values.length} values`);
      return runPerImage(model, feedsOf(values, cut), outputs);
    },
    probe: probe ? (values, cut) => runPerImage(model, feedsOf(values, cut), [probe])[0] : undefined,
    predict: (x) => runPerImage(model, () => unstackBatch(x), outputs),
    cuts: structure ? () => (cuts ??= graphCutsOf(tf, model, structure.topology, structure.input, outputs)) : undefined,
    dispose: () => model.dispose(),
  };
}

/**
 * A frozen backbone that can be cut: the same three calls whatever the model's format.
 * tail(head(x)) is the same computation as predict(x).
 */
import * as tf from "@tensorflow/tfjs";
import { runHead, runTail } from "./layers-split";
import type { Cut } from "./cuts";
import { layersCuts } from "./layer-cuts";
import type { SplitTensor } from "./manifest";

export interface Backbone {
  /** Client half: input batch -> one tensor per cut tensor (a split point's `tensors`). */
  head(x: tf.Tensor4D, cut: readonly SplitTensor[]): tf.Tensor4D[];
  /** Server half: the values of the cut tensors, in the same order -> the model's outputs. */
  tail(values: tf.Tensor4D[], cut: readonly SplitTensor[]): tf.Tensor[];
  /** The unsplit model. */
  predict(x: tf.Tensor4D): tf.Tensor[];
  /**
   * A smooth output of the tail that a fit measures the tail's sensitivity on, where the model's own output is not
   * smooth (the detector's: a top-k list of boxes); the tail's first output otherwise.
   */
  probe?(values: tf.Tensor4D[], cut: readonly SplitTensor[]): tf.Tensor;
  /** Every place the model can be cut (cuts.ts), where the backbone knows its own structure. */
  cuts?(): Cut[];
  dispose(): void;
}

function outputLayerName(model: tf.LayersModel): string {
  const id = model.outputs[0].id;
  const layer = model.layers.find((l) => (l.output as tf.SymbolicTensor).id === id);
  if (!layer) throw new Error("the model's output layer was not found");
  return layer.name;
}

/** Shape (without batch) in which a layer's output travels: [H, W, C], or [1, 1, C] for a flat output. */
export function cutShape(model: tf.LayersModel, node: string): [number, number, number] {
  const shape = (model.getLayer(node).output as tf.SymbolicTensor).shape.slice(1) as number[];
  return (shape.length === 3 ? shape : [1, 1, shape[shape.length - 1]]) as [number, number, number];
}

/**
 * Cut tensors travel as [B, H, W, C]; a flat [B, C] layer output (after global pooling, say) is carried as
 * [B, 1, 1, C] and flattened again before the tail.
 */
export function layersBackbone(model: tf.LayersModel): Backbone {
  return {
    head: (x, cut) =>
      cut.map((t) =>
        tf.tidy(() => {
          const out = runHead(model, x, t.node);
          return (out.rank === 4 ? out : out.reshape([out.shape[0], ...t.shape])) as tf.Tensor4D;
        }),
      ),
    tail: (values, cut) => {
      if (values.length !== 1 || cut.length !== 1) throw new Error("layers backbones cut one tensor at a time");
      const node = cut[0].node;
      const rank = (model.getLayer(node).output as tf.SymbolicTensor).shape.length;
      return [tf.tidy(() => runTail(model, rank === 4 ? values[0] : tf.reshape(values[0], [values[0].shape[0], -1]), node))];
    },
    // The same layer-by-layer executor as head and tail, run through without a cut: a like-for-like reference.
    predict: (x) => [runHead(model, x, outputLayerName(model))],
    cuts: () => layersCuts(model),
    dispose: () => model.dispose(),
  };
}

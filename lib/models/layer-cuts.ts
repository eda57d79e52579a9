/**
 * The cuts of a tf.LayersModel (the digits ResNet): every layer boundary that no skip connection crosses, in model
 * order, with its shape, its sign (non-negative after a ReLU, or a pooling of one) and its share of the MACs.
 * The model's output layer is no cut (nothing would be left for the server).
 */
import type * as tf from "@tensorflow/tfjs";
import { cutShape } from "./backbone";
import { cutId, type Cut } from "./cuts";
import { checkChainPoint } from "./layers-split";
import { headMacs } from "./macs";

function outputId(layer: tf.layers.Layer): number {
  return (layer.output as tf.SymbolicTensor).id;
}

function isNonNegative(layer: tf.layers.Layer, byId: Map<number, tf.layers.Layer>): boolean {
  const cls = layer.getClassName();
  const cfg = layer.getConfig() as { activation?: string };
  if (cls === "ReLU" || (cls === "Activation" && cfg.activation === "relu")) return true;
  if (cfg.activation === "relu") return true;
  // Pooling (and reshaping) keeps the sign of what it pools.
  if (cls === "GlobalAveragePooling2D" || cls === "MaxPooling2D" || cls === "AveragePooling2D" || cls === "Flatten") {
    const input = layer.inboundNodes[0].inputTensors[0];
    const src = input ? byId.get(input.id) : undefined;
    return src ? isNonNegative(src, byId) : false;
  }
  return false;
}

export function layersCuts(model: tf.LayersModel): Cut[] {
  const byId = new Map(model.layers.map((l) => [outputId(l), l]));
  const inputIds = new Set(model.inputs.map((i) => i.id));
  const outputIds = new Set(model.outputs.map((o) => o.id));
  const { total } = headMacs(model);
  const cuts: Cut[] = [];
  for (const layer of model.layers) {
    const id = outputId(layer);
    if (inputIds.has(id) || outputIds.has(id)) continue;
    if (!checkChainPoint(model, layer.name)) continue;
    const shape = cutShape(model, layer.name);
    const tensors = [{ node: layer.name, shape: [...shape], nonNegative: isNonNegative(layer, byId) }];
    const head = headMacs(model, layer.name).head;
    cuts.push({
      id: cutId(tensors),
      label: `After ${layer.name} (${layer.getClassName()})`,
      tensors,
      headMacs: head,
      clientShare: total > 0 ? head / total : 0,
    });
  }
  return cuts;
}

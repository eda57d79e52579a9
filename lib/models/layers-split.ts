/**
 * Head and tail of a tf.LayersModel cut at a named layer, with no copy of the model: both halves run the
 * model's own layers in its own topological order, so tail(head(x)) is the very computation model(x) does.
 * The cut layer must be a chain point (no connection jumps over it); checkChainPoint says whether it is.
 */
import * as tf from "@tensorflow/tfjs";

type Layer = tf.layers.Layer;

function outputId(layer: Layer): number {
  return (layer.output as tf.SymbolicTensor).id;
}

function inputsOf(layer: Layer): tf.SymbolicTensor[] {
  return layer.inboundNodes[0].inputTensors;
}

/**
 * Runs the model's layers from the given known values until `target` (a layer name) is computed.
 * Layers whose inputs are not (yet) known are skipped: feeding the cut tensor skips everything before it.
 */
function runUntil(model: tf.LayersModel, known: Map<number, tf.Tensor>, target: string): tf.Tensor {
  for (const layer of model.layers) {
    const id = outputId(layer);
    if (known.has(id)) {
      if (layer.name === target) return known.get(id)!;
      continue;
    }
    const ins = inputsOf(layer);
    if (ins.length === 0 || !ins.every((s) => known.has(s.id))) continue;
    const args = ins.map((s) => known.get(s.id)!);
    known.set(id, layer.apply(args.length === 1 ? args[0] : args, { training: false }) as tf.Tensor);
    if (layer.name === target) return known.get(id)!;
  }
  throw new Error(`layer "${target}" cannot be reached from the given inputs`);
}

/** Client half: input batch -> the tensor at the cut layer. */
export function runHead(model: tf.LayersModel, x: tf.Tensor, cut: string): tf.Tensor {
  return tf.tidy(() => runUntil(model, new Map([[model.inputs[0].id, x]]), cut));
}

/** Server half: tensor at the cut layer -> the model's output layer. */
export function runTail(model: tf.LayersModel, cutValue: tf.Tensor, cut: string, output = model.outputs[0]): tf.Tensor {
  const outLayer = model.layers.find((l) => outputId(l) === output.id);
  if (!outLayer) throw new Error("output layer not found");
  return tf.tidy(() => runUntil(model, new Map([[outputId(model.getLayer(cut)), cutValue]]), outLayer.name));
}

/** True when every path from the input to the output passes through the cut layer. */
export function checkChainPoint(model: tf.LayersModel, cut: string): boolean {
  const cutId = outputId(model.getLayer(cut));
  const before = new Set<number>([model.inputs[0].id]);
  let seenCut = false;
  for (const layer of model.layers) {
    const id = outputId(layer);
    if (id === model.inputs[0].id) continue;
    const ins = inputsOf(layer).map((s) => s.id);
    if (seenCut && ins.some((i) => before.has(i) && i !== cutId)) return false;
    if (!seenCut) before.add(id);
    if (id === cutId) seenCut = true;
  }
  return seenCut;
}

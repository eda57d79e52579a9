/**
 * Multiply-accumulates per layer of a tf.LayersModel for one input (convolutions and dense layers; the
 * element-wise layers are negligible next to them), so a split point's client share can be reported.
 */
import type * as tf from "@tensorflow/tfjs";

function layerMacs(layer: tf.layers.Layer): number {
  const cfg = layer.getConfig() as { kernelSize?: number[]; filters?: number; units?: number; depthMultiplier?: number };
  const out = (layer.outputShape as number[]).slice(1);
  const inShape = (layer.inboundNodes[0].inputTensors[0]?.shape ?? []).slice(1) as number[];
  const cin = inShape[inShape.length - 1] ?? 0;
  const spatial = out.length === 3 ? out[0] * out[1] : 1;
  switch (layer.getClassName()) {
    case "Conv2D":
      return spatial * cfg.kernelSize![0] * cfg.kernelSize![1] * cin * cfg.filters!;
    case "DepthwiseConv2D":
      return spatial * cfg.kernelSize![0] * cfg.kernelSize![1] * cin * (cfg.depthMultiplier ?? 1);
    case "Dense":
      return cin * cfg.units!;
    default:
      return 0;
  }
}

/** MACs of every layer up to and including `cut` (the head), and of the whole model. */
export function headMacs(model: tf.LayersModel, cut?: string): { head: number; total: number } {
  let head = 0;
  let total = 0;
  let passed = false;
  for (const layer of model.layers) {
    const m = layerMacs(layer);
    total += m;
    if (!passed) head += m;
    if (layer.name === cut) passed = true;
  }
  return { head: cut ? head : total, total };
}

// The digits backbone: a small ResNet for 28x28 grey digits. Its five split points are named layers on a plain
// chain, so a model cut there into head and tail is exact: "stem", "stage1", "stage2" and "stage3" (listed below
// with their shapes) and "pool", the 64 features after global average pooling (scripts/digits-bu.config.json).
import type * as tfNamespace from "@tensorflow/tfjs";

type TF = typeof tfNamespace;
type SymbolicTensor = tfNamespace.SymbolicTensor;

/** Split points in model order, with the tensor shape each one carries (batch excluded). */
export const DIGITS_SPLIT_POINTS = [
  { name: "stem", shape: [28, 28, 16] },
  { name: "stage1", shape: [28, 28, 16] },
  { name: "stage2", shape: [14, 14, 32] },
  { name: "stage3", shape: [7, 7, 64] },
] as const;
export const DIGITS_LOGITS_LAYER = "logits";
export const DIGITS_INPUT_SHAPE = [28, 28, 1] as const;

/** Builds the untrained backbone; the same seed gives the same initial weights. */
export function buildDigitsBackbone(tf: TF, seed: number): tfNamespace.LayersModel {
  let layerSeed = seed;
  // Every layer gets its own seed so no two kernels start identical.
  const heNormal = () => tf.initializers.heNormal({ seed: layerSeed++ });

  const conv = (x: SymbolicTensor, filters: number, kernelSize: number, strides: number, name: string) =>
    tf.layers.conv2d({ filters, kernelSize, strides, padding: "same", useBias: false, kernelInitializer: heNormal(), name }).apply(x) as SymbolicTensor;
  const bn = (x: SymbolicTensor, name: string) => tf.layers.batchNormalization({ axis: -1, momentum: 0.99, epsilon: 1e-3, name }).apply(x) as SymbolicTensor;
  const relu = (x: SymbolicTensor, name: string) => tf.layers.activation({ activation: "relu", name }).apply(x) as SymbolicTensor;

  /** Basic residual block; `outName` names its final ReLU (a split point for the last block of a stage). */
  const block = (x: SymbolicTensor, filters: number, strides: number, prefix: string, outName: string) => {
    const inChannels = x.shape[3];
    let y = relu(bn(conv(x, filters, 3, strides, `${prefix}_conv1`), `${prefix}_bn1`), `${prefix}_relu1`);
    y = bn(conv(y, filters, 3, 1, `${prefix}_conv2`), `${prefix}_bn2`);
    const shortcut = strides === 1 && inChannels === filters ? x : bn(conv(x, filters, 1, strides, `${prefix}_proj`), `${prefix}_proj_bn`);
    const sum = tf.layers.add({ name: `${prefix}_add` }).apply([y, shortcut]) as SymbolicTensor;
    return relu(sum, outName);
  };

  const input = tf.input({ shape: [...DIGITS_INPUT_SHAPE], name: "digits" });
  let x = relu(bn(conv(input, 16, 3, 1, "stem_conv1"), "stem_bn1"), "stem_relu1");
  x = relu(bn(conv(x, 16, 3, 1, "stem_conv2"), "stem_bn2"), "stem");
  x = block(x, 16, 1, "stage1_block1", "stage1_block1_out");
  x = block(x, 16, 1, "stage1_block2", "stage1");
  x = block(x, 32, 2, "stage2_block1", "stage2_block1_out");
  x = block(x, 32, 1, "stage2_block2", "stage2");
  x = block(x, 64, 2, "stage3_block1", "stage3_block1_out");
  x = block(x, 64, 1, "stage3_block2", "stage3");
  const pooled = tf.layers.globalAveragePooling2d({ name: "pool" }).apply(x) as SymbolicTensor;
  const logits = tf.layers
    .dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: layerSeed++ }), name: DIGITS_LOGITS_LAYER })
    .apply(pooled) as SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: "digits_backbone" });
}

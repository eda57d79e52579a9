/**
 * Facts about the CenterNet detector shipped in @vladmandic/human (MobileNetV3-large backbone, COCO, 80
 * classes), read from its graph (models/centernet.json) and its src/object: input and output nodes, and the
 * cut points this project offers. The manifest script, the training and evaluation scripts and the tests
 * all take them from here.
 */
import type { SplitTensor } from "./manifest";

/** Where npm puts the graph (relative to the repository root); copy-assets serves it as models/centernet/. */
export const CENTERNET_PACKAGE_MODEL = "node_modules/@vladmandic/human/models/centernet.json";
export const CENTERNET_INPUT = { node: "tower_0/images", size: 512 } as const;
/** [1, 100, 6] rows of (x1, y1, x2, y2, score, class) in input pixels, best score first; class 0 = person. */
export const CENTERNET_OUTPUTS = ["tower_0/detections"];

export interface CutDefinition {
  id: string;
  label: string;
  tensors: SplitTensor[];
}

/**
 * Shallow: the only kind of single-tensor cut the graph has is early (later, the detection head taps the
 * backbone at several depths). Deep: exactly the four backbone tensors the head (FPN-style "reverse" and
 * upsampling branches) consumes, so the client runs the whole backbone and the server only the head.
 */
export const CENTERNET_CUTS: CutDefinition[] = [
  {
    id: "early",
    label: "Early backbone: one tensor at stride 4",
    tensors: [{ node: "tower_0/MobilenetV3/expanded_conv_2/add", shape: [128, 128, 24], nonNegative: false }],
  },
  {
    id: "head-taps",
    label: "End of the backbone: the four tensors the detection head taps",
    tensors: [
      { node: "tower_0/MobilenetV3/expanded_conv_3/expand/Relu", shape: [128, 128, 72], nonNegative: true },
      { node: "tower_0/MobilenetV3/expanded_conv_5/expand/Relu", shape: [64, 64, 96], nonNegative: true },
      { node: "tower_0/MobilenetV3/expanded_conv_11/add", shape: [32, 32, 88], nonNegative: false },
      { node: "tower_0/extern1/hard_swish/mul_1", shape: [16, 16, 480], nonNegative: false },
    ],
  },
];

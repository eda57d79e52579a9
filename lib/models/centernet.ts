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
/** The class heatmap, [1, 128, 128, 80] after its sigmoid: smooth in the cut tensors, unlike the top-k boxes. */
export const CENTERNET_HEATMAP = "tower_0/keypoints";

export interface CutDefinition {
  id: string;
  label: string;
  tensors: SplitTensor[];
}

/**
 * Shallow: the only kind of single-tensor cut the graph has is early (later, the detection head taps the
 * backbone at several depths). Deep: the backbone at the four levels the detection head reads (strides 4, 8,
 * 16 and 32), so the client runs the whole backbone and the server only the head. At strides 4, 8 and 32 the
 * head taps a 1x1 "expand" convolution (+ ReLU or hard-swish) of the next block, whose input is the block
 * output cut here: the same information in 3-4x fewer channels (72 -> 24, 96 -> 32, 480 -> 120), and the tail
 * recomputes those three 1x1 convolutions. At stride 16 the head reads the block output itself.
 */
export const CENTERNET_CUTS: CutDefinition[] = [
  {
    id: "early",
    label: "Early backbone: one tensor at stride 4",
    tensors: [{ node: "tower_0/MobilenetV3/expanded_conv_2/add", label: "MobileNetV3 block 2, stride 4", shape: [128, 128, 24], nonNegative: false }],
  },
  {
    id: "head-taps",
    label: "End of the backbone: the four levels the detection head taps",
    tensors: [
      { node: "tower_0/MobilenetV3/expanded_conv_2/add", label: "MobileNetV3 block 2, stride 4", shape: [128, 128, 24], nonNegative: false },
      { node: "tower_0/MobilenetV3/expanded_conv_4/add", label: "MobileNetV3 block 4, stride 8", shape: [64, 64, 32], nonNegative: false },
      { node: "tower_0/MobilenetV3/expanded_conv_11/add", label: "MobileNetV3 block 11, stride 16", shape: [32, 32, 88], nonNegative: false },
      { node: "tower_0/MobilenetV3/expanded_conv_14/add", label: "MobileNetV3 block 14, stride 32", shape: [16, 16, 120], nonNegative: false },
    ],
  },
];

// Gradient kernels that @tensorflow/tfjs-backend-wasm 4.22 lacks (conv2d dW, depthwise dW and dX) or runs
// slowly (conv2d dX, Tile as used by BatchNorm's gradient), written as forward convolutions or plain copies
// that the wasm backend (XNNPACK) runs fast. Each kernel works directly on TensorInfos with the backend's own
// registered kernels, so no tensors are created on the engine and nothing is recorded on a gradient tape.
import type * as tfNamespace from "@tensorflow/tfjs";
import type { KernelBackend, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from "@tensorflow/tfjs";

type TF = typeof tfNamespace;
type ConvPad = "same" | "valid" | number | number[][];
interface ConvAttrs {
  strides: number | [number, number];
  pad: ConvPad;
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
  dataFormat?: "NHWC" | "NCHW";
}

const BACKEND = "wasm";

/** Runs registered wasm kernels and frees every intermediate result it produced. */
class KernelScope {
  private readonly temps: TensorInfo[] = [];

  constructor(
    private readonly tf: TF,
    private readonly backend: KernelBackend,
  ) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = this.tf.getKernel(kernelName, BACKEND);
    if (kernel == null) throw new Error(`wasm backend has no ${kernelName} kernel`);
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run("Reshape", { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run("Transpose", { x }, { perm });
  }

  /** Pads (positive) or crops (negative) each axis at its start and end. */
  padOrCrop(x: TensorInfo, amounts: Array<[number, number]>): TensorInfo {
    let out = x;
    if (amounts.some(([a, b]) => a < 0 || b < 0)) {
      const begin = amounts.map(([a]) => Math.max(0, -a));
      const size = out.shape.map((d, i) => d - begin[i] - Math.max(0, -amounts[i][1]));
      out = this.run("Slice", { x: out }, { begin, size });
    }
    if (amounts.some(([a, b]) => a > 0 || b > 0)) {
      const paddings = amounts.map(([a, b]) => [Math.max(0, a), Math.max(0, b)]);
      out = this.run("PadV2", { x: out }, { paddings, constantValue: 0 });
    }
    return out;
  }

  /** Inserts (stride - 1) zeros after every row and column of an NHWC tensor. */
  zeroUpsample(x: TensorInfo, strideH: number, strideW: number): TensorInfo {
    const [n, h, w, c] = x.shape;
    let out = x;
    if (strideH > 1) {
      out = this.reshape(out, [n * h, 1, w * c, 1]);
      out = this.padOrCrop(out, [
        [0, 0],
        [0, strideH - 1],
        [0, 0],
        [0, 0],
      ]);
      out = this.reshape(out, [n, h * strideH, w, c]);
    }
    if (strideW > 1) {
      const rows = out.shape[1];
      out = this.reshape(out, [n * rows * w, 1, c, 1]);
      out = this.padOrCrop(out, [
        [0, 0],
        [0, strideW - 1],
        [0, 0],
        [0, 0],
      ]);
      out = this.reshape(out, [n, rows, w * strideW, c]);
    }
    return out;
  }

  /** Hands `result` to the engine (it must own exactly one reference) and frees everything else. */
  finish(result: TensorInfo): TensorInfo {
    // A result that is a reshape of a temp shares its data; the engine keeps that reference alive.
    const kept = this.backend as unknown as { incRef(dataId: object): void };
    if (this.temps.includes(result)) {
      this.temps.splice(this.temps.indexOf(result), 1);
    } else {
      kept.incRef(result.dataId);
    }
    for (const t of this.temps) this.backend.disposeData(t.dataId);
    return result;
  }
}

function convGeometry(tf: TF, xShape: number[], filterShape: number[], attrs: ConvAttrs, depthwise: boolean) {
  const format = attrs.dataFormat ?? "NHWC";
  if (format !== "NHWC") throw new Error("wasm gradient kernels support NHWC only");
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad as Parameters<typeof tf.backend_util.computeConv2DInfo>[4],
    attrs.dimRoundingMode,
    depthwise,
  );
  return info;
}

/**
 * The input padded (or cropped) to exactly the window the forward conv read: (out - 1) * stride + filter rows and
 * columns starting at the forward padding, so a valid conv with dy as the filter reproduces every tap.
 */
function coveredInput(k: KernelScope, x: TensorInfo, dy: TensorInfo, info: ReturnType<typeof convGeometry>) {
  const needH = (dy.shape[1] - 1) * info.strideHeight + info.filterHeight;
  const needW = (dy.shape[2] - 1) * info.strideWidth + info.filterWidth;
  const { top, left } = info.padInfo;
  const padded = k.padOrCrop(x, [
    [0, 0],
    [top, needH - top - x.shape[1]],
    [left, needW - left - x.shape[2]],
    [0, 0],
  ]);
  return { padded, needH, needW };
}

/**
 * dW of conv2d. dW[i,j,c,o] = sum_{n,y,x} xPadded[n, y*s+i, x*s+j, c] * dy[n,y,x,o], which is a conv2d whose
 * batch is the input-channel axis, whose input channels are the batch axis, whose filter is dy and whose
 * dilation is the forward stride.
 */
function conv2dBackpropFilter(tf: TF, backend: KernelBackend, x: TensorInfo, dy: TensorInfo, attrs: ConvAttrs & { filterShape: number[] }) {
  const k = new KernelScope(tf, backend);
  const info = convGeometry(tf, x.shape, attrs.filterShape, attrs, false);
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new Error("Conv2DBackpropFilter on wasm supports dilation 1 only");
  }
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const { padded } = coveredInput(k, x, dy, info);
  const xT = k.transpose(padded, [3, 1, 2, 0]); // [Cin, H, W, N]
  const dyT = k.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Cout]
  const conv = k.run(
    "Conv2D",
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: "valid",
      dilations: [sh, sw],
      dataFormat: "NHWC",
    },
  ); // [Cin, fh, fw, Cout]
  return k.finish(k.transpose(conv, [1, 2, 0, 3]));
}

/**
 * dW of a depthwise conv. Same identity as conv2d, but with no sum over input channels: a depthwise conv over
 * N*C channels (batch 1) with dy as the filter, followed by a sum over the batch.
 */
function depthwiseBackpropFilter(tf: TF, backend: KernelBackend, x: TensorInfo, dy: TensorInfo, attrs: ConvAttrs & { filterShape: number[] }) {
  const k = new KernelScope(tf, backend);
  const info = convGeometry(tf, x.shape, attrs.filterShape, attrs, true);
  // tfjs-core itself refuses depthwise gradients with dilation > 1, so only dilation 1 reaches this kernel.
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new Error("DepthwiseConv2dNativeBackpropFilter on wasm supports dilation 1 only");
  }
  const [n, , , c] = x.shape;
  const [fh, fw, , m] = attrs.filterShape;
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const [oh, ow] = [dy.shape[1], dy.shape[2]];
  const { padded, needH, needW } = coveredInput(k, x, dy, info);
  const xT = k.reshape(k.transpose(padded, [1, 2, 0, 3]), [1, needH, needW, n * c]);
  const dyT = k.reshape(k.transpose(k.reshape(dy, [n, oh, ow, c * m]), [1, 2, 0, 3]), [oh, ow, n * c, m]);
  const conv = k.run(
    "DepthwiseConv2dNative",
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: "valid",
      dilations: [sh, sw],
    },
  ); // [1, fh, fw, N*C*m]
  const perBatch = k.reshape(conv, [fh, fw, n, c * m]);
  const summed = k.run("Sum", { x: perBatch }, { axis: [2], keepDims: false }); // [fh, fw, C*m]
  return k.finish(k.reshape(summed, [fh, fw, c, m]));
}

/**
 * dy zero-upsampled by the stride and padded so that a stride-1 'valid' conv with the spatially flipped filter
 * yields the input gradient: dX[h] = sum_i up[h + top - i*d] * W[i], so `up` gets (fh-1)*d - top rows before
 * and is trimmed or padded after to give exactly H rows.
 */
function upsampledPaddedDy(k: KernelScope, dy: TensorInfo, inputShape: number[], info: ReturnType<typeof convGeometry>) {
  const up = k.zeroUpsample(dy, info.strideHeight, info.strideWidth);
  const { top, left } = info.padInfo;
  return k.padOrCrop(up, [
    [0, 0],
    [(info.filterHeight - 1) * info.dilationHeight - top, inputShape[1] + top - up.shape[1]],
    [(info.filterWidth - 1) * info.dilationWidth - left, inputShape[2] + left - up.shape[2]],
    [0, 0],
  ]);
}

/**
 * dX of conv2d as a forward conv (the wasm backend's own Conv2DBackpropInput is a plain loop, ~10x slower
 * than its XNNPACK forward conv): flipped filter with input and output channels swapped.
 */
function conv2dBackpropInput(tf: TF, backend: KernelBackend, dy: TensorInfo, filter: TensorInfo, attrs: ConvAttrs & { inputShape: number[] }) {
  const k = new KernelScope(tf, backend);
  const info = convGeometry(tf, attrs.inputShape, filter.shape, attrs, false);
  const padded = upsampledPaddedDy(k, dy, attrs.inputShape, info);
  const flipped = k.transpose(k.run("Reverse", { x: filter }, { dims: [0, 1] }), [0, 1, 3, 2]);
  return k.finish(
    k.run(
      "Conv2D",
      { x: padded, filter: flipped },
      {
        strides: [1, 1],
        pad: "valid",
        dilations: [info.dilationHeight, info.dilationWidth],
        dataFormat: "NHWC",
      },
    ),
  );
}

/**
 * dX of a depthwise conv: a depthwise conv of the upsampled, re-padded dy with the flipped filter. A channel
 * multiplier m > 1 is handled by convolving all C*m channels and summing each group of m.
 */
function depthwiseBackpropInput(tf: TF, backend: KernelBackend, dy: TensorInfo, filter: TensorInfo, attrs: ConvAttrs & { inputShape: number[] }) {
  const k = new KernelScope(tf, backend);
  const info = convGeometry(tf, attrs.inputShape, filter.shape, attrs, true);
  const [n, h, w, c] = attrs.inputShape;
  const [fh, fw, , m] = filter.shape;
  const padded = upsampledPaddedDy(k, dy, attrs.inputShape, info);
  const flipped = k.reshape(k.run("Reverse", { x: filter }, { dims: [0, 1] }), [fh, fw, c * m, 1]);
  const conv = k.run(
    "DepthwiseConv2dNative",
    { x: padded, filter: flipped },
    {
      strides: [1, 1],
      pad: "valid",
      dilations: [info.dilationHeight, info.dilationWidth],
    },
  ); // [N, H, W, C*m]
  if (m === 1) return k.finish(conv);
  const grouped = k.reshape(conv, [n * h * w * c, m]);
  return k.finish(k.reshape(k.run("Sum", { x: grouped }, { axis: [1], keepDims: false }), [n, h, w, c]));
}

interface HeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Tile where only leading size-1 axes repeat (what BatchNorm's gradient does with per-channel vectors) is a
 * repeated copy of the input; the wasm Tile kernel takes ~50 ms for it on a 64x28x28x16 output.
 */
function makeTile(fallback: (args: { inputs: NamedTensorInfoMap; backend: KernelBackend; attrs: NamedAttrMap }) => TensorInfo) {
  return (inputs: NamedTensorInfoMap, backend: KernelBackend, attrs: NamedAttrMap): TensorInfo => {
    const x = input(inputs, "x");
    const reps = attrs.reps as number[];
    const lastRepeated = reps.reduce((last, r, i) => (r > 1 ? i : last), -1);
    const leadingOnly = x.shape.every((d, i) => i > lastRepeated || d === 1);
    if (!leadingOnly || x.dtype === "string") return fallback({ inputs, backend, attrs });
    const heap = backend as unknown as HeapBackend;
    const out = heap.makeOutput(
      x.shape.map((d, i) => d * reps[i]),
      x.dtype,
    );
    const src = heap.typedArrayFromHeap(x);
    const dst = heap.typedArrayFromHeap(out);
    if (src.length === 0) return out;
    dst.set(src);
    for (let filled = src.length; filled < dst.length; filled *= 2) {
      dst.copyWithin(filled, 0, Math.min(filled, dst.length - filled));
    }
    return out;
  };
}

function input(inputs: NamedTensorInfoMap, name: string): TensorInfo {
  const info = inputs[name];
  if (info == null) throw new Error(`kernel input "${name}" is missing`);
  return info;
}

let registered = false;

/** Registers the missing wasm gradient kernels. Idempotent. */
export function registerWasmGradients(tf: TF): void {
  if (registered) return;
  registered = true;
  const register = (
    kernelName: string,
    fn: (inputs: NamedTensorInfoMap, backend: KernelBackend, attrs: NamedAttrMap) => TensorInfo,
    setupFunc?: KernelConfig["setupFunc"],
  ) => {
    if (tf.getKernel(kernelName, BACKEND) != null) tf.unregisterKernel(kernelName, BACKEND);
    tf.registerKernel({
      kernelName,
      backendName: BACKEND,
      kernelFunc: ({ inputs, backend, attrs }) => fn(inputs, backend as KernelBackend, attrs ?? {}),
      setupFunc,
    });
  };
  register("Conv2DBackpropFilter", (inputs, backend, attrs) =>
    conv2dBackpropFilter(tf, backend, input(inputs, "x"), input(inputs, "dy"), attrs as unknown as ConvAttrs & { filterShape: number[] }),
  );
  register("Conv2DBackpropInput", (inputs, backend, attrs) =>
    conv2dBackpropInput(tf, backend, input(inputs, "dy"), input(inputs, "filter"), attrs as unknown as ConvAttrs & { inputShape: number[] }),
  );
  const wasmTile = tf.getKernel("Tile", BACKEND);
  if (wasmTile == null) throw new Error("wasm backend has no Tile kernel");
  const tileFallback = wasmTile.kernelFunc as unknown as Parameters<typeof makeTile>[0];
  // Keep the original setup: the fallback needs the wasm function it binds.
  register("Tile", makeTile(tileFallback), wasmTile.setupFunc);
  register("DepthwiseConv2dNativeBackpropFilter", (inputs, backend, attrs) =>
    depthwiseBackpropFilter(tf, backend, input(inputs, "x"), input(inputs, "dy"), attrs as unknown as ConvAttrs & { filterShape: number[] }),
  );
  register("DepthwiseConv2dNativeBackpropInput", (inputs, backend, attrs) =>
    depthwiseBackpropInput(tf, backend, input(inputs, "dy"), input(inputs, "filter"), attrs as unknown as ConvAttrs & { inputShape: number[] }),
  );
}

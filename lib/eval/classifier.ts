/** The classifier adapter: top-1 class per image; accuracy against labels, agreement with the unsplit model. */
import { jpegRoundTrip, pngBytes } from "@/lib/baselines/image-codecs";
import { fractionEqual, top1 } from "@/lib/metrics/summary";
import type { ModelAdapter } from "./harness";

export const CLASSIFIER_JPEG_QUALITIES = [5, 10, 20, 30, 50, 75, 90];

export function classifierAdapter(classes: number, jpegQualities = CLASSIFIER_JPEG_QUALITIES): ModelAdapter<number> {
  return {
    batch: 250,
    read: async (outputs) => top1(await outputs[0].data(), classes),
    quality: (predictions, unsplit, labels) => {
      const agreement = fractionEqual(predictions, unsplit);
      return { accuracy: labels ? fractionEqual(predictions, labels) : agreement, agreement };
    },
    imageCodecs: [
      { method: "input-png", params: [null], roundTrip: async (img) => ({ bytes: pngBytes(img), decoded: img.pixels }) },
      { method: "input-jpeg", params: jpegQualities, roundTrip: async (img, q) => jpegRoundTrip(img, q!) },
    ],
  };
}

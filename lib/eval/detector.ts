/**
 * The detector adapter: the detections of each image; quality is mAP@0.5 (and the mean IoU of matched boxes) of a
 * method's detections against the unsplit detector's above a score threshold (lib/metrics/detection.ts). Without
 * class labels for boxes, accuracy and agreement both carry that mAP, as in the detector's RD file.
 */
import { jpegRoundTrip, pngBytes } from "@/lib/baselines/image-codecs";
import { webpRoundTrip } from "@/lib/baselines/webp-node";
import { detectionAgreement, parseDetections, type Detection } from "@/lib/metrics/detection";
import type { ModelAdapter } from "./harness";

export const DETECTOR_SCORE = 0.2;
export const DETECTOR_QUALITIES = [5, 10, 20, 30, 40, 50, 75, 90];

export function detectorAdapter(minScore = DETECTOR_SCORE): ModelAdapter<Detection[]> {
  return {
    // The detector's graph fixes the batch at 1.
    batch: 1,
    read: async (outputs) => [parseDetections(await outputs[0].data())],
    quality: (predictions, unsplit) => {
      const truth = unsplit.map((d) => d.filter((r) => r.score >= minScore));
      const a = detectionAgreement(truth, predictions, { minScore });
      const map50 = a.map ?? 1;
      return { accuracy: map50, agreement: map50, map50, meanIou: a.meanIou ?? 1 };
    },
    imageCodecs: [
      { method: "input-png", params: [null], roundTrip: async (img) => ({ bytes: pngBytes(img), decoded: img.pixels }) },
      { method: "input-jpeg", params: DETECTOR_QUALITIES, roundTrip: async (img, q) => jpegRoundTrip(img, q!) },
      { method: "input-webp", params: DETECTOR_QUALITIES, roundTrip: (img, q) => webpRoundTrip(img, q!) },
    ],
  };
}

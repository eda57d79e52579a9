/**
 * The detector adapter: the detections of each image; quality is mAP@0.5 and mAP@[.5:.95] of a method's candidates
 * (score >= 0.05 after NMS) against the unsplit detector's reference boxes (score >= 0.2 after NMS), by the one
 * detectionScores of lib/metrics/detection.ts, as in the detector's RD file. Without class labels for boxes, accuracy
 * and agreement both carry mAP@0.5.
 */
import { jpegRoundTrip, pngBytes } from "@/lib/baselines/image-codecs";
import { webpRoundTrip } from "@/lib/baselines/webp-node";
import { candidateDetections, DETECTION_SCORE_THRESHOLD, detectionScores, referenceOfCandidates, type Detection } from "@/lib/metrics/detection";
import type { ModelAdapter } from "./harness";

export const DETECTOR_SCORE = DETECTION_SCORE_THRESHOLD;
export const DETECTOR_QUALITIES = [5, 10, 20, 30, 40, 50, 75, 90];

export function detectorAdapter(): ModelAdapter<Detection[]> {
  return {
    // The detector's graph fixes the batch at 1.
    batch: 1,
    read: async (outputs) => [candidateDetections(await outputs[0].data())],
    quality: (predictions, unsplit) => {
      const s = detectionScores(unsplit.map(referenceOfCandidates), predictions);
      // No reference box at all (nothing to find): every method agrees.
      const map50 = s.map50 ?? 1;
      return { accuracy: map50, agreement: map50, map50, map5095: s.map5095 ?? 1, meanIou: s.meanIou ?? 1 };
    },
    imageCodecs: [
      { method: "input-png", params: [null], roundTrip: async (img) => ({ bytes: pngBytes(img), decoded: img.pixels }) },
      { method: "input-jpeg", params: DETECTOR_QUALITIES, roundTrip: async (img, q) => jpegRoundTrip(img, q!) },
      { method: "input-webp", params: DETECTOR_QUALITIES, roundTrip: (img, q) => webpRoundTrip(img, q!) },
    ],
  };
}

/** A prediction in a few words, as announcements and side-by-side views say it. */
import { argmax } from "@/lib/metrics/summary";
import { detectionsAbove } from "./detections";
import type { Prediction } from "@/lib/worker/playground-protocol";

/** The top class, or the class of the most confident detection shown ("none" if none). */
export function topAnswer(p: Prediction, task: "classification" | "detection", classes: string[]): string {
  if (task === "detection") {
    const d = detectionsAbove(p.detections)[0];
    return d ? (classes[d.cls] ?? String(d.cls)) : "none";
  }
  const i = argmax(p.probs);
  return classes[i] ?? String(i);
}

/** "7 (unsplit 7)", or for a detector "3 boxes, top person (unsplit: 3 boxes)". */
export function answerLine(split: Prediction, unsplit: Prediction, task: "classification" | "detection", classes: string[]): string {
  if (task === "detection") {
    const n = (p: Prediction) => detectionsAbove(p.detections).length;
    const boxes = (k: number) => `${k} box${k === 1 ? "" : "es"}`;
    return `${boxes(n(split))}, top ${topAnswer(split, task, classes)} (unsplit: ${boxes(n(unsplit))})`;
  }
  return `${topAnswer(split, task, classes)} (unsplit ${topAnswer(unsplit, task, classes)})`;
}

"use client";

import { answerLine } from "@/lib/view/answer";
import type { ModelManifest } from "@/lib/models/manifest";
import type { RunResult } from "@/lib/worker/playground-protocol";

/**
 * One short line that screen readers announce politely when a result for the current settings arrives: the
 * setting, the bytes sent and the answer. The panels themselves stay quiet (announcing them would read everything).
 */
export function ResultAnnouncement({ run, manifest }: { run: RunResult | null; manifest: ModelManifest }) {
  const split = run ? manifest.splits[run.split] : undefined;
  const text =
    run && split
      ? `${split.label}, level ${split.rates[run.rate]?.id}: ${run.bitstream.length} bytes sent; prediction ${answerLine(run.prediction.split, run.prediction.unsplit, run.task, manifest.classes)}.`
      : "";
  return (
    <p className="sr-only" aria-live="polite" data-testid="result-announcement">
      {text}
    </p>
  );
}

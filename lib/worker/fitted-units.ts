/**
 * The units fitted (or loaded from a file) in this worker, by id. Each is a split point that the page's model list
 * gains after the manifest's own (index = prepared splits + order of arrival), with its rate levels loaded. They
 * outlive a model's weights (they are small): choosing another model and coming back finds them again, and the
 * decoder finds a stream's unit by the id the stream carries.
 */
import type { ModelManifest, SplitPoint } from "@/lib/models/manifest";
import type { LoadedRate } from "@/lib/pipeline/units";

export interface FittedEntry {
  id: string;
  model: string;
  split: SplitPoint;
  rates: LoadedRate[];
  /** The unit file (unit-file.ts), ready for "Download unit". */
  file: string;
}

const byId = new Map<string, FittedEntry>();

export function fittedById(id: string): FittedEntry | undefined {
  return byId.get(id);
}

export function fittedFor(model: string): FittedEntry[] {
  return [...byId.values()].filter((e) => e.model === model).sort((a, b) => a.split.index - b.split.index);
}

/** The index the next fitted split point of `manifest`'s model gets. */
export function nextSplitIndex(manifest: ModelManifest): number {
  return manifest.splits.length + fittedFor(manifest.id).length;
}

export function addFitted(entry: FittedEntry): void {
  byId.set(entry.id, entry);
}

/** The manifest as the page sees it: its own split points, then the fitted ones. */
export function withFitted(manifest: ModelManifest): ModelManifest {
  const extra = fittedFor(manifest.id);
  return extra.length === 0 ? manifest : { ...manifest, splits: [...manifest.splits, ...extra.map((e) => e.split)] };
}

/** A fitted split point's rate level, if `split` is one of this model's fitted ones. */
export function fittedRate(model: string, split: number, rate: number): LoadedRate | undefined {
  return fittedFor(model).find((e) => e.split.index === split)?.rates[rate];
}

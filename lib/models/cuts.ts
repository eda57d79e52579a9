/**
 * Every place a model can be cut, as the "Layer" picker lists it: the tensors that cross (one for a chain point of a
 * layers model; one or several for a graph), the multiply-accumulates the device runs before them, and which
 * prepared split point (if any) cuts at the same tensors. Enumerated from the loaded model itself (layer-cuts.ts,
 * graph-cuts.ts), so the list can never disagree with the weights the page runs.
 */
import type { ModelManifest, SplitTensor } from "./manifest";

export interface Cut {
  /** Stable within a model: the cut tensors' node names joined with "+". */
  id: string;
  label: string;
  tensors: SplitTensor[];
  headMacs: number;
  /** headMacs over the whole model's. */
  clientShare: number;
}

export interface ListedCut extends Cut {
  /** The prepared split point cutting at the same tensors, or null. */
  prepared: string | null;
}

export function cutId(tensors: readonly { node: string }[]): string {
  return tensors.map((t) => t.node).join("+");
}

/** Marks the cuts that a manifest's prepared split points already offer (same nodes, same order). */
export function markPrepared(cuts: Cut[], manifest: ModelManifest): ListedCut[] {
  const prepared = new Map(manifest.splits.map((s) => [cutId(s.tensors), s.id]));
  return cuts.map((c) => ({ ...c, prepared: prepared.get(c.id) ?? null }));
}

/** Values a cut sends per image as float32: what "any layer" costs before a unit compresses it. */
export function cutValues(cut: Pick<Cut, "tensors">): number {
  return cut.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
}

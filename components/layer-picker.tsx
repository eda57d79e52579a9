"use client";
import type { ListedCut } from "@/lib/models/cuts";
import { formatFixed } from "./format";

/** One cut as the picker names it: its tensors' shapes, the device's share of the compute, and whether it is prepared. */
export function cutText(c: ListedCut): string {
  const shapes = c.tensors.map((t) => t.shape.join("×")).join(" + ");
  return `${c.label} · ${shapes} · ${formatFixed(c.clientShare * 100, 1)} % on the device${c.prepared ? ` · prepared (${c.prepared})` : ""}`;
}

/** Every place the model can be cut, in model order. */
export function LayerPicker({ cuts, value, onChange, disabled }: { cuts: ListedCut[]; value: string; onChange: (id: string) => void; disabled?: boolean }) {
  return (
    <div className="space-y-1">
      <label htmlFor="fit-layer" className="block text-sm font-medium">
        Layer
      </label>
      <select
        id="fit-layer"
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        className="w-full max-w-full rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
      >
        {cuts.map((c) => (
          <option key={c.id} value={c.id}>
            {cutText(c)}
          </option>
        ))}
      </select>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        {cuts.length} places to cut: every layer boundary that no skip connection crosses (where the head&apos;s later layers need earlier tensors too, they
        travel with it); {cuts.filter((c) => c.prepared).length} of them have prepared units.
      </p>
    </div>
  );
}

"use client";

import type { ModelManifest } from "@/lib/models/manifest";
import type { BackendChoice, ViewSettings } from "@/lib/view/url-state";
import type { ModelEntry } from "@/lib/worker/playground-protocol";
import { formatFixed } from "./format";
import { GlossaryTerm } from "./glossary-term";

const field = "flex flex-col gap-1 text-sm";
const control = "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-900";

/**
 * Model, split point, rate level and backend: each a labelled control whose label is its accessible name. A drag
 * of the rate slider (or a held arrow key) is one gesture: onGesture(true) when it starts, onGesture(false) when it
 * ends, so the page can make it one history entry.
 */
export function PlaygroundControls({
  models,
  manifest,
  settings,
  onChange,
  onGesture,
}: {
  models: ModelEntry[];
  manifest: ModelManifest;
  settings: ViewSettings;
  onChange: (change: Partial<ViewSettings>) => void;
  onGesture: (active: boolean) => void;
}) {
  const split = manifest.splits.find((s) => s.id === settings.split) ?? manifest.splits[0];
  const rateIndex = Math.max(
    0,
    split.rates.findIndex((r) => r.id === settings.rate),
  );
  const rate = split.rates[rateIndex];
  return (
    <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
      <div className={field}>
        <label htmlFor="model-select" className="font-medium">
          Model
        </label>
        <select id="model-select" className={control} value={settings.model} onChange={(e) => onChange({ model: e.target.value })}>
          {models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
      <div className={field}>
        <label htmlFor="split-select" className="font-medium">
          <GlossaryTerm term="split-point">Split point</GlossaryTerm>
        </label>
        <select id="split-select" className={control} value={split.id} onChange={(e) => onChange({ split: e.target.value })}>
          {manifest.splits.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label} — {s.tensors.map((t) => t.shape.join("×")).join(" + ")}, {formatFixed(s.clientShare * 100, 1)} % on the client
            </option>
          ))}
        </select>
      </div>
      <div className={field}>
        <label htmlFor="rate-level" className="font-medium">
          <GlossaryTerm term="rate-level">Rate level</GlossaryTerm>
        </label>
        <input
          id="rate-level"
          type="range"
          min={0}
          max={Math.max(0, split.rates.length - 1)}
          step={1}
          value={rateIndex}
          disabled={split.rates.length === 0}
          aria-valuetext={rate ? `${rate.id} (λ ${rate.lambda.toPrecision(3)}, step ${rate.step})` : "none"}
          onChange={(e) => onChange({ rate: split.rates[Number(e.target.value)]?.id })}
          onPointerDown={() => {
            onGesture(true);
            // The pointer may be released anywhere on the page.
            window.addEventListener("pointerup", () => onGesture(false), { once: true });
          }}
          onKeyDown={() => onGesture(true)}
          onKeyUp={() => onGesture(false)}
          onBlur={() => onGesture(false)}
          className="accent-sky-600"
        />
        {/* A level has one name everywhere on the page (its id, r0 = fewest bytes); λ and the step are its settings, shown beside it. */}
        <span className="flex items-baseline justify-between gap-2 text-xs text-zinc-600 dark:text-zinc-300">
          <span>fewest bytes</span>
          {rate ? (
            <span className="text-center">
              <span className="font-mono text-sm font-semibold text-zinc-900 dark:text-zinc-100" data-testid="rate-label">
                {rate.id}
              </span>{" "}
              <span data-testid="rate-settings">
                <GlossaryTerm term="lambda">λ</GlossaryTerm> {rate.lambda.toPrecision(3)}, <GlossaryTerm term="step">step</GlossaryTerm> {rate.step}
              </span>
            </span>
          ) : (
            <span data-testid="rate-label">no rate levels</span>
          )}
          <span>best quality</span>
        </span>
      </div>
      <div className={field} data-dev>
        <label htmlFor="backend-select" className="font-medium">
          Backend
        </label>
        <select id="backend-select" className={control} value={settings.backend} onChange={(e) => onChange({ backend: e.target.value as BackendChoice })}>
          <option value="auto">auto (the fastest that works here)</option>
          <option value="webgl">webgl</option>
          <option value="wasm">wasm</option>
          <option value="cpu">cpu</option>
        </select>
      </div>
    </div>
  );
}

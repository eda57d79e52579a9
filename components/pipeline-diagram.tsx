"use client";

import { memo } from "react";
import { STAGES, type StageId } from "@/lib/teaching/stages";
import type { RunFacts } from "@/lib/teaching/run-facts";
import { ms } from "@/lib/teaching/format";

const SIDE = {
  device: "border-sky-600 bg-sky-50 dark:bg-sky-950",
  network: "border-zinc-500 bg-zinc-50 dark:bg-zinc-900",
  server: "border-orange-600 bg-orange-50 dark:bg-orange-950",
} as const;

/**
 * The whole flow in one row: input -> head -> BU encoder -> quantizer -> entropy coder -> bytes on the wire ->
 * entropy decoder -> BU decoder -> tail -> prediction, each box with its live figure and measured time from the
 * current run. A click on a box (its button) brings its panel into view and focuses it.
 */
export const PipelineDiagram = memo(function PipelineDiagram({
  facts,
  active,
  onOpen,
}: {
  facts: RunFacts | null;
  active: StageId | null;
  onOpen: (stage: StageId) => void;
}) {
  return (
    <nav aria-label="Pipeline" data-testid="pipeline">
      <ol className="flex flex-wrap items-stretch gap-y-2 text-xs">
        {STAGES.map((s, i) => {
          const t = facts ? s.time(facts) : null;
          const on = active === s.id;
          return (
            <li key={s.id} className="flex items-stretch">
              {i > 0 ? (
                <span className="flex items-center px-0.5 text-zinc-600 dark:text-zinc-400" aria-hidden>
                  →
                </span>
              ) : null}
              <div
                className={`flex min-w-[5.5rem] flex-col rounded-md border-2 px-2 py-1 ${SIDE[s.side]} ${on ? "ring-4 ring-amber-400" : ""}`}
                data-stage={s.id}
                data-active={on ? "true" : undefined}
                aria-current={on ? "step" : undefined}
              >
                <button
                  type="button"
                  className="text-left font-semibold hover:underline"
                  onClick={() => onOpen(s.id)}
                  aria-label={`${s.label}: show its panel`}
                >
                  {s.label}
                </button>
                <span className="font-mono tabular-nums" data-testid={`stage-figure-${s.id}`}>
                  {s.figure(facts)}
                </span>
                <span className="font-mono tabular-nums text-zinc-600 dark:text-zinc-300">{t === null ? s.side : ms(t)}</span>
              </div>
            </li>
          );
        })}
      </ol>
    </nav>
  );
});

"use client";

import { useEffect } from "react";
import { STAGES, type Flow } from "@/lib/teaching/stages";
import type { RunFacts } from "@/lib/teaching/run-facts";
import { TermText } from "./glossary-term";

/** Seconds per stage while playing. */
export const SPEEDS = [
  { label: "slow", seconds: 6 },
  { label: "normal", seconds: 3.5 },
  { label: "fast", seconds: 1.5 },
] as const;

const button =
  "rounded-md border border-zinc-400 px-3 py-1 text-sm font-medium hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-600 dark:hover:bg-zinc-800";

function FlowBox({ title, flow }: { title: string; flow: Flow }) {
  return (
    <div
      className="min-w-0 flex-1 rounded-md border border-zinc-300 px-3 py-2 dark:border-zinc-700"
      data-testid={`flow-${title.toLowerCase()}`}
      data-kind={flow.kind}
    >
      <p className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-300">{title}</p>
      <p className="font-mono text-sm">{flow.what}</p>
    </div>
  );
}

/**
 * The current run walked one stage at a time: what enters the stage, what leaves it, its measured time and one or
 * two sentences; "Play" advances on its own at the chosen speed and stops at the last stage. Nothing is re-run:
 * every figure is the current run's (RunFacts).
 */
export function StepThrough({
  facts,
  stage,
  onStage,
  playing,
  onPlaying,
  speed,
  onSpeed,
}: {
  facts: RunFacts | null;
  stage: number;
  onStage: (i: number) => void;
  playing: boolean;
  onPlaying: (on: boolean) => void;
  speed: number;
  onSpeed: (i: number) => void;
}) {
  useEffect(() => {
    if (!playing) return;
    if (stage >= STAGES.length - 1) {
      onPlaying(false);
      return;
    }
    const t = setTimeout(() => onStage(stage + 1), SPEEDS[speed].seconds * 1000);
    return () => clearTimeout(t);
  }, [playing, stage, speed, onStage, onPlaying]);
  const s = STAGES[stage];
  return (
    <section
      aria-labelledby="step-through-title"
      className="space-y-3 rounded-lg border-2 border-amber-400 p-4"
      data-block="stepper"
      data-testid="step-through"
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="step-through-title" className="mr-auto text-base font-semibold">
          Step through: stage {stage + 1} of {STAGES.length}, <span data-testid="step-stage">{s.label}</span>
        </h2>
        <button type="button" className={button} onClick={() => onStage(stage - 1)} disabled={stage === 0}>
          Previous stage
        </button>
        <button type="button" className={button} onClick={() => onStage(stage + 1)} disabled={stage === STAGES.length - 1}>
          Next stage
        </button>
        <button
          type="button"
          className={button}
          aria-pressed={playing}
          onClick={() => (playing ? onPlaying(false) : (stage === STAGES.length - 1 && onStage(0), onPlaying(true)))}
        >
          {playing ? "Pause" : "Play"}
        </button>
        <span className="flex items-center gap-1 text-sm">
          <label htmlFor="step-speed">Speed</label>
          <select
            id="step-speed"
            className="rounded-md border border-zinc-400 bg-white px-1 py-1 dark:border-zinc-600 dark:bg-zinc-900"
            value={speed}
            onChange={(e) => onSpeed(Number(e.target.value))}
          >
            {SPEEDS.map((sp, i) => (
              <option key={sp.label} value={i}>
                {sp.label} ({sp.seconds} s a stage)
              </option>
            ))}
          </select>
        </span>
      </div>
      {facts ? (
        <>
          <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
            <FlowBox title="Enters" flow={s.enters(facts)} />
            <span className="text-center text-zinc-600 dark:text-zinc-400" aria-hidden>
              → {s.label} →
            </span>
            <FlowBox title="Leaves" flow={s.leaves(facts)} />
          </div>
          <p className="text-sm" aria-live="polite">
            <TermText text={s.explain(facts)} />
          </p>
        </>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-300">Waiting for this setting&apos;s run…</p>
      )}
    </section>
  );
}

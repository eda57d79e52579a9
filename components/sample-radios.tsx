"use client";

import { useRef, type KeyboardEvent } from "react";
import type { Sample } from "@/lib/view/samples";
import { PixelImage } from "./pixel-image";

/**
 * The gallery as one radio group (WAI-ARIA radio pattern): one tab stop, the chosen sample (or the first when an
 * upload or a drawing is the input) in the tab order, arrow keys move the choice, Home / End go to the ends.
 */
export function SampleRadios({ samples, chosen, onChoose }: { samples: Sample[]; chosen: string | null; onChoose: (id: string) => void }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const at = samples.findIndex((s) => s.id === chosen);
  const tabStop = at >= 0 ? at : 0;

  const onKeyDown = (e: KeyboardEvent, i: number) => {
    const n = samples.length;
    const to =
      e.key === "ArrowRight" || e.key === "ArrowDown"
        ? (i + 1) % n
        : e.key === "ArrowLeft" || e.key === "ArrowUp"
          ? (i - 1 + n) % n
          : e.key === "Home"
            ? 0
            : e.key === "End"
              ? n - 1
              : -1;
    if (to < 0) return;
    e.preventDefault();
    refs.current[to]?.focus();
    onChoose(samples[to].id);
  };

  return (
    <div role="radiogroup" aria-labelledby="gallery-label" className="flex flex-wrap gap-1">
      {samples.map((s, i) => {
        const on = s.id === chosen;
        return (
          <button
            key={s.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="radio"
            aria-checked={on}
            tabIndex={i === tabStop ? 0 : -1}
            aria-label={`Sample ${s.id} (${s.label})`}
            onClick={() => onChoose(s.id)}
            onKeyDown={(e) => onKeyDown(e, i)}
            className={`rounded-sm p-0.5 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-600 ${on ? "ring-2 ring-sky-500" : "ring-1 ring-zinc-200 dark:ring-zinc-800"}`}
          >
            {"pixels" in s ? (
              <PixelImage pixels={s.pixels} width={s.width} height={s.height} channels={s.channels} size={32} label={`digit ${s.label}`} />
            ) : (
              <img src={s.url} alt={s.label} width={64} height={48} className="h-12 w-16 rounded-sm object-cover" />
            )}
          </button>
        );
      })}
    </div>
  );
}

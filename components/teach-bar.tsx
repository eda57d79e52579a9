"use client";

import { useEffect, useRef } from "react";

const toggle =
  "rounded-md border border-zinc-400 px-3 py-1 text-sm font-medium hover:bg-zinc-100 aria-pressed:border-sky-700 aria-pressed:bg-sky-700 aria-pressed:text-white dark:border-zinc-600 dark:hover:bg-zinc-800";

/** The teacher's switches: the guided lesson, the stage-by-stage walk, and the projector layout. */
export function TeachBar({
  lessonOpen,
  onLesson,
  stepperOpen,
  onStepper,
  present,
  onPresent,
}: {
  lessonOpen: boolean;
  onLesson: () => void;
  stepperOpen: boolean;
  onStepper: () => void;
  present: boolean;
  onPresent: () => void;
}) {
  return (
    <div className="flex flex-wrap items-center gap-2" data-block="teach" role="group" aria-label="Teaching">
      <button type="button" className={toggle} aria-pressed={lessonOpen} onClick={onLesson}>
        Lesson
      </button>
      <button type="button" className={toggle} aria-pressed={stepperOpen} onClick={onStepper}>
        Step through
      </button>
      <button type="button" className={toggle} aria-pressed={present} onClick={onPresent}>
        Presentation mode
      </button>
      {present ? <span className="text-sm text-zinc-600 dark:text-zinc-300">← → rate level · PgUp / PgDn lesson step</span> : null}
    </div>
  );
}

/**
 * Presentation mode: marks the document (app/globals.css draws large type and the one-screen layout from
 * html[data-present]) and takes the keyboard: arrow keys step the rate level, PageUp / PageDown the lesson, except
 * where a focused control uses those keys itself.
 */
export function usePresentation(on: boolean, keys: { rate: (delta: number) => void; lesson: (delta: number) => void }): void {
  const latest = useRef(keys);
  useEffect(() => {
    latest.current = keys;
  });
  useEffect(() => {
    const html = document.documentElement;
    if (!on) return;
    html.setAttribute("data-present", "");
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      const t = e.target instanceof Element ? e.target : null;
      const own = t?.closest("input, select, textarea, [contenteditable='true'], [role='radiogroup'], [role='slider']");
      const delta = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1 }[e.key];
      if (delta !== undefined && !own) {
        e.preventDefault();
        latest.current.rate(delta);
      } else if (e.key === "PageDown" || e.key === "PageUp") {
        e.preventDefault();
        latest.current.lesson(e.key === "PageDown" ? 1 : -1);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      html.removeAttribute("data-present");
    };
  }, [on]);
}

"use client";

import { LESSON, LessonDataError, type LessonContext } from "@/lib/teaching/lesson";
import { TermText } from "./glossary-term";

const button =
  "rounded-md border border-zinc-400 px-3 py-1 text-sm font-medium hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-600 dark:hover:bg-zinc-800";

/**
 * One lesson step: its title, 2-4 sentences filled from the figures (context), a question for the class, and
 * Back / Next, each of which opens the neighbouring step's view (one history entry, a link of its own).
 */
export function LessonCard({
  step,
  className = "",
  context,
  unavailable,
  onGo,
  onClose,
}: {
  step: number;
  className?: string;
  context: LessonContext | null;
  /** Why the step's figures cannot be read (its RD file is missing), if so. */
  unavailable: string | null;
  onGo: (step: number) => void;
  onClose: () => void;
}) {
  const s = LESSON[step - 1];
  let text: { body: string; question: string } | { problem: string } | null = unavailable
    ? { problem: `This step needs the model's RD file: ${unavailable}` }
    : null;
  if (context) {
    try {
      text = { body: s.body(context), question: s.question(context) };
    } catch (e) {
      if (!(e instanceof LessonDataError)) throw e;
      text = { problem: `This step cannot be filled in: ${e.message}.` };
    }
  }
  return (
    <section
      aria-labelledby="lesson-title"
      className={`space-y-2 rounded-lg border-2 border-sky-600 p-4 ${className}`}
      data-block="lesson"
      data-testid="lesson"
      data-step={step}
    >
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="lesson-title" className="mr-auto text-base font-semibold">
          Lesson, step {step} of {LESSON.length}: {s.title}
        </h2>
        <button type="button" className={button} onClick={() => onGo(step - 1)} disabled={step === 1}>
          Back
        </button>
        <button type="button" className={button} onClick={() => onGo(step + 1)} disabled={step === LESSON.length}>
          Next
        </button>
        <button type="button" className={button} onClick={onClose}>
          Close lesson
        </button>
      </div>
      {text === null ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-300">Opening this step&apos;s model and its RD file…</p>
      ) : "problem" in text ? (
        <p className="text-sm text-amber-800 dark:text-amber-300">{text.problem}</p>
      ) : (
        <>
          <p className="text-sm" data-testid="lesson-body">
            <TermText text={text.body} />
          </p>
          <p className="text-sm font-medium" data-testid="lesson-question">
            Question for the class: <TermText text={text.question} />
          </p>
        </>
      )}
    </section>
  );
}

"use client";

import { useId, useState, type ReactNode } from "react";
import { GLOSSARY, termParts, type TermId } from "@/lib/teaching/glossary";

/**
 * A word with its glossary definition (lib/teaching/glossary.ts): shown on hover and on keyboard focus, closed with
 * Escape, and always the word's accessible description (aria-describedby), so a screen reader hears it too.
 */
export function GlossaryTerm({ term, children }: { term: TermId; children?: ReactNode }) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const entry = GLOSSARY[term];
  return (
    <span className="relative inline-block" onMouseEnter={() => setOpen(true)} onMouseLeave={() => setOpen(false)}>
      <span
        tabIndex={0}
        aria-describedby={id}
        data-term={term}
        className="cursor-help underline decoration-dotted decoration-1 underline-offset-2 focus:outline-2 focus:outline-sky-600"
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={(e) => {
          if (e.key === "Escape") setOpen(false);
        }}
      >
        {children ?? entry.term}
      </span>
      <span
        id={id}
        role="tooltip"
        hidden={!open}
        className="absolute top-full left-0 z-50 mt-1 w-64 max-w-[80vw] rounded-md border border-zinc-300 bg-white p-2 text-left text-xs font-normal normal-case tracking-normal text-zinc-800 shadow-lg dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <strong className="font-semibold">{entry.term}</strong>: {entry.definition}
      </span>
    </span>
  );
}

/** Teaching text with [[term]] marks, each mark drawn as a GlossaryTerm. */
export function TermText({ text }: { text: string }) {
  return (
    <>
      {termParts(text).map((p, i) =>
        "term" in p ? (
          <GlossaryTerm key={i} term={p.term}>
            {p.text}
          </GlossaryTerm>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}

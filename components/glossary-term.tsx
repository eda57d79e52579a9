"use client";

import { useEffect, useId, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { GLOSSARY, termParts, type TermId } from "@/lib/teaching/glossary";

const TIP_WIDTH = 256;
const noSubscribe = () => () => {};

/**
 * A word with its glossary definition (lib/teaching/glossary.ts): shown on hover and on keyboard focus, closed with
 * Escape, and always the word's accessible description (aria-describedby), so a screen reader hears it too. The
 * tooltip lives at the end of the document, not inside the word's label or heading, so it never becomes part of a
 * control's or a section's name; it lets the pointer through, so it never covers what is clicked next.
 */
export function GlossaryTerm({ term, children }: { term: TermId; children?: ReactNode }) {
  const id = useId();
  const anchor = useRef<HTMLSpanElement>(null);
  const [at, setAt] = useState<{ top: number; left: number } | null>(null);
  // The portal needs document.body: only in the browser, after hydration.
  const inBrowser = useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );
  const entry = GLOSSARY[term];
  const open = () => {
    const r = anchor.current?.getBoundingClientRect();
    if (r) setAt({ top: r.bottom + 4, left: Math.max(8, Math.min(r.left, window.innerWidth - TIP_WIDTH - 8)) });
  };
  const close = () => setAt(null);
  useEffect(() => {
    if (!at) return;
    // A fixed tooltip would drift away from its word: scrolling closes it.
    window.addEventListener("scroll", close, { passive: true, capture: true });
    return () => window.removeEventListener("scroll", close, { capture: true });
  }, [at]);
  return (
    <>
      <span
        ref={anchor}
        tabIndex={0}
        aria-describedby={id}
        data-term={term}
        className="cursor-help underline decoration-dotted decoration-1 underline-offset-2 focus:outline-2 focus:outline-sky-600"
        onMouseEnter={open}
        onMouseLeave={close}
        onFocus={open}
        onBlur={close}
        onKeyDown={(e) => {
          if (e.key === "Escape") close();
        }}
      >
        {children ?? entry.term}
      </span>
      {inBrowser
        ? createPortal(
            <span
              id={id}
              role="tooltip"
              hidden={!at}
              style={at ? { top: at.top, left: at.left, width: TIP_WIDTH } : undefined}
              className="pointer-events-none fixed z-50 rounded-md border border-zinc-300 bg-white p-2 text-left text-xs font-normal normal-case tracking-normal text-zinc-800 shadow-lg dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
            >
              <strong className="font-semibold">{entry.term}</strong>: {entry.definition}
            </span>,
            document.body,
          )
        : null}
    </>
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

import type { ReactNode } from "react";
import type { TermId } from "@/lib/teaching/glossary";
import { GlossaryTerm } from "./glossary-term";

export interface Stat {
  label: string;
  /** The glossary term the label stands for, if any: its definition shows on hover and focus. */
  term?: TermId;
  value: ReactNode;
  /** Extra context under the value. */
  note?: ReactNode;
  testId?: string;
  /** The raw number behind the shown text, for tests and tools that read the page. */
  raw?: number | string;
}

export function StatList({ stats }: { stats: Stat[] }) {
  return (
    <dl className="grid grid-cols-1 gap-px overflow-hidden rounded-lg border border-zinc-200 bg-zinc-200 sm:grid-cols-2 dark:border-zinc-800 dark:bg-zinc-800">
      {stats.map((s) => (
        <div key={s.label} className="bg-white px-4 py-3 dark:bg-zinc-950">
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
            {s.term ? <GlossaryTerm term={s.term}>{s.label}</GlossaryTerm> : s.label}
          </dt>
          <dd className="mt-1 font-mono text-lg tabular-nums" data-testid={s.testId} data-value={s.raw}>
            {s.value}
          </dd>
          {s.note ? <dd className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">{s.note}</dd> : null}
        </div>
      ))}
    </dl>
  );
}

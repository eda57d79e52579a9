const COLORS = {
  agree: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  disagree: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
};

/**
 * Whether the split model's answer is the unsplit model's, green or amber: "agree" / "disagree", or a `label` that
 * says more (a detector's "7 of 7 found, 1 extra"), with its counts as data attributes.
 */
export function AgreementBadge({ agree, label, counts }: { agree: boolean; label?: string; counts?: Record<string, number> }) {
  const word = agree ? "agree" : "disagree";
  const data = Object.fromEntries(Object.entries(counts ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return (
    <span data-testid="agreement" data-value={label ?? word} {...data} className={`rounded-full px-2.5 py-0.5 text-sm font-medium ${COLORS[word]}`}>
      {label ?? word}
    </span>
  );
}

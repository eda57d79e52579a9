const COLORS = {
  agree: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  disagree: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
};

/** "agree" in green or "disagree" in amber: whether the split model's answer is the unsplit model's. */
export function AgreementBadge({ agree }: { agree: boolean }) {
  const word = agree ? "agree" : "disagree";
  return (
    <span data-testid="agreement" data-value={word} className={`rounded-full px-2.5 py-0.5 text-sm font-medium ${COLORS[word]}`}>
      {word}
    </span>
  );
}

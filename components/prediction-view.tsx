import { formatFixed } from "./format";
import { AgreementBadge } from "./agreement-badge";

export function topK(probs: number[], k: number): { index: number; p: number }[] {
  return probs
    .map((p, index) => ({ index, p }))
    .sort((a, b) => b.p - a.p)
    .slice(0, k);
}

function Bars({ title, probs, classes, testId }: { title: string; probs: number[]; classes: string[]; testId: string }) {
  const top = topK(probs, 3);
  return (
    <div className="min-w-0 flex-1" data-testid={testId} data-value={classes[top[0].index]}>
      <p className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">{title}</p>
      <ol className="mt-1 space-y-1">
        {top.map(({ index, p }) => (
          <li key={index} className="flex items-center gap-2 text-sm">
            <span className="w-8 font-mono">{classes[index]}</span>
            <span className="relative h-3 flex-1 rounded-sm bg-zinc-100 dark:bg-zinc-800">
              <span className="absolute inset-y-0 left-0 rounded-sm bg-sky-500" style={{ width: `${Math.max(0.5, p * 100)}%` }} />
            </span>
            <span className="w-14 text-right font-mono text-xs tabular-nums">{formatFixed(p * 100, 1)} %</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The split model's answer next to the unsplit model's, and whether they agree. */
export function PredictionView({
  split,
  unsplit,
  classes,
  splitTitle = "Split model (decoded bitstream)",
}: {
  split: number[];
  unsplit: number[];
  classes: string[];
  /** What produced `split` (a comparison also shows the whole model on a decoded JPEG). */
  splitTitle?: string;
}) {
  const agree = topK(split, 1)[0].index === topK(unsplit, 1)[0].index;
  return (
    <div className="space-y-3">
      <p>
        <AgreementBadge agree={agree} />
        <span className="ml-2 text-sm text-zinc-600 dark:text-zinc-400">
          {agree ? "the split model gives the same top class as the whole model" : "the compressed features changed the top class"}
        </span>
      </p>
      <div className="flex flex-col gap-4 sm:flex-row">
        <Bars title={splitTitle} probs={split} classes={classes} testId="split-prediction" />
        <Bars title="Unsplit model" probs={unsplit} classes={classes} testId="unsplit-prediction" />
      </div>
    </div>
  );
}

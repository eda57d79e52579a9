import type { RunResult, StageMs } from "@/lib/worker/playground-protocol";
import { formatFixed } from "./format";

const STAGES: { key: keyof StageMs; label: string; side: "client" | "server"; color: string }[] = [
  { key: "head", label: "Head", side: "client", color: "bg-sky-700" },
  { key: "buEncoder", label: "BU encoder", side: "client", color: "bg-sky-400" },
  { key: "entropyEncode", label: "Quantize + rANS encode", side: "client", color: "bg-cyan-300" },
  { key: "entropyDecode", label: "rANS decode", side: "server", color: "bg-amber-300" },
  { key: "buDecoder", label: "BU decoder", side: "server", color: "bg-amber-500" },
  { key: "tail", label: "Tail", side: "server", color: "bg-orange-600" },
];

/**
 * Measured stage times of this run as one stacked bar, next to the unsplit model's time. The head and the unsplit
 * model run once per input (a rate change reuses them), so their times are the ones measured then; times that
 * include one-time kernel setup (the first run of a split point after loading) say so.
 */
export function TimingBar({ ms, backend, reused, coldStart, measuredCold }: Pick<RunResult, "ms" | "backend" | "reused" | "coldStart" | "measuredCold">) {
  const total = STAGES.reduce((s, st) => s + ms[st.key], 0);
  return (
    <div className="space-y-2">
      <div className="flex h-4 w-full overflow-hidden rounded-sm" role="img" aria-label={`Split pipeline ${formatFixed(total, 1)} ms in total`}>
        {STAGES.map((st) => (
          <span
            key={st.key}
            className={st.color}
            style={{ width: `${(ms[st.key] / (total || 1)) * 100}%` }}
            title={`${st.label}: ${formatFixed(ms[st.key], 2)} ms`}
          />
        ))}
      </div>
      <ul className="grid grid-cols-2 gap-x-4 gap-y-0.5 text-xs sm:grid-cols-3">
        {STAGES.map((st) => (
          <li key={st.key} className="flex items-center gap-1.5">
            <span className={`inline-block h-2.5 w-2.5 rounded-sm ${st.color}`} aria-hidden />
            <span>{st.label}</span>
            <span className="ml-auto font-mono tabular-nums" data-testid={`ms-${st.key}`}>
              {formatFixed(ms[st.key], 1)} ms
            </span>
          </li>
        ))}
      </ul>
      <p className="text-xs text-zinc-600 dark:text-zinc-400" data-dev>
        Split pipeline {formatFixed(total, 1)} ms; the unsplit model {formatFixed(ms.unsplit, 1)} ms ({backend}, one image, measured in the worker).
        {reused.head || reused.unsplit
          ? " The head and the unsplit model ran once for this input: a rate level does not change them, so their times are from then."
          : ""}
      </p>
      {coldStart || (reused.head && measuredCold.head) || (reused.unsplit && measuredCold.unsplit) ? (
        <p className="text-xs text-amber-800 dark:text-amber-300" data-testid="cold-start">
          {coldStart
            ? "First run of this split point since the model loaded: these times include one-time kernel setup."
            : "The head's and the unsplit model's times are from this input's first run, which included one-time kernel setup."}
        </p>
      ) : null}
    </div>
  );
}

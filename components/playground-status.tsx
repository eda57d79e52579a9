import type { PlaygroundState } from "@/lib/view/playground-controller";
import { BackendStatus } from "./backend-status";
import { formatFixed } from "./format";

/** The backend in use (and why others were not), and while the model loads, its phase and progress. */
export function PlaygroundStatus({ state }: { state: Pick<PlaygroundState, "load" | "init"> }) {
  const { load } = state;
  const loading = load.kind === "starting" || load.kind === "loading";
  const progress = load.kind === "loading" ? load.progress : null;
  const what = load.kind === "starting" ? "the model list" : (progress?.what ?? "the model");
  return (
    <>
      <div data-dev>
        <BackendStatus init={state.init} />
      </div>
      {loading ? (
        <div className="flex items-center gap-2 text-sm" aria-live="polite">
          <label htmlFor="model-progress">
            Loading {what}
            {progress?.fraction != null ? ` (${formatFixed(progress.fraction * 100, 0)} %)` : "…"}
          </label>
          <progress id="model-progress" max={1} value={progress?.fraction ?? undefined} className="w-40" />
        </div>
      ) : null}
    </>
  );
}

/** Next to the results while a run is under way. */
export function RunningNote({ firstRun }: { firstRun: boolean }) {
  return (
    <span className="flex items-center gap-1.5 text-xs text-sky-700 dark:text-sky-400" role="status" data-testid="running">
      <span className="inline-block h-2 w-2 animate-pulse rounded-full bg-sky-500" aria-hidden />
      {firstRun ? "First run of this split point: setting up the kernels…" : "Running…"}
    </span>
  );
}

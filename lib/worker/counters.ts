/**
 * What the worker has computed since it started, for the page's readout and the tests that check that work is
 * reused (a rate change runs no head) and that superseded runs are dropped (a burst of changes costs about one run).
 */
export interface WorkerCounters {
  /** run and run-levels requests received, finished with a result, and dropped because a newer one arrived. */
  runsRequested: number;
  runsComputed: number;
  runsDropped: number;
  /** Head computations (once per input and split point), unsplit model runs (once per input), JPEG encodes. */
  headRuns: number;
  unsplitRuns: number;
  jpegEncodes: number;
}

export const counters: WorkerCounters = { runsRequested: 0, runsComputed: 0, runsDropped: 0, headRuns: 0, unsplitRuns: 0, jpegEncodes: 0 };

export function snapshot(): WorkerCounters {
  return { ...counters };
}

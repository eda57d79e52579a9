/**
 * What the worker has computed since it started, for the page's readout and the tests that check that work is
 * reused (a rate change runs no head) and that superseded runs are dropped (a burst of changes costs about one run).
 */
export interface WorkerCounters {
  /** run requests received, finished with a result, and dropped because a newer one arrived. */
  runsRequested: number;
  runsComputed: number;
  runsDropped: number;
  /**
   * The same for the work done beside the page's view (run-levels: this input's RD curve; jpeg-run: the input sent
   * as a JPEG), counted apart so that the view's counts stay those of the view.
   */
  sideRunsRequested: number;
  sideRunsComputed: number;
  sideRunsDropped: number;
  /** Head computations (once per input and split point), unsplit model runs (once per input), JPEG encodes. */
  headRuns: number;
  unsplitRuns: number;
  jpegEncodes: number;
}

/** Counters that have counted nothing yet: the worker's start, and a fresh result in the tests. */
export function zeroCounters(): WorkerCounters {
  return {
    runsRequested: 0,
    runsComputed: 0,
    runsDropped: 0,
    sideRunsRequested: 0,
    sideRunsComputed: 0,
    sideRunsDropped: 0,
    headRuns: 0,
    unsplitRuns: 0,
    jpegEncodes: 0,
  };
}

export const counters: WorkerCounters = zeroCounters();

export function snapshot(): WorkerCounters {
  return { ...counters };
}

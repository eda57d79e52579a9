/**
 * Long fits run in the page's worker between messages: they yield now and then so that a Cancel can arrive, and stop
 * at the next step once it has.
 */

/** Lets the worker's message handler (a Cancel's abort) run before the work goes on. */
export const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Throws the abort's reason (an AbortError by default) once the signal is aborted. */
export function abortIfAsked(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new DOMException("The fit was stopped.", "AbortError");
}

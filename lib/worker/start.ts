/**
 * Starts the Splitscope worker. The `new Worker(new URL(..., import.meta.url))` form is what both Turbopack
 * and webpack recognise and bundle as a separate worker entry, so it works in dev and in the static export.
 * Browser only: call it from an effect, never during render.
 */
import { WorkerClient } from "./client";

export function startSplitscopeWorker(): WorkerClient {
  const worker = new Worker(new URL("./splitscope.worker.ts", import.meta.url), { type: "module", name: "splitscope" });
  return new WorkerClient(worker);
}

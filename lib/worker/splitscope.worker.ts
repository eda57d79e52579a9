/// <reference lib="webworker" />
/**
 * The Splitscope Web Worker: receives WorkerRequest messages, runs the matching handler, and posts exactly
 * one WorkerResponse per request id. Started by lib/worker/start.ts.
 */
import { isBitstreamError } from "@/lib/codec";
import { handlers, RequestError, type HandlerContext } from "./handlers";
import type { Progress } from "./playground-protocol";
import { transferablesOf, type RequestType, type WorkerError, type WorkerProgress, type WorkerRequest, type WorkerResponse } from "./protocol";

declare const self: DedicatedWorkerGlobalScope;

function toWorkerError(e: unknown): WorkerError {
  if (e instanceof RequestError) return { code: e.code, message: e.message };
  if (isBitstreamError(e)) return { code: "bitstream", message: e.message };
  const detail = e instanceof Error ? e.message : String(e);
  return { code: "internal", message: `Something went wrong in the background worker: ${detail}` };
}

function isRequest(data: unknown): data is WorkerRequest {
  if (typeof data !== "object" || data === null) return false;
  const r = data as { id?: unknown; type?: unknown; params?: unknown };
  return typeof r.id === "number" && typeof r.type === "string" && Object.hasOwn(handlers, r.type) && typeof r.params === "object";
}

async function answer(req: WorkerRequest): Promise<WorkerResponse> {
  // Each handler matches its own request type; TypeScript cannot see that through the union.
  const handler = handlers[req.type] as (params: unknown, ctx: HandlerContext) => Promise<unknown>;
  const progress = (p: Progress) => self.postMessage({ id: req.id, progress: p } satisfies WorkerProgress);
  const result = await handler(req.params, { progress });
  return { id: req.id, type: req.type, ok: true, result } as WorkerResponse;
}

self.onmessage = async (event: MessageEvent<unknown>) => {
  const data = event.data;
  if (!isRequest(data)) {
    const id = typeof (data as { id?: unknown })?.id === "number" ? (data as { id: number }).id : -1;
    const type = (data as { type?: unknown })?.type;
    const response: WorkerResponse = {
      id,
      type: "unknown",
      ok: false,
      error: { code: "bad-request", message: `The worker does not understand the request ${JSON.stringify(type ?? null)}.` },
    };
    self.postMessage(response);
    return;
  }
  let response: WorkerResponse;
  try {
    response = await answer(data);
  } catch (e) {
    response = { id: data.id, type: data.type as RequestType, ok: false, error: toWorkerError(e) };
  }
  self.postMessage(response, transferablesOf(response));
};

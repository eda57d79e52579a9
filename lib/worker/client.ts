/**
 * The page's side of the worker protocol: numbered requests, one promise per request that always resolves
 * to an Outcome (value or error sentence), and a terminate that settles whatever is still pending.
 */
import {
  transferablesOf,
  type Outcome,
  type ParamsOf,
  type RequestType,
  type ResultOf,
  type WorkerError,
  type WorkerMessage,
  type WorkerRequest,
  isProgress,
} from "./protocol";
import type { Progress } from "./playground-protocol";

/** The part of a Worker the client needs; tests can pass a fake. */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  onmessageerror: ((event: MessageEvent) => void) | null;
}

type Pending = (outcome: Outcome<unknown>) => void;

export class WorkerClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<number, (p: Progress) => void>();
  private closed: WorkerError | null = null;

  constructor(private readonly worker: WorkerLike) {
    worker.onmessage = (event) => this.receive(event.data as WorkerMessage);
    worker.onerror = (event) => {
      event.preventDefault?.();
      const detail = event.message ? `: ${event.message}` : "";
      this.fail({ code: "worker-crashed", message: `The background worker stopped unexpectedly${detail}.` });
    };
    worker.onmessageerror = () => this.fail({ code: "worker-crashed", message: "A message from the background worker could not be read." });
  }

  /** Sends a request; typed-array buffers in params are transferred (the caller's copies become empty). */
  call<K extends RequestType>(type: K, params: ParamsOf<K>, onProgress?: (p: Progress) => void): Promise<Outcome<ResultOf<K>>> {
    if (this.closed) return Promise.resolve({ ok: false, error: this.closed });
    const id = this.nextId++;
    if (onProgress) this.listeners.set(id, onProgress);
    const request = { id, type, params } as WorkerRequest;
    return new Promise((resolve) => {
      this.pending.set(id, resolve as Pending);
      this.worker.postMessage(request, transferablesOf(params));
    });
  }

  /** Stops the worker; pending calls resolve with a "terminated" error. */
  terminate(): void {
    if (this.closed) return;
    this.worker.terminate();
    this.fail({ code: "terminated", message: "The background worker was stopped." });
  }

  private receive(response: WorkerMessage): void {
    if (isProgress(response)) {
      this.listeners.get(response.id)?.(response.progress);
      return;
    }
    const settle = this.pending.get(response.id);
    if (!settle) return;
    this.pending.delete(response.id);
    this.listeners.delete(response.id);
    settle(response.ok ? { ok: true, value: response.result } : { ok: false, error: response.error });
  }

  private fail(error: WorkerError): void {
    this.closed = error;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    this.listeners.clear();
    for (const settle of waiting) settle({ ok: false, error });
  }
}

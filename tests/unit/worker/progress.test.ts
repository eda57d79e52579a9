import { describe, expect, it } from "vitest";
import { WorkerClient, type WorkerLike } from "@/lib/worker/client";
import type { Progress } from "@/lib/worker/playground-protocol";
import type { WorkerMessage, WorkerRequest } from "@/lib/worker/protocol";

class FakeWorker implements WorkerLike {
  posted: WorkerRequest[] = [];
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  postMessage(message: unknown): void {
    this.posted.push(message as WorkerRequest);
  }
  terminate(): void {}
  send(m: WorkerMessage): void {
    this.onmessage?.({ data: m } as MessageEvent);
  }
}

describe("progress messages", () => {
  it("reach the listener of their own request only, before the response, and stop after it", async () => {
    const w = new FakeWorker();
    const client = new WorkerClient(w);
    const seenA: Progress[] = [];
    const seenB: Progress[] = [];
    const a = client.call("load-model", { model: "digits" }, (p) => seenA.push(p));
    void client.call("memory", {}, (p) => seenB.push(p));
    const [ra] = w.posted;
    w.send({ id: ra.id, progress: { phase: "weights", what: "backbone weights", fraction: 0.5 } });
    w.send({ id: ra.id, ok: false, type: "load-model", error: { code: "bad-request", message: "No such model." } });
    w.send({ id: ra.id, progress: { phase: "build", what: "late", fraction: 1 } });
    expect(await a).toEqual({ ok: false, error: { code: "bad-request", message: "No such model." } });
    expect(seenA).toEqual([{ phase: "weights", what: "backbone weights", fraction: 0.5 }]);
    expect(seenB).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { WorkerClient, type WorkerLike } from "@/lib/worker/client";
import type { WorkerRequest, WorkerResponse } from "@/lib/worker/protocol";

/** A stand-in Worker that records what was posted and lets the test answer. */
class FakeWorker implements WorkerLike {
  posted: { message: WorkerRequest; transfer: Transferable[] }[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  onmessageerror: ((event: MessageEvent) => void) | null = null;
  postMessage(message: unknown, transfer: Transferable[]): void {
    this.posted.push({ message: message as WorkerRequest, transfer });
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(response: WorkerResponse): void {
    this.onmessage?.({ data: response } as MessageEvent);
  }
}

const INIT_RESULT = { backend: "wasm" as const, failures: [], tfVersion: "4.22.0" };

describe("WorkerClient", () => {
  it("numbers requests and settles each with the response carrying its id, in any order", async () => {
    const w = new FakeWorker();
    const client = new WorkerClient(w);
    const a = client.call("init", { backend: "wasm" });
    const b = client.call("init", {});
    const [ra, rb] = w.posted.map((p) => p.message);
    expect(ra.id).not.toBe(rb.id);
    expect(ra).toMatchObject({ type: "init", params: { backend: "wasm" } });

    w.reply({ id: rb.id, type: "init", ok: false, error: { code: "no-backend", message: "No backend works." } });
    w.reply({ id: ra.id, type: "init", ok: true, result: INIT_RESULT });
    expect(await a).toEqual({ ok: true, value: INIT_RESULT });
    expect(await b).toEqual({ ok: false, error: { code: "no-backend", message: "No backend works." } });
  });

  it("ignores responses for unknown ids", async () => {
    const w = new FakeWorker();
    const client = new WorkerClient(w);
    const p = client.call("init", {});
    w.reply({ id: 999, type: "init", ok: true, result: INIT_RESULT });
    w.reply({ id: w.posted[0].message.id, type: "init", ok: true, result: { ...INIT_RESULT, backend: "cpu" } });
    expect(await p).toMatchObject({ ok: true, value: { backend: "cpu" } });
  });

  it("terminate stops the worker and settles pending and later calls with an error value", async () => {
    const w = new FakeWorker();
    const client = new WorkerClient(w);
    const pending = client.call("codec-demo", { seed: 1, shape: [2, 2, 1], step: 1 });
    client.terminate();
    expect(w.terminated).toBe(true);
    expect(await pending).toMatchObject({ ok: false, error: { code: "terminated" } });
    expect(await client.call("init", {})).toMatchObject({ ok: false, error: { code: "terminated" } });
    expect(w.posted).toHaveLength(1);
  });

  it("a crashed worker settles every pending call with a sentence", async () => {
    const w = new FakeWorker();
    const client = new WorkerClient(w);
    const pending = [client.call("init", {}), client.call("init", {})];
    w.onerror?.({ message: "out of memory", preventDefault() {} } as ErrorEvent);
    for (const outcome of await Promise.all(pending)) {
      expect(outcome.ok).toBe(false);
      if (!outcome.ok) {
        expect(outcome.error.code).toBe("worker-crashed");
        expect(outcome.error.message).toMatch(/^The background worker stopped unexpectedly: out of memory\.$/);
      }
    }
  });
});

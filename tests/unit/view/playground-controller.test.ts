/**
 * The page's state machine with a scripted worker and address bar: which requests it sends, in what order, what it
 * does with late, superseded and failed answers, and what it writes into the history.
 */
import { describe, expect, it } from "vitest";
import type { ModelManifest } from "@/lib/models/manifest";
import { currentResult, PlaygroundController, type AddressBar, type WorkerPort } from "@/lib/view/playground-controller";
import type { Outcome, ParamsOf, RequestType, ResultOf, WorkerError } from "@/lib/worker/protocol";
import { zeroCounters } from "@/lib/worker/counters";
import type { ModelFiles, Progress, RunResult } from "@/lib/worker/playground-protocol";

interface Call {
  type: RequestType;
  params: unknown;
  onProgress?: (p: Progress) => void;
  settle: (o: Outcome<unknown>) => void;
  worker: FakeWorker;
}

/** A worker whose answers the test gives, request by request. */
class FakeWorker implements WorkerPort {
  terminated = false;
  constructor(private readonly log: Call[]) {}
  call<K extends RequestType>(type: K, params: ParamsOf<K>, onProgress?: (p: Progress) => void): Promise<Outcome<ResultOf<K>>> {
    return new Promise((resolve) => this.log.push({ type, params, onProgress, settle: resolve as Call["settle"], worker: this }));
  }
  terminate(): void {
    this.terminated = true;
  }
}

function manifest(id: string, name: string): ModelManifest {
  const rates = ["r0", "r1", "r2"].map((rid, index) => ({ id: rid, index, label: rid, step: 1 }));
  const splits = ["a", "b"].map((sid, index) => ({ id: sid, index, label: `Split ${sid}`, tensors: [{ node: sid, shape: [2, 2, 1] }], rates }));
  return {
    id,
    name,
    index: id === "digits" ? 0 : 1,
    task: "classification",
    input: { height: 2, width: 2, channels: 1, range: [0, 1] },
    splits,
  } as unknown as ModelManifest;
}

const FILES: Record<string, ModelFiles> = {
  digits: {
    manifest: manifest("digits", "Digits"),
    rd: null,
    rdProblem: "none",
    samples: [{ id: "s0", label: "zero", pixels: new Uint8Array(4), width: 2, height: 2, channels: 1 }],
  },
  photos: {
    manifest: manifest("photos", "Photos"),
    rd: null,
    rdProblem: "none",
    samples: [{ id: "p0", label: "cat", url: "/p0.jpg", width: 2, height: 2 }],
  },
};

function runResult(params: { token: number; model: string; split: number; rate: number; features: boolean }): RunResult {
  return {
    ...params,
    backend: "wasm",
    features: params.features ? [{ data: new Float32Array(4), shape: [2, 2, 1] }] : null,
    bitstream: new Uint8Array(10 + params.rate),
    counters: zeroCounters(),
  } as unknown as RunResult;
}

function setup(search = "") {
  const calls: Call[] = [];
  const workers: FakeWorker[] = [];
  const history: { how: "push" | "replace"; search: string }[] = [];
  let current = search;
  let pop: (() => void) | null = null;
  const address: AddressBar = {
    search: () => current,
    push: (s) => (history.push({ how: "push", search: s }), (current = s)),
    replace: (s) => (history.push({ how: "replace", search: s }), (current = s)),
    onPop: (l) => ((pop = l), () => (pop = null)),
  };
  const reads: string[] = [];
  const c = new PlaygroundController({
    startWorker: () => {
      const w = new FakeWorker(calls);
      workers.push(w);
      return w;
    },
    address,
    readSample: async (url) => (reads.push(url), new Uint8Array([1, 2, 3, 4])),
    curveDelayMs: 0,
  });
  const pending = (type: RequestType) => calls.filter((x) => x.type === type);
  const flush = () => new Promise((r) => setTimeout(r, 0));
  /** Answers the oldest unanswered request of a type. */
  const answer = async (type: RequestType, value: (params: never) => unknown = () => ({})) => {
    const i = calls.findIndex((x) => x.type === type);
    if (i < 0) throw new Error(`no pending ${type} request`);
    const [call] = calls.splice(i, 1);
    call.settle({ ok: true, value: value(call.params as never) });
    await flush();
    return call;
  };
  const fail = async (type: RequestType, error: WorkerError) => {
    const i = calls.findIndex((x) => x.type === type);
    const [call] = calls.splice(i, 1);
    call.settle({ ok: false, error });
    await flush();
    return call;
  };
  const models = () => ({
    models: [
      { id: "digits", name: "Digits", task: "classification", inputChannels: 1 },
      { id: "photos", name: "Photos", task: "detection", inputChannels: 3 },
    ],
  });
  /** Start, and answer init, models, open-model and load-model: a model ready, a run sent. */
  const boot = async () => {
    c.start();
    await answer("init", () => ({ backend: "wasm", failures: [], tfVersion: "4.22.0" }));
    await answer("models", models);
    await answer("open-model", (p: { model: string }) => FILES[p.model]);
    await answer("load-model", () => ({ backend: "wasm", loadMs: 5 }));
  };
  const answerRun = () => answer("run", runResult);
  return { c, calls, workers, history, address, pending, answer, fail, boot, answerRun, flush, reads, popTo: (s: string) => ((current = s), pop?.()) };
}

describe("the playground controller", () => {
  it("boots: backend, model list, model files, weights, then one run; defaults fill the address without a history entry", async () => {
    const t = setup("?model=digits");
    await t.boot();
    expect(t.c.getState().load).toEqual({ kind: "ready", model: "digits", loadMs: 5 });
    expect(t.pending("run")).toHaveLength(1);
    expect(t.pending("run")[0].params).toMatchObject({ model: "digits", split: 0, rate: 1, features: true });
    expect(t.history).toEqual([{ how: "replace", search: "?model=digits&split=a&rate=r1&sample=s0" }]);
    await t.answerRun();
    expect(currentResult(t.c.getState())?.run.rate).toBe(1);
    expect(t.c.getState().running).toBeNull();
    // The input's JPEG size is asked for after its first result, once.
    expect(t.c.getState().result?.jpegBytes).toBeNull();
    await t.answer("baselines", () => ({ jpegBytes: 321, jpegQuality: 75 }));
    expect(t.c.getState().result?.jpegBytes).toBe(321);
    t.c.change({ rate: "r2" });
    await t.answerRun();
    expect(t.c.getState().result?.jpegBytes).toBe(321);
    expect(t.pending("baselines")).toHaveLength(0);
  });

  it("asks the worker to load the first rate level's units along with the weights", async () => {
    const t = setup("?model=digits&split=b&rate=r2");
    t.c.start();
    await t.answer("init", () => ({ backend: "wasm", failures: [], tfVersion: "4.22.0" }));
    await t.answer("models", () => ({ models: [{ id: "digits", name: "Digits", task: "classification", inputChannels: 1 }] }));
    await t.answer("open-model", () => FILES.digits);
    expect(t.pending("load-model")[0].params).toEqual({ model: "digits", prefetch: { split: 1, rate: 2 } });
  });

  it("says what it replaced in the address", async () => {
    const t = setup("?model=digits&split=zz&backend=quantum");
    await t.boot();
    expect(t.c.getState().notices).toEqual([
      'The address asks for the split point "zz", which Digits does not have; showing "Split a" instead.',
      'The address asks for the backend "quantum", which does not exist; choosing one automatically instead.',
    ]);
  });

  it("shows only the answer to the latest run, and asks for the head's output once per input and split", async () => {
    const t = setup();
    await t.boot();
    await t.answerRun();
    t.c.change({ rate: "r0" });
    t.c.change({ rate: "r2" });
    const [older, newer] = t.pending("run");
    expect((newer.params as { features: boolean }).features).toBe(false);
    // The newer answer first, then the older one late: the older never shows.
    newer.settle({ ok: true, value: runResult(newer.params as never) });
    await t.flush();
    older.settle({ ok: true, value: runResult(older.params as never) });
    await t.flush();
    expect(t.c.getState().result?.run.rate).toBe(2);
    expect(t.c.getState().result?.features).toHaveLength(1);
  });

  it("makes one history entry per slider drag (first step pushes, the rest replace), one per other choice", async () => {
    const t = setup();
    await t.boot();
    t.history.length = 0;
    t.c.beginGesture();
    for (const rate of ["r2", "r0", "r1", "r0"]) t.c.change({ rate });
    t.c.endGesture();
    expect(t.history.map((h) => h.how)).toEqual(["push", "replace", "replace", "replace"]);
    expect(t.history.at(-1)!.search).toContain("rate=r0");
    t.c.change({ rate: "r2" });
    t.c.change({ split: "b" });
    expect(t.history.map((h) => h.how).slice(4)).toEqual(["push", "push"]);
    // Back: the settings of the address, no new entry.
    t.popTo("?model=digits&split=a&rate=r1&sample=s0");
    expect(t.c.getState().settings).toMatchObject({ split: "a", rate: "r1" });
    expect(t.history).toHaveLength(6);
  });

  it("cancels the wait for a model when another is chosen, and uses only the new one's answers", async () => {
    const t = setup();
    await t.boot();
    await t.answerRun();
    t.c.change({ model: "photos" });
    await t.answer("open-model", () => FILES.photos);
    expect(t.pending("load-model")).toHaveLength(1);
    t.c.change({ model: "digits" });
    await t.answer("open-model", () => FILES.digits);
    // The photos load answers "cancelled" (the worker cancelled it); the page says nothing and waits for digits.
    await t.fail("load-model", { code: "cancelled", message: "Loading was cancelled by a newer choice." });
    expect(t.c.getState().load).toMatchObject({ kind: "loading", model: "digits" });
    await t.answer("load-model", () => ({ backend: "wasm", loadMs: 1 }));
    expect(t.c.getState().load).toMatchObject({ kind: "ready", model: "digits" });
    expect(t.pending("run")[0].params).toMatchObject({ model: "digits" });
    expect(t.reads).toEqual(["/p0.jpg"]);
  });

  it("shows a failed load as a sentence, and Retry loads again without a reload", async () => {
    const t = setup();
    t.c.start();
    await t.answer("init", () => ({ backend: "wasm", failures: [], tfVersion: "4.22.0" }));
    await t.fail("models", { code: "load-failed", message: "Could not download the model list (/models/index.json): the server answered HTTP 500." });
    expect(t.c.getState().load).toEqual({
      kind: "failed",
      step: "models",
      message: "Could not download the model list (/models/index.json): the server answered HTTP 500.",
    });
    t.c.retry();
    await t.answer("models", () => ({ models: [{ id: "digits", name: "Digits", task: "classification", inputChannels: 1 }] }));
    await t.answer("open-model", () => FILES.digits);
    const progress = t.pending("load-model")[0].onProgress!;
    progress({ phase: "weights", what: "the backbone weights", fraction: 0.5 });
    expect(t.c.getState().load).toMatchObject({ kind: "loading", progress: { fraction: 0.5 } });
    await t.fail("load-model", { code: "load-failed", message: "Could not download the model weights (/w.bin): the connection failed or was refused." });
    expect(t.c.getState().load).toMatchObject({ kind: "failed", step: "weights" });
    t.c.retry();
    await t.answer("load-model", () => ({ backend: "wasm", loadMs: 1 }));
    await t.answerRun();
    expect(currentResult(t.c.getState())).not.toBeNull();
    expect(t.workers).toHaveLength(1);
  });

  it("keeps a backend failure on the page while the model list arrives, and Retry starts a new worker", async () => {
    const t = setup();
    t.c.start();
    await t.fail("init", { code: "no-backend", message: "No TensorFlow.js backend works in this browser (webgl: no; wasm: no; cpu: no)." });
    await t.answer("models", () => ({ models: [{ id: "digits", name: "Digits", task: "classification", inputChannels: 1 }] }));
    await t.answer("open-model", () => FILES.digits);
    expect(t.c.getState().load).toMatchObject({ kind: "failed", step: "backend" });
    t.c.retry();
    expect(t.workers).toHaveLength(2);
    await t.answer("init", () => ({ backend: "cpu", failures: [], tfVersion: "4.22.0" }));
    await t.answer("load-model", () => ({ backend: "cpu", loadMs: 1 }));
    expect(t.c.getState().load).toMatchObject({ kind: "ready" });
  });

  it("starts a new worker for another backend and loads the model there", async () => {
    const t = setup();
    await t.boot();
    await t.answerRun();
    t.c.change({ backend: "cpu" });
    expect(t.workers).toHaveLength(2);
    expect(t.workers[0].terminated).toBe(true);
    expect(t.history.at(-1)).toEqual({ how: "push", search: "?model=digits&split=a&rate=r1&sample=s0&backend=cpu" });
    const init = await t.answer("init", () => ({ backend: "cpu", failures: [], tfVersion: "4.22.0" }));
    expect(init.params).toEqual({ backend: "cpu" });
    const load = await t.answer("load-model", () => ({ backend: "cpu", loadMs: 1 }));
    expect(load.worker).toBe(t.workers[1]);
    expect(t.pending("run")).toHaveLength(1);
  });

  it("turns a failed run into a sentence with a retry, and a second upload into another run", async () => {
    const t = setup();
    await t.boot();
    await t.fail("run", { code: "load-failed", message: "Could not download a bottleneck unit's weights (/u.bin): the server answered HTTP 404." });
    expect(t.c.getState().problem).toEqual({ step: "run", message: "Could not download a bottleneck unit's weights (/u.bin): the server answered HTTP 404." });
    t.c.retry();
    await t.answerRun();
    expect(t.c.getState().problem).toBeNull();
    t.c.chooseInput({ kind: "upload", pixels: new Uint8Array([9, 9, 9, 9]) });
    await t.flush();
    expect(t.pending("run")).toHaveLength(1);
    await t.answerRun();
    t.c.chooseInput({ kind: "upload", pixels: new Uint8Array([7, 7, 7, 7]) });
    await t.flush();
    const run = t.pending("run")[0].params as { pixels: Uint8Array; features: boolean };
    expect([...run.pixels]).toEqual([7, 7, 7, 7]);
    expect(run.features).toBe(true);
  });

  it("a lesson step or the presentation flag changes the address without a run; a step's view changes model, split and level at once", async () => {
    const t = setup("?model=digits");
    await t.boot();
    await t.answerRun();
    t.history.length = 0;
    t.c.change({ present: "1" });
    t.c.change({ lesson: "2" });
    expect(t.pending("run")).toHaveLength(0);
    expect(t.history).toEqual([
      { how: "push", search: "?model=digits&split=a&rate=r1&sample=s0&present=1" },
      { how: "push", search: "?model=digits&split=a&rate=r1&sample=s0&lesson=2&present=1" },
    ]);
    // The same flags again: nothing.
    t.c.change({ present: "1" });
    expect(t.history).toHaveLength(2);
    // A view that names split and rate together keeps both (a split change alone resets the rate).
    t.c.change({ split: "b", rate: "r2", lesson: "3" });
    expect(t.c.getState().settings).toMatchObject({ split: "b", rate: "r2", lesson: "3", present: "1" });
    expect(t.pending("run")[0].params).toMatchObject({ split: 1, rate: 2 });
    t.c.change({ model: "photos", split: "a", rate: "r0", sample: "p0" });
    await t.answer("open-model", (p: { model: string }) => FILES[p.model]);
    expect(t.c.getState().settings).toMatchObject({ model: "photos", split: "a", rate: "r0", sample: "p0" });
    t.c.change({ lesson: "" });
    expect(t.c.getState().settings?.lesson).toBeUndefined();
    expect(t.history.at(-1)!.search).not.toContain("lesson");
  });
});

describe("this input's RD curves", () => {
  const levels = (p: { token: number; model: string; split: number }) => ({
    token: p.token,
    model: p.model,
    split: p.split,
    levels: [0, 1, 2].map((rate) => ({ rate, bytes: 10 + rate })),
    unsplit: { probs: [], detections: [] },
    unsplitMs: 1,
  });

  it("are asked for after the first result, on their own channel, then split after split on request", async () => {
    const t = setup();
    await t.boot();
    expect(t.pending("run-levels")).toHaveLength(0);
    await t.answerRun();
    await t.flush(); // the curve waits for the view to be idle
    expect(t.pending("run-levels").map((x) => x.params)).toMatchObject([{ channel: "levels", model: "digits", split: 0 }]);
    expect(t.c.getState().curvesRunning).toEqual({ split: 0, all: false });
    await t.answer("run-levels", levels);
    expect(t.c.getState().curves?.bySplit[0]?.levels).toHaveLength(3);
    expect(t.c.getState().curvesRunning).toBeNull();
    // A rate change reruns the main view only: the curve of this input and split is known.
    t.c.change({ rate: "r2" });
    await t.answerRun();
    await t.flush(); // the curve waits for the view to be idle
    expect(t.pending("run-levels")).toHaveLength(0);
    t.c.runEverySplit();
    expect(t.pending("run-levels").map((x) => x.params)).toMatchObject([{ split: 1 }]);
    await t.answer("run-levels", levels);
    expect(Object.keys(t.c.getState().curves!.bySplit)).toEqual(["0", "1"]);
    expect(t.pending("run-levels")).toHaveLength(0);
  });

  it("of a superseded input are dropped: a newer request has a newer token, and the older answer is ignored", async () => {
    const t = setup();
    await t.boot();
    await t.answerRun();
    await t.flush(); // the curve waits for the view to be idle
    const first = t.pending("run-levels")[0];
    t.c.chooseInput({ kind: "upload", pixels: new Uint8Array([9, 9, 9, 9]) });
    await t.answerRun();
    await t.flush(); // the curve waits for the view to be idle
    const [, second] = t.pending("run-levels");
    expect((second.params as { token: number }).token).toBeGreaterThan((first.params as { token: number }).token);
    first.settle({ ok: true, value: levels(first.params as never) });
    await t.flush();
    expect(t.c.getState().curves?.bySplit[0]).toBeUndefined();
    second.settle({ ok: true, value: levels(second.params as never) });
    await t.flush();
    expect(t.c.getState().curves?.pixels).toEqual(new Uint8Array([9, 9, 9, 9]));
    expect(t.c.getState().curves?.bySplit[0]).toBeDefined();
  });

  it("wait while the view keeps running: a run asked for before the delay ends puts the curve off", async () => {
    const t = setup();
    await t.boot();
    await t.answer("run", runResult);
    // Before the idle delay is over, the slider moves on: no curve yet.
    t.c.change({ rate: "r2" });
    await t.flush();
    expect(t.pending("run-levels")).toHaveLength(0);
    await t.answerRun();
    await t.flush();
    expect(t.pending("run-levels")).toHaveLength(1);
  });

  it("select a point's split and level in one step", async () => {
    const t = setup();
    await t.boot();
    t.c.change({ split: "b", rate: "r0" });
    expect(t.c.getState().settings).toMatchObject({ split: "b", rate: "r0" });
  });
});

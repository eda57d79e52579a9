/**
 * The worker's playground code in Node: a small site (the committed digits backbone plus freshly initialised
 * bottleneck units for one split, served as two models "digits" and "other") behind a stubbed fetch, so runs,
 * sessions, stale tokens, model slots, load failures, tensor bookkeeping and bitstream decoding are tested without
 * a browser and without waiting for trained units.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BitstreamError, decodeSymbols, readContainer, tablesToJSON, writeContainer, type EntropyTables } from "@/lib/codec";
import { initBuParams, latentShape, type BuConfig } from "@/lib/bottleneck/bu";
import { exportTables } from "@/lib/bottleneck/entropy-model";
import { serializeBu } from "@/lib/bottleneck/io";
import { createRng } from "@/lib/util/prng";
import { cutShape } from "@/lib/models/backbone";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { initNodeTf, type TF } from "@/lib/tf/node";

const SITE = "http://site.test";
const BACKBONE = path.resolve(import.meta.dirname, "../../../public/models/digits/backbone");
const files = new Map<string, Uint8Array | string>();
const tablesOf = new Map<string, EntropyTables>();
/** Site paths answered with this HTTP status instead of their file, or "abort" for a dropped connection. */
const failing = new Map<string, number | "abort">();
/** Site paths whose answer waits for this promise (a slow download), or for its request to be aborted. */
const holding = new Map<string, Promise<void>>();
let tf: TF;
let run: typeof import("@/lib/worker/playground-run");
let store: typeof import("@/lib/worker/model-store");
let counters: typeof import("@/lib/worker/counters").counters;

function serve(sitePath: string, body: Uint8Array | string | object) {
  files.set(SITE + sitePath, typeof body === "object" && !(body instanceof Uint8Array) ? JSON.stringify(body) : body);
}

function serveModel(id: string, index: number, shape: [number, number, number]) {
  const folder = `/models/${id}`;
  serve(`${folder}/backbone/model.json`, readFileSync(path.join(BACKBONE, "model.json"), "utf8"));
  serve(`${folder}/backbone/weights.bin`, new Uint8Array(readFileSync(path.join(BACKBONE, "weights.bin"))));
  const rates = [1, 0.25].map((step, r) => {
    const cfg: BuConfig = { inShape: shape, latentChannels: 4, stride: 1, step, nonNegative: true };
    // The same weights at both levels, so that the levels differ only in their quantizer step.
    const params = initBuParams(cfg, createRng(1).next);
    const { json, bin } = serializeBu(cfg, params);
    serve(`${folder}/bu/r${r}/bu.json`, json);
    serve(`${folder}/bu/r${r}/bu.bin`, bin);
    const tables = exportTables(params, 4);
    tablesOf.set(`${id}/r${r}`, tables);
    serve(`${folder}/bu/r${r}/tables.json`, tablesToJSON(tables));
    tf.dispose(Object.values(params));
    return {
      id: `r${r}`,
      index: r,
      label: `level ${r + 1}`,
      lambda: 0.01,
      latentChannels: 4,
      stride: 1,
      step,
      units: [{ bu: `bu/r${r}/bu.json`, weights: `bu/r${r}/bu.bin`, tables: `bu/r${r}/tables.json`, latentShape: latentShape(cfg) }],
      buParams: 1,
      encoderMacs: 1,
      decoderMacs: 1,
    };
  });
  const manifest: ModelManifest = validateManifest({
    format: "splitscope-model",
    version: 1,
    id,
    index,
    name: `Model ${id}`,
    task: "classification",
    backbone: { kind: "layers", url: "backbone/model.json", params: 1, macs: 1, outputs: ["out"] },
    input: { height: 28, width: 28, channels: 1, range: [0, 1] },
    classes: ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    splits: [{ id: "stage3", index: 0, label: "After stage 3", tensors: [{ node: "stage3", shape, nonNegative: true }], headMacs: 1, clientShare: 0.5, rates }],
    credits: [],
  });
  serve(`${folder}/manifest.json`, manifest);
}

beforeAll(async () => {
  tf = await initNodeTf();
  const layers = await loadLayersModelFromFile(tf, path.join(BACKBONE, "model.json"));
  const shape = cutShape(layers, "stage3");
  layers.dispose();
  serve("/models/index.json", {
    models: [
      { id: "digits", manifest: "models/digits/manifest.json" },
      { id: "other", manifest: "models/other/manifest.json" },
    ],
  });
  serveModel("digits", 0, shape);
  serveModel("other", 1, shape);
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const hold = holding.get(url.slice(SITE.length));
    if (hold) {
      const signal = init?.signal;
      await Promise.race([hold, new Promise((_, reject) => signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))))]);
    }
    const fail = failing.get(url.slice(SITE.length));
    if (fail === "abort") throw new TypeError("Failed to fetch");
    if (fail !== undefined) return new Response("Internal Server Error", { status: fail, statusText: "Internal Server Error" });
    const body = files.get(url);
    return body === undefined ? new Response("missing", { status: 404, statusText: "Not Found" }) : new Response(body as BodyInit, { status: 200 });
  }) as typeof fetch;
  // asset-url.ts reads the base path when it is first imported.
  process.env.NEXT_PUBLIC_BASE_PATH = SITE;
  run = await import("@/lib/worker/playground-run");
  store = await import("@/lib/worker/model-store");
  counters = (await import("@/lib/worker/counters")).counters;
});

beforeEach(() => {
  failing.clear();
  holding.clear();
});

/** A bright vertical stroke, like a "1", as 8-bit pixels. */
function pixels(shift = 0): Uint8Array {
  const data = new Uint8Array(28 * 28);
  for (let y = 5; y < 23; y++) for (let x = 13 + shift; x < 15 + shift; x++) data[y * 28 + x] = 255;
  return data;
}

let token = 0;
const params = (rate: number, shift = 0, model = "digits") => ({ token: ++token, model, split: 0, rate, pixels: pixels(shift), features: true });

async function pageModel(id = "digits") {
  return run.pageSlot.use(id);
}

/** Which of a promise's outcomes happened, without throwing. */
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: unknown) => (e instanceof Error ? e.name : String(e)),
  );

describe("runs on the page's model", () => {
  it("return a real bitstream that the server side decodes, by name, to the same prediction", async () => {
    await pageModel();
    const r = await run.runImage(params(1));
    const { header } = readContainer(r.bitstream);
    expect(header).toMatchObject({ model: 0, split: 0, rate: 1 });
    expect(r.payloadBytes).toBeLessThan(r.bitstream.length);
    expect(r.features![0].shape).toEqual(r.reconstruction.shape);
    // Every symbol lands in a histogram bin or is counted as outside; the figures cover every symbol sent.
    const latent = r.latents[0];
    const [h, w, c] = latent.shape;
    for (const hist of latent.histograms) expect(hist.counts.reduce((a, b) => a + b, 0) + hist.outside).toBe(h * w);
    expect(latent.histograms).toHaveLength(c);
    expect(r.symbolCount).toBe(h * w * c);
    const sent = decodeSymbols(r.bitstream, () => ({ shapes: [latent.shape], tables: [tablesOf.get("digits/r1")!] })).symbols[0];
    expect(latent.shown).toEqual(sent);
    expect([latent.lo, latent.hi]).toEqual([Math.min(...sent), Math.max(...sent)]);
    expect(latent.zeros).toBe(sent.filter((v) => v === 0).length);
    const probs = r.prediction.split.probs;
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(r.float32Bytes).toBe(r.features![0].data.length * 4);
    // The JPEG size is not part of a run: asked for apart, once, then known to later runs of this input.
    expect(r.jpegBytes).toBeNull();
    const { jpegBytes } = await run.inputBaselines({ model: "digits", pixels: pixels() });
    expect(jpegBytes).toBeGreaterThan(100);
    expect((await run.runImage(params(0))).jpegBytes).toBe(jpegBytes);
    // The input does not come back.
    expect(Object.keys(r)).not.toContain("input");

    const d = await run.decodeFile(r.bitstream);
    const best = probs.indexOf(Math.max(...probs));
    expect(d).toMatchObject({ model: "digits", modelName: "Model digits", bytes: r.bitstream.length, split: { id: "stage3", label: "After stage 3" } });
    expect(d.rate).toEqual({ index: 1, id: "r1", label: "level 2" });
    expect(d.top!.label).toBe(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"][best]);
    expect(d.top!.p).toBeCloseTo(probs[best], 5);
  });

  it("reuse the input's head output and unsplit result across rate levels; a new input computes them once", async () => {
    await pageModel();
    await run.runImage(params(0, 1));
    const before = { ...counters };
    const again = await run.runImage({ ...params(1, 1), features: false });
    expect(counters.headRuns).toBe(before.headRuns);
    expect(counters.unsplitRuns).toBe(before.unsplitRuns);
    expect(counters.jpegEncodes).toBe(before.jpegEncodes);
    expect(again.reused).toEqual({ head: true, unsplit: true });
    expect(again.features).toBeNull();
    await run.runImage(params(0, 3));
    expect(counters.headRuns).toBe(before.headRuns + 1);
    expect(counters.unsplitRuns).toBe(before.unsplitRuns + 1);
  });

  it("drop an older run as soon as a newer one has arrived; a burst of five costs one run", async () => {
    await pageModel();
    const older = run.runImage(params(0));
    const newer = run.runImage(params(0, 2));
    expect(await outcome(older)).toBe("StaleRun");
    expect((await newer).token).toBe(token);

    const before = { ...counters };
    const burst = [0, 1, 0, 1, 0].map((r, i) => run.runImage(params(r, i - 2)));
    const outcomes = await Promise.all(burst.map(outcome));
    expect(outcomes).toEqual(["StaleRun", "StaleRun", "StaleRun", "StaleRun", "resolved"]);
    expect(counters.runsRequested - before.runsRequested).toBe(5);
    expect(counters.runsComputed - before.runsComputed).toBe(1);
    expect(counters.runsDropped - before.runsDropped).toBe(4);
    // Only the last input's head was computed.
    expect(counters.headRuns - before.headRuns).toBeLessThanOrEqual(1);
  });

  it("on separate channels do not supersede one another (two settings compared on one input)", async () => {
    await pageModel();
    const before = { ...counters };
    const [a, b] = await Promise.all([run.runImage({ ...params(0, 7), channel: "left" }), run.runImage({ ...params(1, 7), channel: "right" })]);
    expect([a.rate, b.rate]).toEqual([0, 1]);
    expect(counters.runsComputed - before.runsComputed).toBe(2);
    // One input, one head computation for both.
    expect(counters.headRuns - before.headRuns).toBe(1);
  });

  it("run every rate level of a split on one input, reusing the head output, with the bytes of single runs", async () => {
    await pageModel();
    const singles = [await run.runImage(params(0, 4)), await run.runImage(params(1, 4))];
    const before = { ...counters };
    const all = await run.runLevels({ token: ++token, model: "digits", split: 0, pixels: pixels(4) });
    expect(counters.headRuns).toBe(before.headRuns);
    // Counted beside the view's runs, not as one of them.
    expect(counters.runsComputed).toBe(before.runsComputed);
    expect(counters.sideRunsComputed).toBe(before.sideRunsComputed + 1);
    expect(all.levels.map((l) => l.rate)).toEqual([0, 1]);
    all.levels.forEach((level, i) => {
      expect(level.bytes).toBe(singles[i].bitstream.length);
      expect(level.featureMse).toBeCloseTo(singles[i].featureMse, 10);
      expect(level.prediction.probs).toEqual(singles[i].prediction.split.probs);
      // Stage times for the link budget: every stage measured, the head's the time of its one computation.
      for (const stage of ["buEncoder", "entropyEncode", "entropyDecode", "buDecoder", "tail"] as const) expect(level.ms[stage]).toBeGreaterThanOrEqual(0);
      // One head computation per input and split: every level carries its one (warm) time.
      expect(level.ms.head).toBe(all.levels[0].ms.head);
      expect(level.ms.head).toBeGreaterThan(0);
    });
    // The coarser quantizer step distorts more.
    expect(all.levels[0].featureMse).toBeGreaterThan(all.levels[1].featureMse);
  });

  it("of curves do not pile up: a newer run-levels on its channel drops the older, and neither touches the view's run", async () => {
    await pageModel();
    const before = { ...counters };
    const view = run.runImage(params(0, 8));
    const older = run.runLevels({ token: ++token, channel: "levels", model: "digits", split: 0, pixels: pixels(8) });
    const newer = run.runLevels({ token: ++token, channel: "levels", model: "digits", split: 0, pixels: pixels(9) });
    expect(await outcome(older)).toBe("StaleRun");
    expect((await newer).levels).toHaveLength(2);
    expect((await view).rate).toBe(0);
    expect(counters.sideRunsDropped - before.sideRunsDropped).toBe(1);
    expect(counters.sideRunsComputed - before.sideRunsComputed).toBe(1);
    expect(counters.runsComputed - before.runsComputed).toBe(1);
    expect(counters.runsDropped - before.runsDropped).toBe(0);
  });

  it("send the input as a JPEG instead: the file's size as the baseline counts it, the model on what a receiver decodes", async () => {
    await pageModel();
    const { jpegBytes: baseline, jpegQuality } = await run.inputBaselines({ model: "digits", pixels: pixels(6) });
    const j = await run.runJpeg({ token: ++token, channel: "right", model: "digits", pixels: pixels(6), quality: jpegQuality });
    expect(j.bytes).toBe(baseline);
    expect(j.decoded).toHaveLength(28 * 28);
    // Lossy: the decoded pixels differ from the sent ones, and the model ran on them, not on the original.
    expect([...j.decoded]).not.toEqual([...pixels(6)]);
    const original = await run.runImage({ ...params(0, 6) });
    expect(j.unsplit.probs).toEqual(original.prediction.unsplit.probs);
    expect(j.prediction.probs).not.toEqual(j.unsplit.probs);
    // A coarser quality makes a smaller file.
    expect((await run.runJpeg({ token: ++token, channel: "right", model: "digits", pixels: pixels(6), quality: 10 })).bytes).toBeLessThan(j.bytes);
    await expect(run.runJpeg({ token: ++token, channel: "right", model: "digits", pixels: pixels(6), quality: 0 })).rejects.toThrow(
      "A JPEG quality is 1 to 100",
    );
  });

  it("leave no tensors behind, run after run, however many inputs come and go", async () => {
    await pageModel();
    for (let i = 0; i < 4; i++) await run.runImage(params(i % 2, i));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 8; i++) await run.runImage(params(i % 2, i % 4));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuse an image of the wrong size with a sentence", async () => {
    await pageModel();
    await expect(run.runImage({ ...params(0), pixels: new Uint8Array(4) })).rejects.toThrow("The image must be 28 × 28 × 1 8-bit pixels (784 values).");
  });

  it("of a model the page no longer shows are dropped", async () => {
    await pageModel();
    const p = run.runImage(params(0, 5, "other"));
    expect(await outcome(p)).toBe("StaleRun");
  });
});

describe("decoding a bitstream file", () => {
  it("turns empty, foreign and mismatched streams into BitstreamErrors, loading nothing", async () => {
    run.decodeSlot.clear();
    await new Promise((r) => setTimeout(r, 10));
    const code = (p: Promise<unknown>) =>
      p.then(
        () => "resolved",
        (e: unknown) => (e instanceof BitstreamError ? e.code : String(e)),
      );
    expect(await code(run.decodeFile(new Uint8Array(0)))).toBe("truncated");
    expect(await code(run.decodeFile(new TextEncoder().encode("not a stream at all")))).toBe("bad-magic");
    const payload = new Uint8Array(8);
    expect(await code(run.decodeFile(writeContainer({ model: 3, split: 0, rate: 0 }, payload)))).toBe("unknown-id");
    expect(await code(run.decodeFile(writeContainer({ model: 1, split: 4, rate: 0 }, payload)))).toBe("unknown-id");
    expect(await code(run.decodeFile(writeContainer({ model: 1, split: 0, rate: 9 }, payload)))).toBe("unknown-id");
    // The header named model "other": its weights were never loaded for it.
    expect(store.loadedModelIds()).not.toContain("other");
  });

  it("of another model uses its own slot: the page's model keeps running, and tensors return to their count after", async () => {
    run.decodeSlot.clear();
    await pageModel("digits");
    await run.runImage(params(0, 6));
    await new Promise((r) => setTimeout(r, 10));
    const baseline = tf.memory().numTensors;

    // A stream of model "other", made by running it as the page's model for a moment in a second slot.
    const maker = new store.ModelSlot();
    await maker.use("other");
    const h = await maker.hold("other");
    const loaded = await h.model.rate(0, 1);
    const { runClient } = await import("@/lib/pipeline/run");
    const x = tf.tensor4d(new Float32Array(784).fill(0.5), [1, 28, 28, 1]);
    const c = await runClient(h.model.backbone, loaded, { model: 1, split: 0, rate: 1 }, x);
    const stream = c.bitstreams[0];
    tf.dispose([x, ...c.features]);
    h.release();
    maker.clear();
    await new Promise((r) => setTimeout(r, 10));
    expect(tf.memory().numTensors).toBe(baseline);

    // Decode it while the page keeps changing its rate level.
    const decoding = run.decodeFile(stream);
    const runs = [run.runImage(params(1, 6)), run.runImage(params(0, 6))];
    const d = await decoding;
    expect(d).toMatchObject({ model: "other", modelName: "Model other", split: { id: "stage3" }, rate: { id: "r1" } });
    expect(await outcome(runs[0])).toBe("StaleRun");
    expect(await outcome(runs[1])).toBe("resolved");
    expect(store.loadedModelIds().sort()).toEqual(["digits", "other"]);

    // Back to one model: the decoder's slot let go, everything it loaded is freed.
    run.decodeSlot.clear();
    await new Promise((r) => setTimeout(r, 10));
    expect(store.loadedModelIds()).toEqual(["digits"]);
    expect(tf.memory().numTensors).toBe(baseline);
  });
});

describe("loading", () => {
  it("lists the models by the names their manifests give", async () => {
    expect(await store.listModels()).toEqual([
      { id: "digits", name: "Model digits", task: "classification", inputChannels: 1 },
      { id: "other", name: "Model other", task: "classification", inputChannels: 1 },
    ]);
  });

  it("names a model the registry lacks, and keeps the loaded one", async () => {
    const loaded = await pageModel("digits");
    await expect(run.pageSlot.use("photos")).rejects.toThrow('There is no model "photos" in the model list.');
    expect(await pageModel("digits")).not.toBe(loaded); // the slot moved on and came back: a fresh load
    await run.runImage(params(0));
  });

  it("cancels a load when another model is chosen: its download stops, and nothing of it stays", async () => {
    await pageModel("digits");
    holding.set("/models/other/backbone/weights.bin", new Promise(() => {})); // never answers unless aborted
    const first = run.pageSlot.use("other");
    await new Promise((r) => setTimeout(r, 20));
    const second = run.pageSlot.use("digits");
    expect(await outcome(first)).toBe("Cancelled");
    expect((await second).id).toBe("digits");
    await new Promise((r) => setTimeout(r, 10));
    expect(store.loadedModelIds()).toEqual(["digits"]);
  });

  it("says which file failed and how (HTTP status or connection), and recovers on retry", async () => {
    run.pageSlot.clear();
    failing.set("/models/other/backbone/weights.bin", 500);
    await expect(run.pageSlot.use("other")).rejects.toThrow(
      "Could not download the model weights (http://site.test/models/other/backbone/weights.bin): the server answered HTTP 500 Internal Server Error.",
    );
    failing.set("/models/other/backbone/weights.bin", "abort");
    await expect(run.pageSlot.use("other")).rejects.toThrow("Could not download the model weights");
    await expect(run.pageSlot.use("other")).rejects.toThrow("the connection failed or was refused.");
    failing.clear();
    expect((await run.pageSlot.use("other")).id).toBe("other");
    await run.runImage(params(1, 0, "other"));
  });

  it("says so when the model list or a manifest cannot be had, and recovers", async () => {
    const fresh = await import("@/lib/worker/model-store");
    failing.set("/models/index.json", 503);
    // Cached from before: the registry is read once per worker. A fresh worker would see the failure:
    const { fetchJson } = await import("@/lib/worker/fetch-checked");
    await expect(fetchJson(SITE + "/models/index.json", "the model list")).rejects.toThrow(
      "Could not download the model list (http://site.test/models/index.json): the server answered HTTP 503 Internal Server Error.",
    );
    failing.clear();
    serve("/models/broken.json", "{ not json");
    await expect(fetchJson(SITE + "/models/broken.json", 'the description of model "x"')).rejects.toThrow(
      'The description of model "x" (http://site.test/models/broken.json) could not be read: it is not valid JSON.',
    );
    expect(await fresh.listModels()).toHaveLength(2);
  });
});

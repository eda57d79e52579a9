/**
 * The worker's playground code in Node: a small site (the committed digits backbone plus freshly initialised
 * bottleneck units for one split) served through a stubbed fetch, so runs, stale tokens, tensor bookkeeping
 * and bitstream decoding are tested without a browser and without waiting for trained units.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BitstreamError, readContainer, tablesToJSON, writeContainer } from "@/lib/codec";
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
let tf: TF;
let run: typeof import("@/lib/worker/playground-run");
let store: typeof import("@/lib/worker/model-store");

function serve(sitePath: string, body: Uint8Array | string | object) {
  files.set(SITE + sitePath, typeof body === "object" && !(body instanceof Uint8Array) ? JSON.stringify(body) : body);
}

beforeAll(async () => {
  tf = await initNodeTf();
  const layers = await loadLayersModelFromFile(tf, path.join(BACKBONE, "model.json"));
  const shape = cutShape(layers, "stage3");
  layers.dispose();
  serve("/models/index.json", { models: [{ id: "digits", manifest: "models/digits/manifest.json" }] });
  serve("/models/digits/backbone/model.json", readFileSync(path.join(BACKBONE, "model.json"), "utf8"));
  serve("/models/digits/backbone/weights.bin", new Uint8Array(readFileSync(path.join(BACKBONE, "weights.bin"))));
  const rates = [1, 0.25].map((step, r) => {
    const cfg: BuConfig = { inShape: shape, latentChannels: 4, stride: 1, step, nonNegative: true };
    const params = initBuParams(cfg, createRng(r + 1).next);
    const { json, bin } = serializeBu(cfg, params);
    serve(`/models/digits/bu/r${r}/bu.json`, json);
    serve(`/models/digits/bu/r${r}/bu.bin`, bin);
    serve(`/models/digits/bu/r${r}/tables.json`, tablesToJSON(exportTables(params, 4)));
    tf.dispose(Object.values(params));
    return {
      id: `r${r}`,
      index: r,
      label: `r${r}`,
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
    id: "digits",
    index: 0,
    name: "digits",
    task: "classification",
    backbone: { kind: "layers", url: "backbone/model.json", params: 1, macs: 1, outputs: ["out"] },
    input: { height: 28, width: 28, channels: 1, range: [0, 1] },
    classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    splits: [{ id: "stage3", index: 0, label: "After stage 3", tensors: [{ node: "stage3", shape, nonNegative: true }], headMacs: 1, clientShare: 0.5, rates }],
    credits: [],
  });
  serve("/models/digits/manifest.json", manifest);
  globalThis.fetch = (async (input: string | URL | Request) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const body = files.get(url);
    return body === undefined ? new Response("missing", { status: 404 }) : new Response(body as BodyInit, { status: 200 });
  }) as typeof fetch;
  // asset-url.ts reads the base path when it is first imported.
  process.env.NEXT_PUBLIC_BASE_PATH = SITE;
  run = await import("@/lib/worker/playground-run");
  store = await import("@/lib/worker/model-store");
});

/** A bright vertical stroke, like a "1". */
function image(shift = 0) {
  const data = new Float32Array(28 * 28);
  for (let y = 5; y < 23; y++) for (let x = 13 + shift; x < 15 + shift; x++) data[y * 28 + x] = 1;
  return { data, shape: [28, 28, 1] };
}

let token = 0;
const params = (rate: number, shift = 0) => ({ token: ++token, model: "digits", split: 0, rate, image: image(shift) });

describe("runImage and decodeFile", () => {
  it("returns a real bitstream that the server side decodes to the same prediction", async () => {
    const r = await run.runImage(params(1));
    const { header } = readContainer(r.bitstream);
    expect(header).toMatchObject({ model: 0, split: 0, rate: 1 });
    expect(r.payloadBytes).toBeLessThan(r.bitstream.length);
    expect(r.features[0].shape).toEqual(r.reconstruction[0].shape);
    // Every symbol lands in a histogram bin or is counted as outside.
    const [h, w, c] = r.symbols[0].shape;
    for (const hist of r.histograms[0]) expect(hist.counts.reduce((a, b) => a + b, 0) + hist.outside).toBe(h * w);
    expect(r.histograms[0]).toHaveLength(c);
    expect(r.splitProbs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(r.float32Bytes).toBe(r.features[0].data.length * 4);
    expect(r.jpegBytes).toBeGreaterThan(100);

    const d = await run.decodeFile(r.bitstream);
    expect(d).toMatchObject({ model: "digits", split: 0, rate: 1, bytes: r.bitstream.length });
    d.probs.forEach((p, i) => expect(p).toBeCloseTo(r.splitProbs[i], 5));
  });

  it("drops a run as soon as a newer one has arrived", async () => {
    const older = run.runImage(params(0));
    const newer = run.runImage(params(0, 2));
    await expect(older).rejects.toBeInstanceOf(run.StaleRun);
    expect((await newer).token).toBe(token);
  });

  it("leaves no tensors behind, run after run", async () => {
    await run.runImage(params(0));
    await run.runImage(params(1));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 6; i++) await run.runImage(params(i % 2, i % 3));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses an image of the wrong shape with a sentence", async () => {
    await expect(run.runImage({ ...params(0), image: { data: new Float32Array(4), shape: [2, 2, 1] } })).rejects.toThrow(
      "The image must be 28 × 28 × 1, not 2 × 2 × 1.",
    );
  });

  it("turns empty, foreign and mismatched streams into BitstreamErrors", async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => "resolved",
        (e: unknown) => (e instanceof BitstreamError ? e.code : String(e)),
      );
    expect(await code(run.decodeFile(new Uint8Array(0)))).toBe("truncated");
    expect(await code(run.decodeFile(new TextEncoder().encode("not a stream at all")))).toBe("bad-magic");
    const payload = new Uint8Array(8);
    expect(await code(run.decodeFile(writeContainer({ model: 3, split: 0, rate: 0 }, payload)))).toBe("unknown-id");
    expect(await code(run.decodeFile(writeContainer({ model: 0, split: 4, rate: 0 }, payload)))).toBe("unknown-id");
    expect(await code(run.decodeFile(writeContainer({ model: 0, split: 0, rate: 9 }, payload)))).toBe("unknown-id");
  });

  it("names a model the registry lacks, and keeps the loaded one", async () => {
    const loaded = await store.useModel("digits");
    await expect(store.useModel("photos")).rejects.toThrow('There is no model "photos" in the registry.');
    expect(await store.useModel("digits")).toBe(loaded);
    await run.runImage(params(0));
  });
});

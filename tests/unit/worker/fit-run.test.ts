/**
 * "Fit a unit here" as the worker does it, in Node: the committed site (public/) behind a stubbed fetch, the
 * digits model on the page, units fitted at a layer no script prepared on the gallery's 40 digits; the fitted
 * split then runs like a prepared one, its streams carry its id, the decoder finds the unit by that id (and says
 * so clearly when it has another or none), a unit file loads back, a cancelled fit leaves no tensor behind.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BitstreamError, readContainer, writeContainer } from "@/lib/codec";
import { parseSamples } from "@/lib/view/samples";
import type { FittedResult } from "@/lib/worker/fit-protocol";
import type { Progress } from "@/lib/worker/playground-protocol";
import { initNodeTf, type TF } from "@/lib/tf/node";

const SITE = "http://site.test";
const PUBLIC = path.resolve(import.meta.dirname, "../../../public");
let tf: TF;
let run: typeof import("@/lib/worker/playground-run");
let fitRun: typeof import("@/lib/worker/fit-run");
let images: Uint8Array[];

beforeAll(async () => {
  tf = await initNodeTf();
  globalThis.fetch = (async (input: string | URL | Request) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    try {
      return new Response(readFileSync(path.join(PUBLIC, decodeURIComponent(new URL(url).pathname))), { status: 200 });
    } catch {
      return new Response("missing", { status: 404, statusText: "Not Found" });
    }
  }) as typeof fetch;
  process.env.NEXT_PUBLIC_BASE_PATH = SITE;
  run = await import("@/lib/worker/playground-run");
  fitRun = await import("@/lib/worker/fit-run");
  const samples = parseSamples(JSON.parse(readFileSync(path.join(PUBLIC, "models/digits/samples.json"), "utf8")));
  images = samples.map((s) => ("pixels" in s ? s.pixels : new Uint8Array()));
  await run.pageSlot.use("digits");
});

const LAYER = "stage2_block1_out";
let fitted: FittedResult;

describe("fitting in the worker", () => {
  it("lists every layer with the prepared splits marked", async () => {
    const { cuts } = await fitRun.listCuts({ model: "digits" });
    expect(cuts.length).toBeGreaterThan(10);
    expect(cuts.filter((c) => c.prepared).map((c) => c.prepared)).toEqual(["stem", "stage1", "stage2", "stage3", "pooled"]);
    expect(cuts.find((c) => c.id === LAYER)!.prepared).toBeNull();
  });

  it("fits at an unprepared layer on the gallery's digits, naming each phase, each level measured as it ends", async () => {
    const events: Progress[] = [];
    fitted = await fitRun.fit({ model: "digits", cut: LAYER, images: images.map((i) => i.slice()) }, (p) => events.push(p));
    const phases = new Set(events.map((e) => e.fit!.progress.phase));
    expect([...phases]).toEqual(expect.arrayContaining(["features", "moments", "start", "entropy", "tables", "measure"]));
    expect(events.every((e) => e.phase === "fit" && e.fraction! >= 0 && e.fraction! <= 1)).toBe(true);
    const points = events.filter((e) => e.fit!.point).map((e) => e.fit!.point!.rate);
    expect(points).toEqual([4, 3, 2, 1, 0]);
    expect(fitted.images).toBe(40);
    expect(fitted.split.index).toBe(5);
    expect(fitted.split.tensors[0].node).toBe(LAYER);
    // What stays is the unit itself: every other tensor of the fit is gone.
    expect(fitted.tensors.after - fitted.tensors.before).toBe(fitted.tensors.unit);
    expect(fitted.points[4].agreement).toBeGreaterThanOrEqual(0.95);
  }, 300_000);

  it("runs the fitted split like a prepared one; its stream carries the unit's id and decodes by it", async () => {
    const r = await run.runImage({ token: 1, model: "digits", split: fitted.split.index, rate: 4, pixels: images[0].slice(), features: false });
    const { header } = readContainer(r.bitstream);
    expect(header.unit).toBe(fitted.unitId);
    expect(header.split).toBe((await fitRun.listCuts({ model: "digits" })).cuts.findIndex((c) => c.id === LAYER));
    const d = await run.decodeFile(r.bitstream);
    expect(d.split.label).toMatch(/^Fitted here/);
    expect(d.top!.label).toBe(String(r.prediction.split.probs.indexOf(Math.max(...r.prediction.split.probs))));

    // A stream naming a unit this page does not have is refused, saying so; so is one that names none.
    const { payload } = readContainer(r.bitstream);
    const e = await run.decodeFile(writeContainer({ ...header, unit: "0000000000000000" }, payload)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BitstreamError);
    expect((e as BitstreamError).code).toBe("unknown-unit");
    expect((e as Error).message).toMatch(/fitted bottleneck unit.*Load unit.*0000000000000000/);
    const bare = await run.decodeFile(writeContainer({ model: 0, split: fitted.split.index, rate: 4 }, payload)).catch((x: unknown) => x);
    expect((bare as BitstreamError).code).toBe("unknown-id");
  }, 60_000);

  it("loads a unit file back as another split point, and refuses a bad one plainly", async () => {
    const json = JSON.parse(fitted.file);
    json.id = "feedfacecafebeef";
    const loaded = await fitRun.loadUnit({ model: "digits", text: JSON.stringify(json) });
    expect(loaded.split.index).toBe(6);
    expect(loaded.tensors.after - loaded.tensors.before).toBe(loaded.tensors.unit);
    const again = await fitRun.loadUnit({ model: "digits", text: JSON.stringify(json) });
    expect(again.split.index).toBe(6);
    await expect(fitRun.loadUnit({ model: "digits", text: fitted.file.slice(0, 100) })).rejects.toThrow(/not valid JSON/);
    await expect(fitRun.loadUnit({ model: "digits", text: JSON.stringify({ ...json, model: "centernet" }) })).rejects.toThrow(/fitted for model "centernet"/);
  });

  it("stops a fit on cancel, leaving the tensor count where it was", async () => {
    const before = tf.memory().numTensors;
    let cancelled = false;
    const p = fitRun.fit({ model: "digits", cut: "stem_relu1", images: images.map((i) => i.slice()) }, (e) => {
      if (!cancelled && e.fit!.progress.phase === "entropy") {
        cancelled = true;
        expect(fitRun.cancelFit()).toEqual({ cancelled: true });
      }
    });
    await expect(p).rejects.toThrow(/cancelled/);
    expect(tf.memory().numTensors).toBe(before);
    expect(fitRun.cancelFit()).toEqual({ cancelled: false });
  }, 120_000);
});

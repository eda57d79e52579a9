/**
 * Times the split pipeline against the unsplit model in Node on the wasm backend, one image at a time as the
 * app runs it: median milliseconds per stage and ratio = (split pipeline, coding included) / (unsplit model).
 *
 *   npm run bench:pipeline [-- --json] [-- --runs 40]
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type * as tfNs from "@tensorflow/tfjs";
import { median } from "@/lib/metrics/summary";
import { layersBackbone } from "@/lib/models/backbone";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { validateManifest } from "@/lib/models/manifest";
import { folderSource } from "@/lib/pipeline/node-files";
import { runClient, runServer, type StageTimes } from "@/lib/pipeline/run";
import { disposeRate, loadRate } from "@/lib/pipeline/units";
import { initNodeTf } from "@/lib/tf/node";

const ROOT = path.resolve(import.meta.dirname, "..");
const json = process.argv.includes("--json");
const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 40;
const WARMUP = 8;
const tf = await initNodeTf();
const registry = JSON.parse(await readFile(path.join(ROOT, "public/models/index.json"), "utf8")) as { models: { id: string; manifest: string }[] };
const results: Record<string, unknown> = {};

for (const entry of registry.models) {
  const manifestPath = path.join(ROOT, "public", entry.manifest);
  const dir = path.dirname(manifestPath);
  const manifest = validateManifest(JSON.parse(await readFile(manifestPath, "utf8")));
  if (manifest.backbone.kind !== "layers") continue;
  const model = await loadLayersModelFromFile(tf, path.join(dir, manifest.backbone.url));
  const backbone = layersBackbone(model);
  const { height, width, channels, range } = manifest.input;
  const x = tf.randomUniform([1, height, width, channels], range[0], range[1], "float32", 1) as tfNs.Tensor4D;

  const time = async (f: () => Promise<void>) => {
    for (let i = 0; i < WARMUP; i++) await f();
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      await f();
      ms.push(performance.now() - t0);
    }
    return ms;
  };
  const unsplit = median(
    await time(async () => {
      const [y] = backbone.predict(x);
      await y.data();
      y.dispose();
    }),
  );
  const splits: Record<string, unknown> = {};
  for (const split of manifest.splits) {
    const rate = split.rates[Math.floor(split.rates.length / 2)];
    const loaded = await loadRate(folderSource(dir), split, rate);
    const stages: StageTimes[] = [];
    const totals = await time(async () => {
      const c = await runClient(backbone, loaded, { model: manifest.index, split: split.index, rate: rate.index }, x);
      const s = await runServer(backbone, loaded, manifest.index, c.bitstreams);
      stages.push({ ...c.ms, ...s.ms });
      tf.dispose([...c.features, ...s.reconstruction, ...s.outputs]);
    });
    const measured = stages.slice(WARMUP);
    const msPerStage = Object.fromEntries(Object.keys(measured[0]).map((k) => [k, +median(measured.map((t) => t[k as keyof StageTimes])).toFixed(3)]));
    const split_ = median(totals);
    splits[split.id] = { rate: rate.id, msPerStage, splitMs: +split_.toFixed(3), unsplitMs: +unsplit.toFixed(3), ratio: +(split_ / unsplit).toFixed(3) };
    if (!json) console.log(`${manifest.id}/${split.id} (${rate.id}): split ${split_.toFixed(2)} ms vs unsplit ${unsplit.toFixed(2)} ms, ratio ${(split_ / unsplit).toFixed(2)}`, msPerStage);
    disposeRate(loaded);
  }
  results[manifest.id] = { unsplitMs: +unsplit.toFixed(3), splits };
  x.dispose();
  backbone.dispose();
}

const out = { backend: tf.getBackend(), runs: RUNS, warmup: WARMUP, node: process.version, models: results };
if (json) console.log(JSON.stringify(out));
else console.log(JSON.stringify(out, null, 1));

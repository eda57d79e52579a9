/**
 * Times the split pipeline against the unsplit model in Node on the wasm backend, one image at a time as the
 * app runs it: median milliseconds per stage and ratio = (split pipeline, coding included) / (unsplit model), the
 * two timed alternately. The unsplit model runs the same layers through the same executor, without a cut.
 *
 *   npm run bench:pipeline [-- --json] [-- --runs 40] [-- --model digits]
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type * as tfNs from "@tensorflow/tfjs";
import { median } from "@/lib/metrics/summary";
import { layersBackbone } from "@/lib/models/backbone";
import { graphBackbone } from "@/lib/models/graph-backbone";
import { loadGraphModelFromFile } from "@/lib/models/load-graph-node";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { validateManifest } from "@/lib/models/manifest";
import { folderSource } from "@/lib/pipeline/node-files";
import { runClient, runServer, type StageTimes } from "@/lib/pipeline/run";
import { disposeRate, loadRate } from "@/lib/pipeline/units";
import { initNodeTf } from "@/lib/tf/node";
import { readOptions } from "./args";
import { copyAssets } from "./copy-assets.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const opts = readOptions("bench:pipeline", {
  json: { type: "boolean", help: "print one JSON object instead of a table" },
  runs: { type: "number", min: 1, integer: true, help: "timed runs per split (default 40)" },
  model: { type: "string", help: "only this model id" },
});
const json = opts.json ?? false;
const RUNS = opts.runs ?? 40;
const WARMUP = 8;
const tf = await initNodeTf();
// Models load from public/ as the site serves them, and the detector's graph gets there from node_modules only
// through this copy (which npm run build also makes): a fresh checkout has none yet.
copyAssets();
const registry = JSON.parse(await readFile(path.join(ROOT, "public/models/index.json"), "utf8")) as { models: { id: string; manifest: string }[] };
const results: Record<string, unknown> = {};

for (const entry of registry.models) {
  const manifestPath = path.join(ROOT, "public", entry.manifest);
  const dir = path.dirname(manifestPath);
  const manifest = validateManifest(JSON.parse(await readFile(manifestPath, "utf8")));
  const only = opts.model;
  if (only !== undefined && only !== manifest.id) continue;
  const modelPath = path.join(dir, manifest.backbone.url);
  const backbone =
    manifest.backbone.kind === "layers"
      ? layersBackbone(await loadLayersModelFromFile(tf, modelPath))
      : graphBackbone(await loadGraphModelFromFile(tf, modelPath), manifest.backbone.outputs);
  const { height, width, channels, range } = manifest.input;
  const x = tf.randomUniform([1, height, width, channels], range[0], range[1], "float32", 1) as tfNs.Tensor4D;

  const unsplitOnce = async () => {
    const [y] = backbone.predict(x);
    await y.data();
    y.dispose();
  };
  const splits: Record<string, unknown> = {};
  const unsplitAll: number[] = [];
  for (const split of manifest.splits) {
    const rate = split.rates[Math.floor(split.rates.length / 2)];
    const loaded = await loadRate(folderSource(dir), split, rate);
    const splitOnce = async () => {
      const c = await runClient(backbone, loaded, { model: manifest.index, split: split.index, rate: rate.index }, x);
      const s = await runServer(backbone, loaded, manifest.index, c.bitstreams);
      // Read the result back, as the unsplit run does.
      await s.outputs[0].data();
      tf.dispose([...c.features, ...s.reconstruction, ...s.outputs]);
      return { ...c.ms, ...s.ms };
    };
    for (let i = 0; i < WARMUP; i++) {
      await unsplitOnce();
      await splitOnce();
    }
    // Alternate the two so that load from other processes hits both alike.
    const unsplitMs: number[] = [];
    const splitMs: number[] = [];
    const stages: StageTimes[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t0 = performance.now();
      await unsplitOnce();
      unsplitMs.push(performance.now() - t0);
      t0 = performance.now();
      stages.push(await splitOnce());
      splitMs.push(performance.now() - t0);
    }
    unsplitAll.push(...unsplitMs);
    const msPerStage = Object.fromEntries(Object.keys(stages[0]).map((k) => [k, +median(stages.map((t) => t[k as keyof StageTimes])).toFixed(3)]));
    const ratio = median(splitMs) / median(unsplitMs);
    splits[split.id] = { rate: rate.id, msPerStage, splitMs: +median(splitMs).toFixed(3), unsplitMs: +median(unsplitMs).toFixed(3), ratio: +ratio.toFixed(3) };
    if (!json)
      console.log(
        `${manifest.id}/${split.id} (${rate.id}): split ${median(splitMs).toFixed(2)} ms ` +
          `vs unsplit ${median(unsplitMs).toFixed(2)} ms, ratio ${ratio.toFixed(2)}`,
        msPerStage,
      );
    disposeRate(loaded);
  }
  const unsplit = median(unsplitAll);
  results[manifest.id] = { unsplitMs: +unsplit.toFixed(3), splits };
  x.dispose();
  backbone.dispose();
}

const out = { backend: tf.getBackend(), runs: RUNS, warmup: WARMUP, node: process.version, models: results };
if (json) console.log(JSON.stringify(out));
else console.log(JSON.stringify(out, null, 1));

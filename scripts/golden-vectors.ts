/**
 * Golden vectors: for every model and split point, at its middle rate level, one fixed input and the whole
 * bitstream the pipeline makes of it, committed byte for byte under tests/fixtures/golden/ with golden.json
 * saying what made each one. `npm run golden` (scripts/make-golden.ts) writes them; tests/unit/golden/golden-vectors.test.ts
 * recomputes them and compares. Inputs: the digits sample "test-0" (public/models/digits/samples.json) and the
 * first held-out sample photo, stretched to the detector's input.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { decodeJpeg, photoPixels, type PhotoIndex } from "@/lib/data/photos";
import { loadModelFolder, runPipelineOnce, type FolderModel, type PipelineRun } from "@/lib/pipeline/model-folder";
import { initNodeTf } from "@/lib/tf/node";
import { copyAssets } from "./copy-assets.mjs";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const GOLDEN_DIR = path.join(ROOT, "tests/fixtures/golden");
export const GOLDEN_INDEX = path.join(GOLDEN_DIR, "golden.json");
export const REGENERATE = "npm run golden";

export interface GoldenCase {
  /** The stream's file name under tests/fixtures/golden/. */
  file: string;
  model: string;
  split: string;
  rate: string;
  /** Where the input comes from, and the sha256 of its 8-bit pixels. */
  input: string;
  inputSha256: string;
  /** sha256 over the backbone's files and the rate level's unit files: tells "retrained" from "code changed". */
  modelFilesSha256: string;
  bytes: number;
  /** What the tail predicts from the stream, and what the unsplit model says. */
  splitTop: string;
  unsplitTop: string;
}

export interface GoldenIndex {
  comment: string;
  command: string;
  node: string;
  cases: GoldenCase[];
}

export interface GoldenRun {
  case: GoldenCase;
  stream: Uint8Array;
  model: FolderModel;
  splitIndex: number;
  rateIndex: number;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function inputOf(model: FolderModel): Promise<{ input: string; pixels: Uint8Array }> {
  const { manifest } = model;
  if (manifest.id === "digits") {
    const json = JSON.parse(await readFile(path.join(model.folder, "samples.json"), "utf8")) as { samples: { id: string; pixels: string }[] };
    const sample = json.samples.find((s) => s.id === "test-0")!;
    return { input: "public/models/digits/samples.json: sample test-0", pixels: new Uint8Array(Buffer.from(sample.pixels, "base64")) };
  }
  if (manifest.id === "centernet") {
    const photos = path.join(ROOT, "public/samples/photos");
    const index = JSON.parse(await readFile(path.join(photos, "photos.json"), "utf8")) as PhotoIndex;
    const photo = index.samples.find((s) => s.id === "chelsea")!;
    const img = decodeJpeg(new Uint8Array(await readFile(path.join(photos, photo.file))));
    const pixels = photoPixels(img, manifest.input.height);
    return { input: `public/samples/photos/${photo.file}, stretched to ${manifest.input.height} x ${manifest.input.width}`, pixels };
  }
  throw new Error(`no golden input defined for model ${manifest.id}: add one in scripts/golden-vectors.ts`);
}

/** The backbone's graph or layers file, its weight files, and the rate level's unit files, hashed together. */
async function modelFilesSha256(model: FolderModel, splitIndex: number, rateIndex: number): Promise<string> {
  const { manifest, folder } = model;
  const backboneJson = path.join(folder, manifest.backbone.url);
  const weights = (JSON.parse(await readFile(backboneJson, "utf8")).weightsManifest as { paths: string[] }[]).flatMap((g) => g.paths);
  const units = manifest.splits[splitIndex].rates[rateIndex].units.flatMap((u) => [u.bu, u.weights, u.tables]);
  const files = [backboneJson, ...weights.map((w) => path.join(path.dirname(backboneJson), w)), ...units.map((u) => path.join(folder, u))];
  const hash = createHash("sha256");
  for (const f of files) hash.update(sha256(await readFile(f)));
  return hash.digest("hex");
}

/** Runs every golden case as the models stand now (public/ and node_modules), in registry order. */
export async function computeGolden(): Promise<GoldenRun[]> {
  await initNodeTf();
  copyAssets(); // the detector's graph is read from public/, where only this copy puts it
  const registry = JSON.parse(await readFile(path.join(ROOT, "public/models/index.json"), "utf8")) as { models: { id: string; manifest: string }[] };
  const runs: GoldenRun[] = [];
  for (const entry of registry.models) {
    const model = await loadModelFolder(path.dirname(path.join(ROOT, "public", entry.manifest)));
    const { input, pixels } = await inputOf(model);
    for (const [splitIndex, split] of model.manifest.splits.entries()) {
      const rateIndex = Math.floor(split.rates.length / 2);
      const rate = split.rates[rateIndex];
      const run: PipelineRun = await runPipelineOnce(model, pixels, splitIndex, rateIndex);
      runs.push({
        case: {
          file: `${model.manifest.id}-${split.id}-${rate.id}.bin`,
          model: model.manifest.id,
          split: split.id,
          rate: rate.id,
          input,
          inputSha256: sha256(pixels),
          modelFilesSha256: await modelFilesSha256(model, splitIndex, rateIndex),
          bytes: run.bytes.length,
          splitTop: run.splitTop,
          unsplitTop: run.unsplitTop,
        },
        stream: run.bytes,
        model,
        splitIndex,
        rateIndex,
      });
    }
  }
  return runs;
}

/**
 * Evaluates a model on any folder of images (PNG, JPEG, WebP): each file read exactly as an upload in the page
 * (lib/image: header checks, decode, crop or fit, area resize, the model's channels), then the unsplit model, the
 * input-image baselines and every split point x rate level through the real pipeline (lib/eval/harness.ts).
 * Quality: with --labels, top-1 accuracy against them and agreement with the unsplit model; without, agreement
 * only; for the detector, mAP@0.5 of each method's boxes against the unsplit detector's.
 *
 *   npm run eval:folder -- --model digits --dir DIR [--labels FILE.csv] [--json] [--out FILE] [--framing crop|fit]
 *
 * Prints a table, or with --json the RD file (docs/rd-schema.md) as the last line; --out also writes it.
 * The labels file is CSV with the header `file,label` (label: a class name of the model, e.g. 7).
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { classifierAdapter } from "@/lib/eval/classifier";
import { detectorAdapter } from "@/lib/eval/detector";
import { evaluateModel, type ModelAdapter } from "@/lib/eval/harness";
import { parseLabelsCsv, rdTable } from "@/lib/eval/folder";
import { FRAMINGS, type Framing } from "@/lib/image/prepare";
import { readImageFileNode } from "@/lib/image/read-image-node";
import { DETECTION_GROUND_TRUTH, referenceOfCandidates, type Detection } from "@/lib/metrics/detection";
import { rdBdRates } from "@/lib/metrics/rd-bd-rates";
import { rdProblems, type RdFile } from "@/lib/metrics/rd-schema";
import { layersBackbone, type Backbone } from "@/lib/models/backbone";
import { graphBackbone } from "@/lib/models/graph-backbone";
import { loadGraphModelFromFile } from "@/lib/models/load-graph-node";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { validateManifest } from "@/lib/models/manifest";
import { folderSource } from "@/lib/pipeline/node-files";
import { initNodeTf } from "@/lib/tf/node";
import { commandLine, readOptions } from "./args";

const ROOT = path.resolve(import.meta.dirname, "..");
const EXTENSIONS = new Set([".png", ".jpg", ".jpeg", ".webp"]);
const started = Date.now();
const opts = readOptions("eval:folder", {
  model: { type: "string", help: "model id from public/models/index.json (digits, centernet)" },
  dir: { type: "string", help: "folder of images (PNG, JPEG, WebP)" },
  labels: { type: "string", help: "CSV with the header file,label (optional)" },
  json: { type: "boolean", help: "print the RD file as the last line instead of a table" },
  out: { type: "string", help: "also write the RD file here" },
  framing: { type: "string", help: "crop (default: the centre square, as an upload) or fit (letterboxed)" },
  timing: { type: "number", min: 0, integer: true, help: "single images timed per rate level (default 0)" },
});
const quiet = opts.json ?? false;
const log = (msg: string) => (quiet ? console.error : console.log)(`${new Date().toISOString().slice(11, 19)} ${msg}`);

/** Stops with a sentence (exit code 1), never a stack trace, for anything wrong with the arguments or the data. */
function fail(message: string): never {
  console.error(`eval:folder: ${message}`);
  process.exit(1);
}

if (!opts.model || !opts.dir) fail("--model and --dir are required (npm run eval:folder -- --help)");
const framing = (opts.framing ?? "crop") as Framing;
if (!FRAMINGS.includes(framing)) fail(`--framing is one of ${FRAMINGS.join(", ")}, not "${opts.framing}"`);
const index = JSON.parse(await readFile(path.join(ROOT, "public/models/index.json"), "utf8")) as { models: { id: string; manifest: string }[] };
const entry = index.models.find((m) => m.id === opts.model);
if (!entry) fail(`no model "${opts.model}"; known: ${index.models.map((m) => m.id).join(", ")}`);
const manifestPath = path.join(ROOT, "public", entry.manifest);
const modelDir = path.dirname(manifestPath);
const manifest = validateManifest(JSON.parse(await readFile(manifestPath, "utf8")));
const weights = path.join(modelDir, manifest.backbone.url);
if (!existsSync(weights)) fail(`${path.relative(ROOT, weights)} is missing: run \`node scripts/copy-assets.mjs\` (or npm run build) first`);
const dir = path.resolve(opts.dir);
if (!existsSync(dir)) fail(`no folder ${opts.dir}`);
const names = (await readdir(dir)).filter((f) => EXTENSIONS.has(path.extname(f).toLowerCase())).sort();
if (names.length === 0) fail(`${opts.dir} holds no PNG, JPEG or WebP files`);

let labelOf: Map<string, number> | null = null;
if (opts.labels) {
  const parsed = parseLabelsCsv(await readFile(opts.labels, "utf8").catch(() => fail(`cannot read ${opts.labels}`)), manifest.classes);
  if (!parsed.ok) fail(`${opts.labels}: ${parsed.message}`);
  labelOf = parsed.labels;
  const unlabelled = names.filter((n) => !labelOf!.has(n));
  if (unlabelled.length) fail(`${opts.labels} has no label for ${unlabelled.length} file(s), e.g. ${unlabelled.slice(0, 3).join(", ")}`);
}

// Every file read as the page reads an upload; a file that cannot be read is named and left out.
const { height, width, channels, range } = manifest.input;
const pix = height * width * channels;
const raw: Uint8Array[] = [];
const used: string[] = [];
const skipped: { file: string; message: string }[] = [];
for (const name of names) {
  const read = await readImageFileNode(path.join(dir, name), { size: manifest.input, framing });
  if (!read.ok) {
    skipped.push({ file: name, message: read.message });
    log(`skipped: ${read.message}`);
    continue;
  }
  raw.push(read.pixels);
  used.push(name);
}
if (used.length === 0) fail(`none of the ${names.length} images in ${opts.dir} could be read`);
const pixels = new Float32Array(used.length * pix);
raw.forEach((r, i) =>
  pixels.set(
    Array.from(r, (v) => (v / 255) * range[1]),
    i * pix,
  ),
);
log(`${used.length} images from ${opts.dir} (${framing})${skipped.length ? `, ${skipped.length} skipped` : ""}`);

const tf = await initNodeTf();
let backbone: Backbone;
let adapter: ModelAdapter<unknown>;
if (manifest.backbone.kind === "layers") {
  backbone = layersBackbone(await loadLayersModelFromFile(tf, weights));
  adapter = classifierAdapter(manifest.classes.length) as ModelAdapter<unknown>;
} else {
  backbone = graphBackbone(await loadGraphModelFromFile(tf, weights), manifest.backbone.outputs);
  adapter = detectorAdapter() as ModelAdapter<unknown>;
}
const detection = manifest.task === "detection";

const evaluation = await evaluateModel({
  backbone,
  manifest,
  files: folderSource(modelDir),
  set: { count: used.length, pixels, raw, labels: labelOf && !detection ? used.map((n) => labelOf!.get(n)!) : null },
  adapter,
  timingImages: opts.timing ?? 0,
  log,
});
backbone.dispose();

const rd: RdFile = {
  model: manifest.id,
  dataset: {
    name: `folder ${path.relative(ROOT, dir) || dir}`,
    count: used.length,
    framing,
    labelled: labelOf !== null && !detection,
    ...(detection
      ? {
          groundTruth: DETECTION_GROUND_TRUTH,
          boxes: (evaluation.unsplitPredictions as Detection[][]).reduce((n, d) => n + referenceOfCandidates(d).length, 0),
        }
      : {}),
    ...(skipped.length ? { skipped } : {}),
  },
  unsplit: evaluation.unsplit,
  generatedBy: { command: commandLine("eval:folder"), seconds: (Date.now() - started) / 1000, at: new Date().toISOString() },
  points: evaluation.points,
};
// BD-rate of every split's BU curve against input JPEG and WebP (bytes at equal quality), as the RD files state it.
rd.bdRates = rdBdRates(rd);
const problems = rdProblems(rd);
if (problems.length) throw new Error(`the RD file would not match its schema: ${problems.join("; ")}`);
if (opts.out) {
  await mkdir(path.dirname(path.resolve(opts.out)), { recursive: true });
  await writeFile(opts.out, JSON.stringify(rd, null, 1) + "\n");
  log(`wrote ${opts.out}`);
}
if (quiet) console.log(JSON.stringify(rd));
else console.log(rdTable(rd));

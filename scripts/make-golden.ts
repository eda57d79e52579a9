/**
 * Writes the golden vectors (see scripts/golden-vectors.ts): tests/fixtures/golden/<model>-<split>-<rate>.bin and
 * golden.json. Run it after retraining a model's units or backbone on purpose, and commit the folder.
 *
 *   npm run golden
 */
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { readOptions } from "./args";
import { computeGolden, GOLDEN_DIR, GOLDEN_INDEX, REGENERATE, type GoldenIndex } from "./golden-vectors";

readOptions("golden", {});
const runs = await computeGolden();
await mkdir(GOLDEN_DIR, { recursive: true });
for (const f of await readdir(GOLDEN_DIR)) if (f.endsWith(".bin")) await rm(path.join(GOLDEN_DIR, f));
for (const r of runs) await writeFile(path.join(GOLDEN_DIR, r.case.file), r.stream);
const index: GoldenIndex = {
  comment:
    "Whole bitstreams of fixed inputs, one per model and split point at its middle rate level, " +
    "checked byte for byte by tests/unit/golden/golden-vectors.test.ts. " +
    "Regenerate with the command below after changing a model's units or backbone on purpose.",
  command: REGENERATE,
  node: process.version,
  cases: runs.map((r) => r.case),
};
await writeFile(GOLDEN_INDEX, JSON.stringify(index, null, 1) + "\n");
for (const r of runs) console.log(`golden: ${r.case.file} ${r.case.bytes} bytes, predicts ${r.case.splitTop} (unsplit ${r.case.unsplitTop})`);
console.log(`golden: wrote ${runs.length} streams and ${path.relative(process.cwd(), GOLDEN_INDEX)}`);

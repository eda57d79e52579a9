/**
 * The bars issue 9 set for the digits model, read from the committed RD files, so that a retrain that breaks one
 * fails CI: public/rd/digits.json (2,000 held-out MNIST digits, npm run eval:digits) and public/rd/digits-foreign.json
 * (the foreign digits fixture through the upload path, npm run eval:folder).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { rdProblems, type RdFile, type RdPoint } from "@/lib/metrics/rd-schema";
import { validateManifest } from "@/lib/models/manifest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const read = (p: string) => JSON.parse(readFileSync(path.join(ROOT, p), "utf8"));
const manifest = validateManifest(read("public/models/digits/manifest.json"));
const heldOut = read("public/rd/digits.json") as RdFile;
const foreign = read("public/rd/digits-foreign.json") as RdFile;

/** A split's BU points in rate order (r0, fewest bytes, first). */
function levels(rd: RdFile, split: string): RdPoint[] {
  const ids = manifest.splits.find((s) => s.id === split)!.rates.map((r) => r.id);
  return ids.map((id) => {
    const p = rd.points.find((q) => q.method === "bu" && q.split === split && q.rate === id);
    if (!p) throw new Error(`${split}/${id} missing from the RD file`);
    return p;
  });
}

describe("digits RD files", () => {
  it("match the schema and cover every split and rate of the manifest", () => {
    for (const rd of [heldOut, foreign]) {
      expect(rdProblems(rd)).toEqual([]);
      expect(rd.model).toBe("digits");
      for (const s of manifest.splits) expect(levels(rd, s.id)).toHaveLength(s.rates.length);
    }
    expect(heldOut.dataset.count).toBe(2000);
    const fixture = readFileSync(path.join(ROOT, "tests/fixtures/foreign-digits/labels.csv"), "utf8").trim().split("\n").length - 1;
    expect(foreign.dataset.count).toBe(fixture);
    expect(foreign.dataset.labelled).toBe(true);
  });
});

describe.each(manifest.splits.map((s) => s.id))("held-out MNIST, split %s", (split) => {
  const pts = levels(heldOut, split);
  const unsplit = heldOut.unsplit.accuracy;

  it("buys less feature error with more bytes at every level, and never loses more than 0.3 pt of accuracy to the next", () => {
    for (let i = 1; i < pts.length; i++) {
      expect(pts[i].bytesMean, `bytes ${pts[i - 1].rate} -> ${pts[i].rate}`).toBeGreaterThan(pts[i - 1].bytesMean);
      expect(pts[i].featureMse!, `feature MSE ${pts[i - 1].rate} -> ${pts[i].rate}`).toBeLessThan(pts[i - 1].featureMse!);
      expect(pts[i].accuracy, `accuracy ${pts[i - 1].rate} -> ${pts[i].rate}`).toBeGreaterThanOrEqual(pts[i - 1].accuracy - 0.003);
    }
  });

  it("keeps its finest level within 0.5 pt of the unsplit model and agreeing with it on >= 99 %", () => {
    const finest = pts.at(-1)!;
    expect(finest.accuracy).toBeGreaterThanOrEqual(unsplit - 0.005);
    expect(finest.agreement).toBeGreaterThanOrEqual(0.99);
  });
});

describe("held-out MNIST, deepest split", () => {
  it("stays within 1 pt of the unsplit model at no more than 1/15 of the input PNG's bytes", () => {
    const png = heldOut.points.find((p) => p.method === "input-png")!;
    const deepest = levels(heldOut, manifest.splits.at(-1)!.id);
    const ok = deepest.filter((p) => p.bytesMean <= png.bytesMean / 15 && p.accuracy >= heldOut.unsplit.accuracy - 0.01);
    expect(ok.map((p) => p.rate)).not.toEqual([]);
  });
});

describe("foreign digits", () => {
  it("are read correctly by the unsplit model on >= 95 %", () => {
    expect(foreign.unsplit.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  it.each(manifest.splits.map((s) => s.id))("at split %s, the three finest levels agree with the unsplit model on >= 95 %", (split) => {
    for (const p of levels(foreign, split).slice(-3)) expect(p.agreement, `${split}/${p.rate}`).toBeGreaterThanOrEqual(0.95);
  });
});

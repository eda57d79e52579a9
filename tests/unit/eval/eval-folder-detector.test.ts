/**
 * npm run eval:folder on a tiny folder of photos with the detector: the real script (as a person runs it), its RD
 * file on stdout. Needs the detector's weights in public/models/centernet (node scripts/copy-assets.mjs, which
 * `npm run build` runs first).
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DETECTION_GROUND_TRUTH } from "@/lib/metrics/detection";
import { rdBdRates } from "@/lib/metrics/rd-bd-rates";
import { rdProblems, type RdFile } from "@/lib/metrics/rd-schema";
import { validateManifest } from "@/lib/models/manifest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const run = promisify(execFile);
let dir: string;
let rd: RdFile;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "eval-folder-detector-"));
  // A cat and an astronaut (the detector finds both), and a file that only pretends to be an image.
  for (const f of ["chelsea.jpg", "astronaut.jpg"]) copyFileSync(path.join(ROOT, "public/samples/photos", f), path.join(dir, f));
  writeFileSync(path.join(dir, "notes.png"), "not a picture");
  const { stdout } = await run("npx", ["tsx", "scripts/eval-folder.ts", "--model", "centernet", "--dir", dir, "--json"], {
    cwd: ROOT,
    maxBuffer: 64 << 20,
  });
  rd = JSON.parse(stdout.trim().split("\n").at(-1)!) as RdFile;
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("eval:folder with the detector", () => {
  it("scores every method's boxes against the unsplit detector's, with mAP@0.5, mAP@[.5:.95] and the reference boxes", () => {
    expect(rdProblems(rd)).toEqual([]);
    expect(rd.model).toBe("centernet");
    expect(rd.dataset.count).toBe(2);
    expect(rd.dataset.skipped).toEqual([{ file: "notes.png", message: expect.any(String) }]);
    expect(rd.dataset.groundTruth).toBe(DETECTION_GROUND_TRUTH);
    expect(rd.dataset.boxes).toBeGreaterThanOrEqual(2);
    expect(rd.unsplit.accuracy).toBe(1);
    // Sending the image losslessly gives the unsplit detections back exactly.
    const png = rd.points.find((p) => p.method === "input-png")!;
    expect([png.map50, png.map5095]).toEqual([1, 1]);
    for (const p of rd.points) {
      expect(p.map50).toBeGreaterThanOrEqual(0);
      expect(p.map50).toBeLessThanOrEqual(1);
      expect(p.map5095).toBeLessThanOrEqual(p.map50! + 1e-12);
      expect(p.accuracy).toBe(p.map50);
    }
  });

  it("evaluates every split and rate level and states their BD-rates against input JPEG and WebP", () => {
    const manifest = validateManifest(JSON.parse(readFileSync(path.join(ROOT, "public/models/centernet/manifest.json"), "utf8")));
    for (const s of manifest.splits) {
      for (const r of s.rates) expect(rd.points.filter((p) => p.method === "bu" && p.split === s.id && p.rate === r.id)).toHaveLength(1);
    }
    expect(rd.points.filter((p) => p.method === "input-jpeg").length).toBeGreaterThanOrEqual(5);
    expect(rd.bdRates).toEqual(rdBdRates(rd));
    expect(rd.bdRates!.map((b) => `${b.split}/${b.against}`).sort()).toEqual(
      manifest.splits.flatMap((s) => [`${s.id}/input-jpeg`, `${s.id}/input-webp`]).sort(),
    );
  });
});

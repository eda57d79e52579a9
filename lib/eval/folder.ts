/** The pure parts of eval:folder: reading a labels file and printing an RD file as a table. */
import type { RdFile } from "@/lib/metrics/rd-schema";

/**
 * CSV with the header `file,label` (either order, more columns ignored); a label is one of the model's class names.
 * Returns a sentence for anything else.
 */
export function parseLabelsCsv(text: string, classes: string[]): { ok: true; labels: Map<string, number> } | { ok: false; message: string } {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (lines.length === 0) return { ok: false, message: "the labels file is empty" };
  const header = lines[0].split(",").map((h) => h.trim().toLowerCase());
  const fileCol = header.indexOf("file");
  const labelCol = header.indexOf("label");
  if (fileCol < 0 || labelCol < 0) return { ok: false, message: `the first line must be the header file,label, not "${lines[0]}"` };
  const labels = new Map<string, number>();
  for (const [i, line] of lines.slice(1).entries()) {
    const cells = line.split(",").map((c) => c.trim());
    const file = cells[fileCol];
    const label = cells[labelCol];
    if (!file || label === undefined) return { ok: false, message: `line ${i + 2} ("${line}") needs a file and a label` };
    const k = classes.indexOf(label);
    if (k < 0) return { ok: false, message: `line ${i + 2}: "${label}" is not one of the model's classes (${classes.join(", ")})` };
    if (labels.has(file)) return { ok: false, message: `line ${i + 2}: ${file} is labelled twice` };
    labels.set(file, k);
  }
  return { ok: true, labels };
}

const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
const signed = (v: number) => `${v >= 0 ? "+" : ""}${(100 * v).toFixed(1)} %`;

/**
 * A readable table: the unsplit model, the image baselines, then each split's rate levels; a detector's RD file adds
 * mAP@[.5:.95] and its reference box count; BD-rates (bytes at equal quality against each image codec) close it.
 */
export function rdTable(rd: RdFile): string {
  const labelled = rd.dataset.labelled === true;
  const detector = rd.points.some((p) => p.map50 !== undefined);
  const quality = detector ? "mAP@0.5" : labelled ? "accuracy" : "agreement";
  const extra = detector ? "mAP@[.5:.95]" : labelled ? "agreement" : null;
  const extraOf = (p: RdFile["points"][number]) => (detector ? pct(p.map5095 ?? NaN) : pct(p.agreement));
  const rows: string[][] = [["method", "split", "level", "bytes (mean)", quality, ...(extra ? [extra] : [])]];
  rows.push(["unsplit", "", "", "", pct(rd.unsplit.accuracy), ...(extra ? ["100.00 %"] : [])]);
  for (const p of rd.points) {
    const level = p.rate ?? (p.param === null ? "" : `q ${p.param}`);
    const main = quality === "agreement" ? p.agreement : p.accuracy;
    rows.push([p.method, p.split ?? "", level, p.bytesMean.toFixed(1), pct(main), ...(extra ? [extraOf(p)] : [])]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ");
  const boxes = typeof rd.dataset.boxes === "number" ? `, ${rd.dataset.boxes} reference boxes` : "";
  const bd = (rd.bdRates ?? []).map((b) =>
    b.rate === null || b.range === null
      ? `BD-rate ${b.split} vs ${b.against}: no common ${b.metric} range`
      : `BD-rate ${b.split} vs ${b.against}: ${signed(b.rate)} bytes at equal ${b.metric} (over ${b.range[0].toFixed(3)}-${b.range[1].toFixed(3)})`,
  );
  return [`${rd.model} on ${rd.dataset.name}: ${rd.dataset.count} images${boxes}`, line(rows[0]), ...rows.slice(1).map(line), ...bd].join("\n");
}

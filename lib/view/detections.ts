/**
 * Detection outputs as the page shows them: rows of (x1, y1, x2, y2, score, class) in input pixels (the
 * CenterNet convention the manifest's backbone outputs follow), filtered and compared between the split and
 * the unsplit model.
 */
export interface Detection {
  box: [number, number, number, number];
  score: number;
  cls: number;
}

export function parseDetections(rows: ArrayLike<number>, minScore = 0.2, max = 20): Detection[] {
  const out: Detection[] = [];
  for (let i = 0; i + 5 < rows.length; i += 6) {
    const score = rows[i + 4];
    if (!(score >= minScore)) continue;
    out.push({ box: [rows[i], rows[i + 1], rows[i + 2], rows[i + 3]], score, cls: Math.round(rows[i + 5]) });
  }
  return out.sort((a, b) => b.score - a.score).slice(0, max);
}

export function iou(a: Detection["box"], b: Detection["box"]): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  const area = (r: Detection["box"]) => Math.max(0, r[2] - r[0]) * Math.max(0, r[3] - r[1]);
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

/** How many of the unsplit model's detections the split model found again (same class, IoU >= 0.5). */
export function matchedCount(split: Detection[], unsplit: Detection[]): number {
  const used = new Set<number>();
  let n = 0;
  for (const u of unsplit) {
    const j = split.findIndex((s, k) => !used.has(k) && s.cls === u.cls && iou(s.box, u.box) >= 0.5);
    if (j >= 0) {
      used.add(j);
      n++;
    }
  }
  return n;
}

/**
 * The BD-rates an RD file states: every split's BU curve against each input-image codec at equal quality (mAP@0.5
 * for a detector, top-1 accuracy otherwise), by the one bdRate of lib/metrics/bd-rate. The evaluation stores them,
 * the page shows them beside the chart, and the tests check the two agree.
 */
import { bdRate } from "./bd-rate";
import type { RdBdRate, RdFile, RdMethod, RdPoint } from "./rd-schema";

export const BD_RATE_BASELINES: RdMethod[] = ["input-jpeg", "input-webp"];

function qualityOf(p: RdPoint, metric: RdBdRate["metric"]): number {
  return metric === "map50" ? (p.map50 ?? NaN) : p.accuracy;
}

export function bdRateOf(points: RdPoint[], split: string, against: RdMethod, metric: RdBdRate["metric"]): RdBdRate {
  const curve = (ps: RdPoint[]) => ps.map((p) => ({ bytes: p.bytesMean, quality: qualityOf(p, metric) }));
  const bu = points.filter((p) => p.method === "bu" && p.split === split);
  const reference = points.filter((p) => p.method === against);
  const r = bdRate(curve(bu), curve(reference));
  return { split, against, metric, rate: r?.rate ?? null, range: r?.range ?? null };
}

/** One entry per split with BU points and per baseline present in the file. */
export function rdBdRates(rd: Pick<RdFile, "points">): RdBdRate[] {
  const metric: RdBdRate["metric"] = rd.points.some((p) => p.map50 !== undefined) ? "map50" : "accuracy";
  const splits = [...new Set(rd.points.filter((p) => p.method === "bu").map((p) => p.split!))];
  const baselines = BD_RATE_BASELINES.filter((m) => rd.points.some((p) => p.method === m));
  return splits.flatMap((split) => baselines.map((against) => bdRateOf(rd.points, split, against, metric)));
}

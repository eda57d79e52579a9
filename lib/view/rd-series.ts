/** The RD chart's data: one split point's rate levels and the baselines that apply to it, from public/rd. */
import type { RdBdRate, RdFile, RdMethod } from "@/lib/metrics/rd-schema";

export type RdMetric = "accuracy" | "featureMse";

export interface ChartPoint {
  bytes: number;
  y: number;
  label: string;
  rate?: string;
}

export interface RdSeries {
  method: RdMethod;
  name: string;
  points: ChartPoint[];
}

export const METHOD_NAMES: Record<RdMethod, string> = {
  bu: "Bottleneck unit (this split)",
  "input-png": "Input as PNG",
  "input-jpeg": "Input as JPEG",
  "input-webp": "Input as WebP",
  float32: "Split tensor, float32",
  float16: "Split tensor, float16",
  "int8-deflate": "Split tensor, int8 + deflate",
  "quant-rans": "Quantizer + rANS, no BU",
};

const BASELINES: RdMethod[] = ["input-png", "input-jpeg", "input-webp", "float16", "int8-deflate", "quant-rans"];

/**
 * Series for a split id: its BU rate levels (in rate order) and each baseline that is either about the
 * input image (split null) or about this split. Points without the metric (or with a non-positive one on a
 * log axis) are left out.
 */
export function rdSeries(rd: RdFile, split: string, metric: RdMetric): RdSeries[] {
  const value = (v: number | null) => (v === null || !Number.isFinite(v) || (metric === "featureMse" && v <= 0) ? null : v);
  const out: RdSeries[] = [];
  for (const method of ["bu" as RdMethod, ...BASELINES]) {
    const points: ChartPoint[] = [];
    for (const p of rd.points) {
      if (p.method !== method) continue;
      if (p.split !== null && p.split !== split) continue;
      if (method === "bu" && p.split !== split) continue;
      const y = value(metric === "accuracy" ? p.accuracy : p.featureMse);
      if (y === null) continue;
      const label = method === "bu" ? `rate ${p.rate}` : p.param !== null ? `param ${p.param}` : METHOD_NAMES[method];
      points.push({ bytes: p.bytesMean, y, label, ...(p.rate ? { rate: p.rate } : {}) });
    }
    if (method === "bu") points.sort((a, b) => a.bytes - b.bytes);
    if (points.length) out.push({ method, name: METHOD_NAMES[method], points });
  }
  return out;
}

/** The precomputed BU point of one split and rate, for the first paint. */
export function rdPointOf(rd: RdFile, split: string, rate: string) {
  return rd.points.find((p) => p.method === "bu" && p.split === split && p.rate === rate) ?? null;
}

/** A log-axis domain with some air on both sides, from the values to be drawn. */
export function logDomain(values: number[]): [number, number] {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!pos.length) return [1, 10];
  const lo = Math.min(...pos);
  const hi = Math.max(...pos);
  return [lo / 1.4, hi * 1.4];
}

/** 1-2-5 ticks inside a log domain. */
export function logTicks([lo, hi]: [number, number]): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const t = m * 10 ** e;
      if (t >= lo && t <= hi) ticks.push(t);
    }
  }
  return ticks;
}

export const CODEC_NAMES: Partial<Record<RdMethod, string>> = { "input-jpeg": "JPEG", "input-webp": "WebP" };

/** "\u221243 % bytes vs JPEG at equal mAP@0.5 (over mAP@0.5 0.80\u20130.97)", or why there is no figure. */
export function bdRateText(b: RdBdRate): string {
  const codec = CODEC_NAMES[b.against] ?? b.against;
  const quality = b.metric === "map50" ? "mAP@0.5" : "accuracy";
  if (b.rate === null || b.range === null) return `vs ${codec}: no ${quality} range that both curves reach, so no BD-rate`;
  const pct = Math.round(100 * b.rate);
  const sign = pct > 0 ? "+" : pct < 0 ? "\u2212" : "\u00b1";
  return `${sign}${Math.abs(pct)} % bytes vs ${codec} at equal ${quality} (over ${quality} ${b.range[0].toFixed(2)}\u2013${b.range[1].toFixed(2)})`;
}

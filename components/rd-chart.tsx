"use client";

import { useMemo, useState } from "react";
import { CartesianGrid, Legend, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import type { RdFile } from "@/lib/metrics/rd-schema";
import { rdSeries, type ChartPoint, type RdMetric } from "@/lib/view/rd-series";

const COLORS: Record<string, string> = {
  bu: "#0284c7",
  "input-png": "#a1a1aa",
  "input-jpeg": "#71717a",
  float16: "#d97706",
  "int8-deflate": "#c2410c",
  "quant-rans": "#7c3aed",
};

export interface LivePoint {
  bytes: number;
  featureMse: number;
}

/**
 * Bytes per image (log axis) against accuracy or feature distortion: every rate level of the current split
 * and the baselines, measured by the evaluation script; the current rate level ringed, and this image's
 * bitstream added once it is computed.
 */
export function RdChart({ rd, split, rate, live }: { rd: RdFile; split: string; rate: string; live: LivePoint | null }) {
  const [metric, setMetric] = useState<RdMetric>("accuracy");
  const series = useMemo(() => rdSeries(rd, split, metric), [rd, split, metric]);
  const bu = series.find((s) => s.method === "bu");
  const current = bu?.points.find((p) => p.rate === rate) ?? null;
  const livePoint: ChartPoint | null = live
    ? { bytes: live.bytes, y: metric === "accuracy" ? (current?.y ?? NaN) : live.featureMse, label: "this image" }
    : null;
  const yName = metric === "accuracy" ? "Top-1 accuracy" : "Feature MSE";
  return (
    <figure className="space-y-2">
      <fieldset className="flex flex-wrap items-center gap-3 text-sm">
        <legend className="sr-only">Y axis</legend>
        <span className="text-zinc-600 dark:text-zinc-400">Y axis:</span>
        {(["accuracy", "featureMse"] as const).map((m) => (
          <label key={m} className="flex items-center gap-1">
            <input type="radio" name="rd-metric" value={m} checked={metric === m} onChange={() => setMetric(m)} />
            {m === "accuracy" ? "Accuracy" : "Feature distortion"}
          </label>
        ))}
      </fieldset>
      <div className="h-72 w-full" data-testid="rd-chart">
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
            <CartesianGrid strokeOpacity={0.3} />
            <XAxis type="number" dataKey="bytes" name="Bytes per image" scale="log" domain={["auto", "auto"]} allowDataOverflow tickFormatter={(v: number) => String(Math.round(v))} label={{ value: "bytes per image (log)", position: "insideBottom", offset: -12, fontSize: 12 }} fontSize={11} />
            <YAxis type="number" dataKey="y" name={yName} scale={metric === "featureMse" ? "log" : "linear"} domain={["auto", "auto"]} tickFormatter={(v: number) => (metric === "accuracy" ? `${(v * 100).toFixed(0)}%` : v.toExponential(0))} fontSize={11} width={52} />
            <ZAxis range={[36, 36]} />
            <Tooltip formatter={(v) => (typeof v === "number" ? v.toPrecision(4) : String(v))} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {series.map((s) => (
              <Scatter key={s.method} name={s.name} data={s.points} fill={COLORS[s.method] ?? "#52525b"} line={s.method === "bu"} isAnimationActive={false} />
            ))}
            {current ? <Scatter name="Current rate level" data={[current]} fill="none" stroke="#0284c7" strokeWidth={2} shape="circle" legendType="circle" isAnimationActive={false} /> : null}
            {livePoint && Number.isFinite(livePoint.y) ? <Scatter name="This image" data={[livePoint]} fill="#e11d48" shape="star" isAnimationActive={false} /> : null}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-zinc-600 dark:text-zinc-400">
        Means over {rd.dataset.count} held-out images ({rd.generatedBy.command}); unsplit accuracy {(rd.unsplit.accuracy * 100).toFixed(2)} %.
        {metric === "accuracy" ? " This image's point sits at its own bitstream size and the rate level's mean accuracy." : " This image's point: its own bitstream size and feature MSE."}
      </figcaption>
    </figure>
  );
}

"use client";

import { memo, useMemo, useState } from "react";
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import { BD_RATE_BASELINES, bdRateOf } from "@/lib/metrics/rd-bd-rates";
import type { RdFile } from "@/lib/metrics/rd-schema";
import { bdRateText, CODEC_NAMES, logDomain, logTicks, rdSeries, type ChartPoint, type RdMetric } from "@/lib/view/rd-series";

const COLORS: Record<string, string> = {
  bu: "#0284c7",
  "input-png": "#a1a1aa",
  "input-jpeg": "#71717a",
  "input-webp": "#059669",
  float16: "#d97706",
  "int8-deflate": "#c2410c",
  "quant-rans": "#7c3aed",
};

/** 97.5 stays 97.5 (ticks of a narrow accuracy range are not whole percents); 98 stays 98. */
function formatPercent(v: number): string {
  const p = Math.round(v * 1000) / 10;
  return Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1);
}

/**
 * The BD-rates of this split's units against sending the input image (lib/metrics/rd-bd-rates, the evaluation's
 * own function), and one sentence on why when a codec wins.
 */
function BdRates({ rd, split }: { rd: RdFile; split: string }) {
  const metric = rd.points.some((p) => p.map50 !== undefined) ? "map50" : "accuracy";
  const rates = BD_RATE_BASELINES.filter((m) => rd.points.some((p) => p.method === m)).map((m) => bdRateOf(rd.points, split, m, metric));
  if (!rates.length) return null;
  const loses = rates.filter((b) => b.rate !== null && b.rate > 0).map((b) => CODEC_NAMES[b.against]);
  return (
    <div className="space-y-1 text-sm" data-testid="bd-rate">
      <p className="font-medium">Bytes of this split&apos;s units against sending the image, at equal quality (BD-rate):</p>
      <ul className="list-disc pl-5">
        {rates.map((b) => (
          <li key={b.against} data-testid={`bd-rate-${b.against}`}>
            {bdRateText(b)}
          </li>
        ))}
      </ul>
      {loses.length ? (
        <p className="text-zinc-600 dark:text-zinc-400">
          Here {loses.join(" and ")} {loses.length > 1 ? "need" : "needs"} fewer bytes than the units: the units code each latent value with a per-channel model
          that ignores its neighbours, while an image codec predicts each block from those already sent.
        </p>
      ) : null}
    </div>
  );
}

export interface LivePoint {
  bytes: number;
  featureMse: number;
}

/**
 * Bytes per image (log axis) against accuracy or feature distortion: every rate level of the current split
 * and the baselines, measured by the evaluation script; the current rate level ringed, and this image's
 * bitstream added once it is computed.
 */
export const RdChart = memo(function RdChart({
  rd,
  split,
  rate,
  live,
  task = "classification",
}: {
  rd: RdFile;
  split: string;
  rate: string;
  live: LivePoint | null;
  /** A detector's quality is its agreement with the unsplit detector (mAP@0.5), not an accuracy. */
  task?: "classification" | "detection";
}) {
  const quality = task === "detection" ? "Detection agreement" : "Accuracy";
  const [metric, setMetric] = useState<RdMetric>("accuracy");
  const series = useMemo(() => rdSeries(rd, split, metric), [rd, split, metric]);
  const bu = series.find((s) => s.method === "bu");
  const current = bu?.points.find((p) => p.rate === rate) ?? null;
  const livePoint: ChartPoint | null = live
    ? { bytes: live.bytes, y: metric === "accuracy" ? (current?.y ?? NaN) : live.featureMse, label: "this image" }
    : null;
  const yName = metric === "accuracy" ? (task === "detection" ? "Detection agreement (mAP@0.5)" : "Top-1 accuracy") : "Feature MSE";
  const all = [...series.flatMap((s) => s.points), ...(livePoint ? [livePoint] : [])];
  const xDomain = logDomain(all.map((p) => p.bytes));
  const yDomain = metric === "featureMse" ? logDomain(all.map((p) => p.y).filter((y) => Number.isFinite(y))) : (["auto", "auto"] as const);
  return (
    <figure className="space-y-2">
      <fieldset className="flex flex-wrap items-center gap-3 text-sm">
        <legend className="sr-only">Y axis</legend>
        <span className="text-zinc-600 dark:text-zinc-400">Y axis:</span>
        {(["accuracy", "featureMse"] as const).map((m) => (
          <label key={m} className="flex items-center gap-1">
            <input type="radio" name="rd-metric" value={m} checked={metric === m} onChange={() => setMetric(m)} />
            {m === "accuracy" ? quality : "Feature distortion"}
          </label>
        ))}
      </fieldset>
      <div className="h-72 w-full" data-testid="rd-chart">
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
            <CartesianGrid strokeOpacity={0.3} />
            <XAxis
              type="number"
              dataKey="bytes"
              name="Bytes per image"
              scale="log"
              domain={xDomain}
              ticks={logTicks(xDomain)}
              tickFormatter={(v: number) => (v >= 1 ? String(Math.round(v)) : v.toPrecision(1))}
              label={{ value: "bytes per image (log)", position: "insideBottom", offset: -12, fontSize: 12 }}
              fontSize={11}
            />
            <YAxis
              type="number"
              dataKey="y"
              name={yName}
              scale={metric === "featureMse" ? "log" : "linear"}
              domain={[...yDomain]}
              {...(metric === "featureMse" ? { ticks: logTicks(yDomain as [number, number]) } : {})}
              tickFormatter={(v: number) => (metric === "accuracy" ? `${formatPercent(v)}%` : v.toExponential(0))}
              fontSize={11}
              width={52}
            />
            <ZAxis range={[36, 36]} />
            <Tooltip formatter={(v) => (typeof v === "number" ? v.toPrecision(4) : String(v))} />
            {series.map((s) => (
              <Scatter key={s.method} name={s.name} data={s.points} fill={COLORS[s.method] ?? "#52525b"} line={s.method === "bu"} isAnimationActive={false} />
            ))}
            {current ? (
              <Scatter
                name="Current rate level"
                data={[current]}
                isAnimationActive={false}
                shape={(props: { cx?: number; cy?: number }) => <circle cx={props.cx} cy={props.cy} r={9} fill="none" stroke="#0284c7" strokeWidth={2.5} />}
              />
            ) : null}
            {livePoint && Number.isFinite(livePoint.y) ? (
              <Scatter name="This image" data={[livePoint]} fill="#e11d48" shape="star" isAnimationActive={false} />
            ) : null}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-label="Legend">
        {series.map((s) => (
          <li key={s.method} className="flex items-center gap-1.5">
            <span className="inline-block h-2.5 w-2.5 rounded-full" style={{ background: COLORS[s.method] ?? "#52525b" }} aria-hidden />
            {s.name}
          </li>
        ))}
        <li className="flex items-center gap-1.5">
          <span className="inline-block h-3 w-3 rounded-full border-2 border-sky-600" aria-hidden />
          current rate level
        </li>
        {livePoint ? (
          <li className="flex items-center gap-1.5">
            <span className="text-rose-600" aria-hidden>
              ★
            </span>
            this image
          </li>
        ) : null}
      </ul>
      <BdRates rd={rd} split={split} />
      <figcaption className="text-xs text-zinc-600 dark:text-zinc-400">
        Means over {rd.dataset.count} held-out images
        {typeof rd.dataset.boxes === "number" ? ` with ${rd.dataset.boxes} reference boxes (the unsplit detector's, as the page draws them)` : ""} (
        {rd.generatedBy.command})
        {task === "detection" ? "; agreement with the unsplit detector's boxes." : `; unsplit accuracy ${(rd.unsplit.accuracy * 100).toFixed(2)} %.`}
        {metric === "accuracy"
          ? ` This image's point sits at its own bitstream size and the rate level's mean ${quality.toLowerCase()}.`
          : " This image's point: its own bitstream size and feature MSE."}
      </figcaption>
    </figure>
  );
});

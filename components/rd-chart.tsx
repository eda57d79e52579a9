"use client";

import { memo, useId, useMemo, useState } from "react";
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import { BD_RATE_BASELINES, bdRateOf } from "@/lib/metrics/rd-bd-rates";
import type { RdFile } from "@/lib/metrics/rd-schema";
import { bdRateText, CODEC_NAMES, logDomain, logTicks, rdSeries, type ChartPoint, type RdMetric } from "@/lib/view/rd-series";
import type { LiveLevelPoint } from "@/lib/view/live-rd";
import { RdTable } from "./rd-table";

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

/** This input's curve at one split point (every rate level run on it). */
export interface LiveCurve {
  split: string;
  splitLabel: string;
  points: LiveLevelPoint[];
}

/** What the chart says about this input's curves and lets one do with them. */
export interface LiveCurveControls {
  /** The curve of each split point computed so far; the chart's own split first. */
  curves: LiveCurve[];
  /** The split whose curve is being computed ("" when none). */
  running: string;
  /** Whether every split's curve is there. */
  complete: boolean;
  problem: string | null;
  onRunEverySplit: () => void;
  /** A point clicked: select that split and rate level. */
  onPick: (split: string, rate: string) => void;
}

/** A point of this input's curve as recharts holds it. */
type CurvePoint = ChartPoint & { live: LiveLevelPoint; split: string; splitLabel: string };

const LIVE_COLOR = "#e11d48";
const OTHER_SPLIT_COLOR = "#a1a1aa";

/** The hover text of a point: a level of this input's curve in full, or a dataset point by its name. */
function PointTip({ active, payload, quality }: { active?: boolean; payload?: { payload?: unknown }[]; quality: string }) {
  const p = active ? (payload?.[0]?.payload as Partial<CurvePoint> | undefined) : undefined;
  if (!p) return null;
  const box = "rounded border border-zinc-300 bg-white px-2 py-1 text-xs text-zinc-900 shadow dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100";
  if (!p.live) {
    return (
      <div className={box}>
        {p.label}: {Math.round(p.bytes ?? 0)} bytes, {p.y?.toPrecision(4)}
      </div>
    );
  }
  const l = p.live;
  return (
    <div className={box} data-testid="live-curve-tip">
      <p className="font-semibold">
        This input, {p.splitLabel}, level {l.rate}
      </p>
      <p>λ {l.lambda.toPrecision(3)}</p>
      <p>{l.bytes} bytes (the real bitstream)</p>
      <p>
        {quality} {l.agreement === null ? "n/a" : `${(l.agreement * 100).toFixed(1)} %`} ({l.answer})
      </p>
      <p>feature PSNR {l.featurePsnr.toFixed(1)} dB</p>
    </div>
  );
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
  liveCurve = null,
}: {
  rd: RdFile;
  split: string;
  rate: string;
  live: LivePoint | null;
  /** A detector's quality is its agreement with the unsplit detector (mAP@0.5), not an accuracy. */
  task?: "classification" | "detection";
  /** This input's own curves, when the page computes them. */
  liveCurve?: LiveCurveControls | null;
}) {
  const titleId = useId();
  const quality = task === "detection" ? "Detection agreement" : "Accuracy";
  // One input has no accuracy: its quality is its agreement with the unsplit model (lib/view/live-rd.ts).
  const liveQuality = task === "detection" ? "Detection agreement (mAP@0.5 vs unsplit)" : "Probability of the unsplit answer";
  const [metric, setMetric] = useState<RdMetric>("accuracy");
  const series = useMemo(() => rdSeries(rd, split, metric), [rd, split, metric]);
  const bu = series.find((s) => s.method === "bu");
  const current = bu?.points.find((p) => p.rate === rate) ?? null;
  const livePoint: ChartPoint | null = live
    ? { bytes: live.bytes, y: metric === "accuracy" ? (current?.y ?? NaN) : live.featureMse, label: "this image" }
    : null;
  const yName = metric === "accuracy" ? (task === "detection" ? "Detection agreement (mAP@0.5)" : "Top-1 accuracy") : "Feature MSE";
  const curves = useMemo(
    () =>
      (liveCurve?.curves ?? []).map((c) => ({
        ...c,
        data: c.points.flatMap((l): CurvePoint[] => {
          const y = metric === "accuracy" ? l.agreement : l.featureMse > 0 ? l.featureMse : null;
          return y === null || !Number.isFinite(y)
            ? []
            : [{ bytes: l.bytes, y, label: `${c.splitLabel} ${l.rate}`, rate: l.rate, live: l, split: c.split, splitLabel: c.splitLabel }];
        }),
      })),
    [liveCurve?.curves, metric],
  );
  const all = [...series.flatMap((s) => s.points), ...(livePoint ? [livePoint] : []), ...curves.flatMap((c) => c.data)];
  const xDomain = logDomain(all.map((p) => p.bytes));
  const yDomain = metric === "featureMse" ? logDomain(all.map((p) => p.y).filter((y) => Number.isFinite(y))) : (["auto", "auto"] as const);
  return (
    <figure className="space-y-2" aria-labelledby={titleId}>
      {/* The figure's name; the section's heading already says it on screen. */}
      <p id={titleId} className="sr-only">
        Rate-distortion chart: bytes per image against {metric === "accuracy" ? quality.toLowerCase() : "feature distortion"}
        {liveCurve ? ", with this input's own curve" : ""}
      </p>
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
      <div className="h-72 w-full text-zinc-700 dark:text-zinc-300" data-testid="rd-chart">
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
              label={{ value: "bytes per image (log)", position: "insideBottom", offset: -12, fontSize: 12, fill: "currentColor" }}
              tick={{ fill: "currentColor" }}
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
              tick={{ fill: "currentColor" }}
              fontSize={11}
              width={52}
            />
            <ZAxis range={[36, 36]} />
            <Tooltip content={<PointTip quality={liveQuality} />} />
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
            {curves.map((c) => {
              const mine = c.split === split;
              return (
                <Scatter
                  key={`live-${c.split}`}
                  name={`This input, ${c.splitLabel}`}
                  data={c.data}
                  fill={mine ? LIVE_COLOR : OTHER_SPLIT_COLOR}
                  line={{ stroke: mine ? LIVE_COLOR : OTHER_SPLIT_COLOR, strokeDasharray: mine ? undefined : "4 3" }}
                  isAnimationActive={false}
                  onClick={(p: { payload?: CurvePoint }) => p.payload && liveCurve?.onPick(p.payload.split, p.payload.live.rate)}
                  shape={(props: { cx?: number; cy?: number; payload?: CurvePoint }) => (
                    <circle
                      cx={props.cx}
                      cy={props.cy}
                      r={mine ? 5 : 3.5}
                      fill={mine ? LIVE_COLOR : OTHER_SPLIT_COLOR}
                      stroke="white"
                      strokeWidth={1}
                      className="cursor-pointer"
                      data-testid="live-curve-point"
                      data-split={props.payload?.split}
                      data-rate={props.payload?.live.rate}
                      data-bytes={props.payload?.live.bytes}
                    >
                      <title>{props.payload ? `${props.payload.splitLabel}, level ${props.payload.live.rate}: ${props.payload.live.bytes} bytes` : ""}</title>
                    </circle>
                  )}
                />
              );
            })}
            {livePoint && Number.isFinite(livePoint.y) ? (
              <Scatter name="This image" data={[livePoint]} fill="#e11d48" shape="star" isAnimationActive={false} />
            ) : null}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      {/* Below the chart, so that nothing added here moves the chart (presentation mode fits it on one screen). */}
      {liveCurve ? <LiveCurveBar controls={liveCurve} split={split} /> : null}
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
        {curves.length ? (
          <li className="flex items-center gap-1.5">
            <span className="inline-block h-2.5 w-2.5 rounded-full" style={{ background: LIVE_COLOR }} aria-hidden />
            this input, every level of this split ({liveQuality.toLowerCase()}; click a point to select its level)
          </li>
        ) : null}
        {curves.length > 1 ? (
          <li className="flex items-center gap-1.5">
            <span className="inline-block h-2.5 w-2.5 rounded-full" style={{ background: OTHER_SPLIT_COLOR }} aria-hidden />
            this input at the other splits
          </li>
        ) : null}
        {livePoint ? (
          <li className="flex items-center gap-1.5">
            <span className="text-rose-600 dark:text-rose-400" aria-hidden>
              ★
            </span>
            this image
          </li>
        ) : null}
      </ul>
      <RdTable series={series} curves={liveCurve?.curves ?? []} yName={yName} liveQuality={liveQuality} metric={metric} onPick={liveCurve?.onPick ?? null} />
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

/** "Run every split" and what the curves are doing, in one polite line. */
function LiveCurveBar({ controls, split }: { controls: LiveCurveControls; split: string }) {
  const mine = controls.curves.find((c) => c.split === split);
  const status = controls.problem
    ? `This input's curve failed: ${controls.problem}`
    : controls.running
      ? `Running every rate level of ${controls.running} on this input…`
      : mine
        ? `This input's curve: ${mine.points.length} levels of ${mine.splitLabel}${controls.curves.length > 1 ? `, ${controls.curves.length} splits in all` : ""}.`
        : "This input's curve appears once its first result is in.";
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <button
        type="button"
        className="rounded-md border border-zinc-300 px-3 py-1 font-medium hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
        onClick={controls.onRunEverySplit}
        disabled={controls.complete || !!controls.running}
      >
        Run every split
      </button>
      <span className="text-zinc-700 dark:text-zinc-300" data-testid="live-curve-status" aria-live="polite">
        {status}
      </span>
    </div>
  );
}

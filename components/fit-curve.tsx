"use client";
import type { FitPoint } from "@/lib/worker/fit-protocol";
import { formatFixed, formatInt } from "./format";

/** The fitted unit's rate-agreement curve, drawn point by point as the levels finish (log bytes across). */
export function FitCurve({ points, task }: { points: FitPoint[]; task: "classification" | "detection" }) {
  if (points.length === 0) return null;
  const sorted = [...points].sort((a, b) => a.rate - b.rate);
  const bytes = sorted.map((p) => p.bytesMean);
  const lo = Math.log(Math.min(...bytes) * 0.8);
  const hi = Math.log(Math.max(...bytes) * 1.25);
  const W = 320;
  const H = 140;
  const x = (b: number) => 30 + ((Math.log(b) - lo) / Math.max(1e-9, hi - lo)) * (W - 40);
  const y = (a: number) => H - 20 - a * (H - 30);
  const what = task === "detection" ? "detections found again" : "agreement with the unsplit model";
  return (
    <div className="space-y-2">
      <svg viewBox={`0 0 ${W} ${H}`} className="h-36 w-full max-w-md" role="img" aria-label={`Fitted curve: ${sorted.length} levels, bytes against ${what}`}>
        <line x1={30} y1={H - 20} x2={W - 5} y2={H - 20} className="stroke-zinc-400" />
        <line x1={30} y1={10} x2={30} y2={H - 20} className="stroke-zinc-400" />
        <text x={2} y={y(1) + 4} className="fill-zinc-600 dark:fill-zinc-400 text-[9px]">
          100%
        </text>
        <text x={2} y={y(0.5) + 4} className="fill-zinc-600 dark:fill-zinc-400 text-[9px]">
          50%
        </text>
        <text x={W - 60} y={H - 5} className="fill-zinc-600 dark:fill-zinc-400 text-[9px]">
          bytes (log)
        </text>
        <polyline points={sorted.map((p) => `${x(p.bytesMean)},${y(p.agreement)}`).join(" ")} className="fill-none stroke-emerald-600" strokeWidth={1.5} />
        {sorted.map((p) => (
          <circle
            key={p.rate}
            cx={x(p.bytesMean)}
            cy={y(p.agreement)}
            r={3}
            className="fill-emerald-600"
            data-testid="fit-point"
            data-rate={p.rate}
            data-bytes={p.bytesMean}
            data-agreement={p.agreement}
          />
        ))}
      </svg>
      <table className="text-xs">
        <thead>
          <tr className="text-left">
            <th className="pr-3">Level</th>
            <th className="pr-3">Bytes (mean)</th>
            <th className="pr-3">{task === "detection" ? "Detections found again" : "Agreement"}</th>
            <th>Done after</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((p) => (
            <tr key={p.rate}>
              <td className="pr-3">r{p.rate}</td>
              <td className="pr-3">{formatInt(Math.round(p.bytesMean))}</td>
              <td className="pr-3">{formatFixed(p.agreement * 100, 1)} %</td>
              <td>{formatFixed(p.seconds, 1)} s</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

"use client";

import type { RdMetric, RdSeries } from "@/lib/view/rd-series";
import type { LiveCurve } from "./rd-chart";

const cell = "border-b border-zinc-200 px-2 py-1 text-left dark:border-zinc-800";

function formatY(metric: RdMetric, y: number): string {
  return metric === "accuracy" ? `${(y * 100).toFixed(2)} %` : y.toExponential(2);
}

/**
 * The RD chart's numbers as tables, for screen readers and for anyone who wants the figures: the dataset's
 * series, then this input's curves, each level with a button that selects it (the keyboard's way to do what a
 * click on a point does).
 */
export function RdTable({
  series,
  curves,
  yName,
  liveQuality,
  metric,
  onPick,
}: {
  series: RdSeries[];
  curves: LiveCurve[];
  yName: string;
  liveQuality: string;
  metric: RdMetric;
  onPick: ((split: string, rate: string) => void) | null;
}) {
  return (
    <details className="text-sm">
      <summary className="cursor-pointer font-medium">Show the data as a table</summary>
      <div className="mt-2 space-y-4 overflow-x-auto">
        <table className="min-w-full border-collapse text-xs" data-testid="rd-table">
          <caption className="py-1 text-left font-medium">Means over the held-out images</caption>
          <thead>
            <tr>
              <th scope="col" className={cell}>
                Series
              </th>
              <th scope="col" className={cell}>
                Point
              </th>
              <th scope="col" className={cell}>
                Bytes per image
              </th>
              <th scope="col" className={cell}>
                {yName}
              </th>
            </tr>
          </thead>
          <tbody>
            {series.flatMap((s) =>
              s.points.map((p, i) => (
                <tr key={`${s.method}-${i}`}>
                  <th scope="row" className={`${cell} font-normal`}>
                    {s.name}
                  </th>
                  <td className={cell}>{p.label}</td>
                  <td className={cell}>{Math.round(p.bytes)}</td>
                  <td className={cell}>{formatY(metric, p.y)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
        {curves.length ? (
          <table className="min-w-full border-collapse text-xs" data-testid="live-curve-table">
            <caption className="py-1 text-left font-medium">This input, every rate level run on it</caption>
            <thead>
              <tr>
                {["Split", "Level", "λ", "Bytes", liveQuality, "Answer", "Feature MSE", "Feature PSNR", ""].map((h) => (
                  <th key={h} scope="col" className={cell}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {curves.flatMap((c) =>
                c.points.map((l) => (
                  <tr key={`${c.split}-${l.rate}`}>
                    <th scope="row" className={`${cell} font-normal`}>
                      {c.splitLabel}
                    </th>
                    <td className={cell}>{l.rate}</td>
                    <td className={cell}>{l.lambda.toPrecision(3)}</td>
                    <td className={cell}>{l.bytes}</td>
                    <td className={cell}>{l.agreement === null ? "n/a" : `${(l.agreement * 100).toFixed(1)} %`}</td>
                    <td className={cell}>{l.answer}</td>
                    <td className={cell}>{l.featureMse.toExponential(2)}</td>
                    <td className={cell}>{l.featurePsnr.toFixed(1)} dB</td>
                    <td className={cell}>
                      {onPick ? (
                        <button type="button" className="font-medium text-sky-700 underline dark:text-sky-300" onClick={() => onPick(c.split, l.rate)}>
                          Select {c.split} {l.rate}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        ) : null}
      </div>
    </details>
  );
}

"use client";
import type { SplitPoint } from "@/lib/models/manifest";

/**
 * Where a fitted unit spends its bits: per cut tensor, the latent channels each level keeps. With task-aware
 * allocation (the detector) the tensors the tail reads most keep the most components.
 */
export function FitAllocation({ split, task }: { split: SplitPoint; task: "classification" | "detection" }) {
  return (
    <div className="space-y-1">
      <table className="text-xs" data-testid="fit-allocation">
        <caption className="text-left font-medium">Latent channels each level keeps</caption>
        <thead>
          <tr className="text-left">
            <th className="pr-3">Cut tensor</th>
            {split.rates.map((r) => (
              <th key={r.id} className="pr-3">
                {r.id}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {split.tensors.map((t, i) => (
            <tr key={t.node}>
              <td className="pr-3">
                {t.label ?? t.node} ({t.shape.join(" × ")})
              </td>
              {split.rates.map((r) => (
                <td key={r.id} className="pr-3" data-tensor={i} data-rate={r.index} data-channels={r.units[i].latentShape[2]}>
                  {r.units[i].latentShape[2]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {task === "detection" ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          The fit measured how much the detection head&apos;s heatmap moves when each component of each tensor is disturbed, and scaled each component by that
          sensitivity before one quantizer step: components the head barely reads round to zero and are not sent.
        </p>
      ) : null}
    </div>
  );
}

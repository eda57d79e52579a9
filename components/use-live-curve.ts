"use client";

import { useMemo } from "react";
import type { PlaygroundController, PlaygroundState } from "@/lib/view/playground-controller";
import { livePoints } from "@/lib/view/live-rd";
import type { ModelManifest } from "@/lib/models/manifest";
import type { LiveCurveControls } from "./rd-chart";
import type { CustomChoice } from "./use-playground";

/**
 * This input's RD curves as the chart takes them: the controller's run-levels answers for the current input made
 * into points, the chart's split first, and the two things one can do with them.
 */
export function useLiveCurve(
  state: PlaygroundState<CustomChoice>,
  controller: PlaygroundController<CustomChoice>,
  manifest: ModelManifest,
  split: string,
): LiveCurveControls | null {
  const { curves, curvesRunning, curveProblem, input } = state;
  return useMemo(() => {
    if (!input || input.model !== manifest.id) return null;
    const mine = curves && curves.pixels === input.pixels && curves.model === manifest.id ? curves : null;
    const list = manifest.splits.flatMap((s) => {
      const r = mine?.bySplit[s.index];
      return r ? [{ split: s.id, splitLabel: s.label, points: livePoints(manifest, r) }] : [];
    });
    list.sort((a, b) => Number(b.split === split) - Number(a.split === split));
    return {
      curves: list,
      running: curvesRunning ? (manifest.splits[curvesRunning.split]?.id ?? "") : "",
      complete: list.length === manifest.splits.length,
      problem: curveProblem,
      onRunEverySplit: controller.runEverySplit,
      onPick: (s: string, rate: string) => controller.change(s === split ? { rate } : { split: s, rate }),
    };
  }, [curves, curvesRunning, curveProblem, input, manifest, split, controller]);
}

"use client";
/**
 * "Fit a unit here": pick any layer, fit a bottleneck unit there in the worker on the gallery's images (and any the
 * visitor adds), watch each phase and each rate level arrive, cancel; the unit then joins the split points above
 * (bitstream, decode panel) and can be downloaded as one file and loaded back.
 */
import { useEffect, useRef, useState } from "react";
import type { ListedCut } from "@/lib/models/cuts";
import type { ModelManifest } from "@/lib/models/manifest";
import type { PlaygroundController } from "@/lib/view/playground-controller";
import type { FitPoint, FittedResult } from "@/lib/worker/fit-protocol";
import type { Progress } from "@/lib/worker/playground-protocol";
import { ErrorMessage } from "./error-message";
import { FitAllocation } from "./fit-allocation";
import { FitCurve } from "./fit-curve";
import { formatFixed } from "./format";
import { LayerPicker } from "./layer-picker";
import { readImageFile } from "./read-image-file";

type Job =
  | { kind: "idle" }
  | { kind: "running"; started: number; progress: Progress | null; points: FitPoint[] }
  | { kind: "done"; result: FittedResult; points: FitPoint[] }
  | { kind: "stopped"; message: string; points: FitPoint[] };

const button =
  "rounded-md border border-zinc-300 px-3 py-1 text-sm font-medium hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800";

function unitFileName(r: FittedResult): string {
  return `splitscope-unit-${r.model}-${r.split.tensors.map((t) => t.node.replace(/[^A-Za-z0-9_-]+/g, "_")).join("+")}-${r.unitId}.json`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function FitPanel({ controller, manifest, ready }: { controller: PlaygroundController<any>; manifest: ModelManifest; ready: boolean }) {
  const model = manifest.id;
  const [cuts, setCuts] = useState<{ model: string; list: ListedCut[] } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [layer, setLayer] = useState("");
  const [extra, setExtra] = useState<Uint8Array[]>([]);
  const [job, setJob] = useState<Job>({ kind: "idle" });
  const [now, setNow] = useState(0);
  const running = job.kind === "running";
  /** Whether a fit of this panel is under way: leaving the page (or the model: the panel is keyed by it) cancels it. */
  const fitting = useRef(false);

  // Listing the detector's layers runs it once (to measure their shapes): only when asked, not on every page load.
  const listLayers = async () => {
    setProblem(null);
    const out = await controller.request("cuts", { model });
    if (!out.ok) return setProblem(out.error.message);
    setCuts({ model, list: out.value.cuts });
    setLayer(out.value.cuts.find((c) => !c.prepared)?.id ?? out.value.cuts[0]?.id ?? "");
  };

  // Leaving the page (or the model: the panel is keyed by it) cancels a fit under way.
  useEffect(
    () => () => {
      if (fitting.current) void controller.request("cancel-fit", {});
    },
    [controller],
  );

  // Elapsed time while a fit runs.
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(t);
  }, [running]);

  const fit = async () => {
    setProblem(null);
    const started = performance.now();
    setJob({ kind: "running", started, progress: null, points: [] });
    const points: FitPoint[] = [];
    let images: Uint8Array[];
    try {
      images = [...(await controller.galleryPixels()), ...extra].map((p) => p.slice());
    } catch (e) {
      setJob({ kind: "stopped", message: `The gallery images could not be read: ${e instanceof Error ? e.message : String(e)}`, points });
      return;
    }
    fitting.current = true;
    const out = await controller.request("fit", { model, cut: layer, images }, (p) => {
      if (p.fit?.point) points.push(p.fit.point);
      setJob((j) => (j.kind === "running" && j.started === started ? { ...j, progress: p, points: [...points] } : j));
    });
    fitting.current = false;
    if (!out.ok) {
      setJob({ kind: "stopped", message: out.error.code === "cancelled" ? "Cancelled." : out.error.message, points });
      return;
    }
    setJob({ kind: "done", result: out.value, points: out.value.points });
    controller.addSplit(out.value.split);
  };

  const addImages = async (files: FileList | null) => {
    if (!files) return;
    const read: Uint8Array[] = [];
    for (const f of Array.from(files)) {
      const r = await readImageFile(f, manifest.input, manifest.input.channels === 1 ? "fit" : "stretch");
      if (!r.ok) return setProblem(`${f.name}: ${r.message}`);
      read.push(r.pixels);
    }
    setProblem(null);
    setExtra((e) => [...e, ...read]);
  };

  const loadUnit = async (file: File | undefined) => {
    if (!file) return;
    setProblem(null);
    const out = await controller.request("load-unit", { model, text: await file.text() });
    if (!out.ok) return setProblem(`${file.name}: ${out.error.message}`);
    setJob({ kind: "done", result: out.value, points: out.value.points });
    controller.addSplit(out.value.split);
  };

  const download = (r: FittedResult) => {
    const url = URL.createObjectURL(new Blob([r.file], { type: "application/json" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = unitFileName(r);
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  const list = cuts?.model === model ? cuts.list : null;
  const chosen = list?.find((c) => c.id === layer);
  const progress = job.kind === "running" ? job.progress : null;
  const fp = progress?.fit?.progress;
  const points = job.kind === "idle" ? [] : job.points;
  return (
    <div className="space-y-3">
      {!ready ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">The layers can be listed once the model has loaded…</p>
      ) : !list ? (
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <button type="button" className={button} onClick={() => void listLayers()}>
            List every layer
          </button>
          <span>Cut the model anywhere and fit a bottleneck unit there, in this page, on the gallery&apos;s images and yours.</span>
        </div>
      ) : (
        <>
          <LayerPicker cuts={list} value={layer} onChange={setLayer} disabled={running} />
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <label className="space-x-2">
              <span>Add your images</span>
              <input type="file" accept="image/*" multiple disabled={running} onChange={(e) => void addImages(e.target.files)} className="text-xs" />
            </label>
            <span>Fits on the gallery&apos;s images{extra.length > 0 ? ` and ${extra.length} of yours` : ""}.</span>
          </div>
          <div className="flex flex-wrap items-center gap-3">
            <button type="button" className={button} disabled={running || !chosen} onClick={() => void fit()}>
              Fit a unit here
            </button>
            {running ? (
              <button type="button" className={button} onClick={() => void controller.request("cancel-fit", {})}>
                Cancel
              </button>
            ) : null}
            <label className={`${button} cursor-pointer`}>
              Load unit
              <input type="file" accept="application/json,.json" className="sr-only" disabled={running} onChange={(e) => void loadUnit(e.target.files?.[0])} />
            </label>
            {job.kind === "done" ? (
              <button type="button" className={button} onClick={() => download(job.result)}>
                Download unit
              </button>
            ) : null}
          </div>
        </>
      )}
      {job.kind === "running" ? (
        <div className="space-y-1 text-sm" aria-live="polite">
          <progress className="w-full" max={1} value={progress?.fraction ?? 0} aria-label="Fit progress" />
          <p data-testid="fit-phase">
            {progress ? progress.what : "reading the images"}
            {fp && fp.rateIndex !== null ? ` · level r${fp.rateIndex}` : ""}
            {fp && fp.tensors > 1 ? ` · tensor ${fp.tensor + 1} of ${fp.tensors}` : ""} ·{" "}
            {formatFixed(Math.max(0, now - job.started, progress?.fit?.elapsedMs ?? 0) / 1000, 1)} s
          </p>
        </div>
      ) : null}
      {job.kind === "stopped" ? <p className="text-sm">{job.message}</p> : null}
      {job.kind === "done" ? (
        <p className="text-sm" data-testid="fit-done">
          Unit {job.result.unitId} at {job.result.split.tensors.map((t) => t.node).join(" + ")}, fitted on {job.result.images} images
          {job.result.seconds > 0 ? ` in ${formatFixed(job.result.seconds, 1)} s` : ""}: now the split point &ldquo;{job.result.split.label}&rdquo; above.
          Worker tensors: {job.result.tensors.before} before, {job.result.tensors.after} after ({job.result.tensors.unit} of them the unit&apos;s).
        </p>
      ) : null}
      {job.kind === "done" ? <FitAllocation split={job.result.split} task={manifest.task} /> : null}
      <FitCurve points={points} task={manifest.task} />
      {points.length > 0 ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          Each point: every image the unit was fitted on, through real bitstreams (their mean size) and the real tail (how often it agrees with the unsplit
          model). Measured on the fitting images themselves, so it flatters the unit; the prepared units&apos; curve above is on held-out images.
        </p>
      ) : null}
      {problem ? <ErrorMessage message={problem} /> : null}
    </div>
  );
}

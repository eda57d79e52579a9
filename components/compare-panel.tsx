"use client";

import { useEffect, useId, useState } from "react";
import type { ModelManifest } from "@/lib/models/manifest";
import { mse, psnr } from "@/lib/metrics/summary";
import type { Outcome } from "@/lib/worker/protocol";
import type { JpegRunResult, PlainTensor, RunResult } from "@/lib/worker/playground-protocol";
import { pixelsToInput } from "@/lib/view/samples";
import { DetectionView } from "./detection-view";
import { formatInt } from "./format";
import { PredictionView } from "./prediction-view";
import { ReconstructionView } from "./reconstruction-view";

/** A side of the comparison: a split point at a rate level, or the input image sent as a JPEG. */
export type CompareSetting = { kind: "split"; split: string; rate: string } | { kind: "jpeg" };

type SideResult = { kind: "split"; run: RunResult } | { kind: "jpeg"; run: JpegRunResult };
type SideState = { status: "idle" } | { status: "running" } | { status: "done"; result: SideResult } | { status: "failed"; message: string };

const JPEG = "jpeg";

/** The input's pixels as the model's input values, channels-last (to compare an image with its decoded JPEG). */
function asTensor(pixels: Uint8Array, manifest: ModelManifest): PlainTensor {
  const { height, width, channels } = manifest.input;
  return { data: pixelsToInput(pixels, manifest.input), shape: [height, width, channels] };
}

function settingName(manifest: ModelManifest, s: CompareSetting, quality: number | null): string {
  if (s.kind === "jpeg") return `the image as JPEG (quality ${quality ?? "?"})`;
  const split = manifest.splits.find((x) => x.id === s.split);
  return `${split?.label ?? s.split}, level ${s.rate}`;
}

function SettingPicker({
  side,
  manifest,
  value,
  onChange,
  jpegReady,
}: {
  side: string;
  manifest: ModelManifest;
  value: CompareSetting;
  onChange: (s: CompareSetting) => void;
  jpegReady: boolean;
}) {
  const id = useId();
  const split = value.kind === "split" ? manifest.splits.find((s) => s.id === value.split) : undefined;
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <label htmlFor={`${id}-what`} className="font-medium">
        {side}: what is sent
      </label>
      <select
        id={`${id}-what`}
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
        value={value.kind === "jpeg" ? JPEG : value.split}
        onChange={(e) => {
          const v = e.target.value;
          if (v === JPEG) return onChange({ kind: "jpeg" });
          const s = manifest.splits.find((x) => x.id === v)!;
          const keep = value.kind === "split" && s.rates.some((r) => r.id === value.rate) ? value.rate : s.rates[0].id;
          onChange({ kind: "split", split: v, rate: keep });
        }}
      >
        {manifest.splits.map((s) => (
          <option key={s.id} value={s.id}>
            {s.label}
          </option>
        ))}
        <option value={JPEG} disabled={!jpegReady}>
          Send the image as JPEG
        </option>
      </select>
      {split && value.kind === "split" ? (
        <>
          <label htmlFor={`${id}-rate`} className="font-medium">
            {side}: level
          </label>
          <select
            id={`${id}-rate`}
            className="rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
            value={value.rate}
            onChange={(e) => onChange({ ...value, rate: e.target.value })}
          >
            {split.rates.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id} (λ {r.lambda.toPrecision(2)})
              </option>
            ))}
          </select>
        </>
      ) : null}
    </div>
  );
}

function SideView({ manifest, state, name, pixels }: { manifest: ModelManifest; state: SideState; name: string; pixels: Uint8Array }) {
  if (state.status === "idle") return null;
  if (state.status === "running") return <p className="text-sm text-zinc-700 dark:text-zinc-300">Running {name}…</p>;
  if (state.status === "failed") return <p className="text-sm text-red-700 dark:text-red-300">{state.message}</p>;
  const r = state.result;
  const detection = manifest.task === "detection";
  const jpeg = r.kind === "jpeg";
  const bytes = jpeg ? r.run.bytes : r.run.bitstream.length;
  const split = jpeg ? r.run.prediction : r.run.prediction.split;
  const unsplit = jpeg ? r.run.unsplit : r.run.prediction.unsplit;
  const splitTitle = jpeg ? "Whole model on the decoded JPEG" : "Split model (decoded bitstream)";
  const original = jpeg ? asTensor(pixels, manifest) : r.run.features?.[0];
  const decoded = jpeg ? asTensor(r.run.decoded, manifest) : r.run.reconstruction;
  const distortion = jpeg
    ? { mse: mse(original!.data, decoded.data), psnr: psnr(original!.data, decoded.data) }
    : { mse: r.run.featureMse, psnr: r.run.featurePsnr };
  return (
    <div className="space-y-3">
      <p className="text-sm">
        <span className="font-medium">Bytes sent: </span>
        <span className="font-mono text-lg" data-testid="compare-bytes" data-value={bytes}>
          {formatInt(bytes)}
        </span>
        {jpeg ? " (the JPEG file)" : " (the whole bitstream)"}
      </p>
      {detection ? (
        <DetectionView
          split={split.detections}
          unsplit={unsplit.detections}
          classes={manifest.classes}
          pixels={jpeg ? r.run.decoded : pixels}
          input={manifest.input}
          splitTitle={splitTitle}
        />
      ) : (
        <PredictionView split={split.probs} unsplit={unsplit.probs} classes={manifest.classes} splitTitle={splitTitle} />
      )}
      {original ? (
        <ReconstructionView
          original={original}
          decoded={decoded}
          mse={distortion.mse}
          psnr={distortion.psnr}
          names={jpeg ? { sent: "Sent (the input image)", decoded: "Decoded JPEG", mse: "Pixel MSE" } : undefined}
        />
      ) : null}
    </div>
  );
}

/**
 * Two settings side by side on the current input, each from its own real run in the worker (its own channel, so
 * the two never drop each other, nor the main view's run): bytes, prediction, reconstruction and error map.
 * Results appear once "Compare" is pressed; then a new input or a changed side runs again. The page keys it by
 * model, so another model (other split points) starts it afresh.
 */
export function ComparePanel({
  manifest,
  pixels,
  split,
  jpegQuality,
  runSetting,
  runJpeg,
}: {
  manifest: ModelManifest;
  /** The current input; null until it is read. */
  pixels: Uint8Array | null;
  /** The page's split point (the default of both sides). */
  split: string;
  /** The JPEG quality the worker uses for "send the image", once a run has said it. */
  jpegQuality: number | null;
  runSetting: (side: string, split: number, rate: number) => Promise<Outcome<RunResult>>;
  runJpeg: (side: string, quality: number) => Promise<Outcome<JpegRunResult>>;
}) {
  const here = manifest.splits.find((s) => s.id === split) ?? manifest.splits[0];
  const [settings, setSettings] = useState<[CompareSetting, CompareSetting]>(() => [
    { kind: "split", split: here.id, rate: here.rates[0].id },
    { kind: "split", split: here.id, rate: here.rates.at(-1)!.id },
  ]);
  const [on, setOn] = useState(false);
  const [states, setStates] = useState<[SideState, SideState]>([{ status: "idle" }, { status: "idle" }]);

  useEffect(() => {
    if (!on || !pixels) return;
    let live = true;
    settings.forEach((s, i) => {
      const side = i === 0 ? "left" : "right";
      const put = (st: SideState) => live && setStates((prev) => (i === 0 ? [st, prev[1]] : [prev[0], st]));
      put({ status: "running" });
      const request =
        s.kind === "jpeg"
          ? jpegQuality === null
            ? Promise.resolve<Outcome<JpegRunResult>>({ ok: false, error: { code: "bad-request", message: "The JPEG quality is not known yet." } })
            : runJpeg(side, jpegQuality)
          : (() => {
              const sp = manifest.splits.find((x) => x.id === s.split);
              const rate = sp?.rates.find((r) => r.id === s.rate);
              return sp && rate
                ? runSetting(side, sp.index, rate.index)
                : Promise.resolve<Outcome<RunResult>>({ ok: false, error: { code: "bad-request", message: "No such setting." } });
            })();
      void (request as Promise<Outcome<RunResult | JpegRunResult>>).then((out) => {
        if (!out.ok) {
          if (out.error.code !== "stale" && out.error.code !== "cancelled") put({ status: "failed", message: out.error.message });
          return;
        }
        put({ status: "done", result: s.kind === "jpeg" ? { kind: "jpeg", run: out.value as JpegRunResult } : { kind: "split", run: out.value as RunResult } });
      });
    });
    return () => {
      live = false;
    };
  }, [on, pixels, settings, manifest, jpegQuality, runSetting, runJpeg]);

  const names = settings.map((s) => settingName(manifest, s, jpegQuality));
  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        Two settings on this input, each run for real: two rate levels, two split points, or a split against sending the image itself as a JPEG.
      </p>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        {settings.map((s, i) => (
          <div
            key={i}
            className="min-w-0 space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
            data-testid={`compare-side-${i === 0 ? "left" : "right"}`}
          >
            <SettingPicker
              side={i === 0 ? "Left" : "Right"}
              manifest={manifest}
              value={s}
              jpegReady={jpegQuality !== null}
              onChange={(v) => setSettings((prev) => (i === 0 ? [v, prev[1]] : [prev[0], v]))}
            />
            <h3 className="text-sm font-semibold">{names[i]}</h3>
            {pixels ? <SideView manifest={manifest} state={states[i]} name={names[i]} pixels={pixels} /> : null}
          </div>
        ))}
      </div>
      {on ? null : (
        <button
          type="button"
          className="rounded-md bg-sky-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-60"
          onClick={() => setOn(true)}
          disabled={!pixels}
        >
          Compare
        </button>
      )}
    </div>
  );
}

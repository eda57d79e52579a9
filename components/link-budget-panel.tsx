"use client";

import { useEffect, useId, useState } from "react";
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ModelManifest } from "@/lib/models/manifest";
import type { RdFile } from "@/lib/metrics/rd-schema";
import type { Curves } from "@/lib/view/playground-controller";
import { linkBudget, linkProblem, type Cost, type LinkParams } from "@/lib/view/link-budget";
import type { Outcome } from "@/lib/worker/protocol";
import type { JpegRunResult } from "@/lib/worker/playground-protocol";

const FIELDS = [
  { key: "uplinkKbps", label: "Uplink (kbit/s)", initial: "1000", step: "any" },
  { key: "roundTripMs", label: "Round trip (ms)", initial: "40", step: "any" },
  { key: "deviceSpeed", label: "Device speed (× this browser)", initial: "1", step: "any" },
  { key: "serverSpeed", label: "Server speed (× this browser)", initial: "1", step: "any" },
] as const;

const STAGES = [
  { key: "device", name: "device compute", color: "#0369a1" },
  { key: "transmission", name: "on the wire", color: "#b45309" },
  { key: "roundTrip", name: "round trip", color: "#71717a" },
  { key: "server", name: "server compute", color: "#15803d" },
] as const;

const ms = (v: number) => (v >= 100 ? `${Math.round(v).toLocaleString("en-US")} ms` : `${v.toPrecision(3)} ms`);

/**
 * For every split point: device compute + transmission + round trip + server compute on a link the reader sets
 * (lib/view/link-budget.ts), from the stage times measured in this browser for this input (the curves' runs at the
 * page's rate level index), beside sending the image and running everything on the device.
 */
export function LinkBudgetPanel({
  manifest,
  rd,
  curves,
  rateIndex,
  pixels,
  jpegQuality,
  runJpeg,
  onRunEverySplit,
  running,
}: {
  manifest: ModelManifest;
  rd: RdFile | null;
  /** This input's curves (stage times and bytes per split and level). */
  curves: Curves | null;
  /** Which level of each split: the page's rate level index (clamped to a split's levels). */
  rateIndex: number;
  pixels: Uint8Array | null;
  jpegQuality: number | null;
  runJpeg: (side: string, quality: number) => Promise<Outcome<JpegRunResult>>;
  onRunEverySplit: () => void;
  running: boolean;
}) {
  const id = useId();
  const [raw, setRaw] = useState<Record<(typeof FIELDS)[number]["key"], string>>(
    () => Object.fromEntries(FIELDS.map((f) => [f.key, f.initial])) as Record<(typeof FIELDS)[number]["key"], string>,
  );
  const parsed: LinkParams = {
    uplinkKbps: Number(raw.uplinkKbps),
    roundTripMs: Number(raw.roundTripMs),
    deviceSpeed: Number(raw.deviceSpeed),
    serverSpeed: Number(raw.serverSpeed),
  };
  const problem = linkProblem(parsed);
  // A bad figure gets its sentence and changes nothing: the last good link stays drawn.
  const [good, setGood] = useState<LinkParams>(parsed);
  if (!problem && JSON.stringify(parsed) !== JSON.stringify(good)) setGood(parsed);

  const mine = curves && pixels && curves.pixels === pixels ? curves : null;
  const missing = manifest.splits.filter((s) => !mine?.bySplit[s.index]);
  const measured = missing.length === 0;

  // Sending the image: this input as a JPEG at the worker's quality, encoded, decoded and run through the model;
  // asked for once every split is measured (the budget is drawn then), not on every input the page shows.
  const [jpeg, setJpeg] = useState<{ pixels: Uint8Array; run: JpegRunResult } | null>(null);
  useEffect(() => {
    if (!pixels || jpegQuality === null || !measured) return;
    let live = true;
    void runJpeg("link", jpegQuality).then((out) => {
      if (live && out.ok) setJpeg({ pixels, run: out.value });
    });
    return () => {
      live = false;
    };
  }, [pixels, jpegQuality, runJpeg, measured]);

  const splitCosts: Cost[] = manifest.splits.flatMap((s) => {
    const r = mine?.bySplit[s.index];
    const level = r?.levels[Math.min(rateIndex, r.levels.length - 1)];
    if (!level) return [];
    const t = level.ms;
    return [
      { id: s.id, name: s.label, bytes: level.bytes, deviceMs: t.head + t.buEncoder + t.entropyEncode, serverMs: t.entropyDecode + t.buDecoder + t.tail },
    ];
  });
  // The whole model on the device: head + tail, the same computation as unsplit, at each measured split (their
  // mean), so that it is timed on warm kernels like the splits it is compared with.
  const wholeMs = splitCosts.length
    ? manifest.splits.reduce((sum, s) => {
        const r = mine?.bySplit[s.index];
        const level = r?.levels[Math.min(rateIndex, r.levels.length - 1)];
        return level ? sum + level.ms.head + level.ms.tail : sum;
      }, 0) / splitCosts.length
    : null;
  const j = jpeg && jpeg.pixels === pixels ? jpeg.run : null;
  const webp = j && rd ? rd.points.find((p) => p.method === "input-webp" && p.param === j.quality) : undefined;
  const references: Cost[] = [
    ...(j ? [{ id: "jpeg", name: `Send the image (JPEG, ${j.bytes} bytes)`, bytes: j.bytes, deviceMs: j.ms.encode, serverMs: j.ms.decode + j.ms.model }] : []),
    // WebP has no encoder in the page: its size is the dataset's mean at the same quality (public/rd), its coding
    // times the JPEG's.
    ...(j && webp
      ? [
          {
            id: "webp",
            name: `Send the image (WebP, mean ${Math.round(webp.bytesMean)} bytes)`,
            bytes: webp.bytesMean,
            deviceMs: j.ms.encode,
            serverMs: j.ms.decode + j.ms.model,
          },
        ]
      : []),
    ...(wholeMs !== null ? [{ id: "device", name: "All on the device", bytes: 0, deviceMs: wholeMs, serverMs: 0 }] : []),
  ];
  const budget = linkBudget(splitCosts, references, good);
  const best = budget.best;
  const refColor: Record<string, string> = { jpeg: "#7c3aed", webp: "#0d9488", device: "#be123c" };

  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-700 dark:text-zinc-300">
        End-to-end latency per split point: device compute (head + BU encoder + entropy coding) ÷ device speed + bytes × 8 ÷ uplink + round trip + server
        compute (entropy decoding + BU decoder + tail) ÷ server speed. Compute times are the ones measured in this browser on this input (a head timed during
        its split&apos;s first run, kernel setup included, is timed again), at rate level index {rateIndex} of each split.
      </p>
      <div className="flex flex-wrap gap-4 text-sm">
        {FIELDS.map((f) => (
          <div key={f.key} className="flex flex-col gap-1">
            <label htmlFor={`${id}-${f.key}`} className="font-medium">
              {f.label}
            </label>
            <input
              id={`${id}-${f.key}`}
              type="number"
              inputMode="decimal"
              step={f.step}
              min={0}
              value={raw[f.key]}
              onChange={(e) => setRaw((r) => ({ ...r, [f.key]: e.target.value }))}
              className="w-36 rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
            />
          </div>
        ))}
      </div>
      {problem ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {problem} The chart keeps the last figures that worked.
        </p>
      ) : null}
      {missing.length ? (
        <p className="flex flex-wrap items-center gap-3 text-sm text-zinc-700 dark:text-zinc-300">
          {running ? "Measuring the split points on this input…" : `Not yet run on this input: ${missing.map((s) => s.label).join(", ")}.`}
          <button
            type="button"
            className="rounded-md border border-zinc-300 px-3 py-1 font-medium hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
            onClick={onRunEverySplit}
            disabled={running || !pixels}
          >
            Measure every split
          </button>
        </p>
      ) : null}
      {best && measured ? (
        <p className="text-sm" data-testid="best-split" data-split={best.id} aria-live="polite">
          For this link the best split is <strong>{best.name}</strong>: {ms(best.total)} end to end ({ms(best.device)} on the device, {ms(best.transmission)} on
          the wire, {ms(best.roundTrip)} round trip, {ms(best.server)} on the server)
          {budget.beatenBy ? `; ${budget.beatenBy.name.replace(/ \(.*\)$/, "").toLowerCase()} would be faster still, ${ms(budget.beatenBy.total)}.` : "."}
        </p>
      ) : null}
      {budget.splits.length ? (
        <div
          className="h-72 w-full text-zinc-700 dark:text-zinc-300"
          data-testid="link-budget-chart"
          role="img"
          aria-label="End-to-end latency of each split, stacked by stage"
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={budget.splits} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
              <CartesianGrid strokeOpacity={0.3} />
              <XAxis dataKey="name" tick={{ fill: "currentColor" }} fontSize={11} interval={0} />
              <YAxis tick={{ fill: "currentColor" }} fontSize={11} width={64} tickFormatter={(v: number) => ms(v)} />
              <Tooltip formatter={(v) => (typeof v === "number" ? ms(v) : String(v))} />
              {STAGES.map((s) => (
                <Bar key={s.key} dataKey={s.key} name={s.name} stackId="t" fill={s.color} isAnimationActive={false}>
                  {budget.splits.map((row) => (
                    <Cell key={row.id} fillOpacity={row.id === best?.id ? 1 : 0.45} />
                  ))}
                </Bar>
              ))}
              {budget.references.map((r) => (
                <ReferenceLine
                  key={r.id}
                  y={r.total}
                  stroke={refColor[r.id]}
                  strokeDasharray="5 3"
                  label={{ value: `${r.name.replace(/ \(.*\)$/, "")}: ${ms(r.total)}`, fill: "currentColor", fontSize: 11, position: "insideTopRight" }}
                />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </div>
      ) : null}
      {budget.splits.length ? (
        <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs" aria-label="Legend of the latency chart">
          {STAGES.map((s) => (
            <li key={s.key} className="flex items-center gap-1.5">
              <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: s.color }} aria-hidden />
              {s.name}
            </li>
          ))}
          {budget.references.map((r) => (
            <li key={r.id} className="flex items-center gap-1.5" data-testid={`link-reference-${r.id}`} data-total={r.total}>
              <span className="inline-block h-0.5 w-4" style={{ background: refColor[r.id] }} aria-hidden />
              {r.name}: {ms(r.total)}
            </li>
          ))}
          <li>the best split drawn solid</li>
        </ul>
      ) : null}
      {budget.splits.length ? (
        // A table does not shrink to sr-only's 1 px; its wrapper does.
        <div className="sr-only">
          <table>
            <caption>End-to-end latency of each split</caption>
            <thead>
              <tr>
                <th scope="col">Split</th>
                <th scope="col">Bytes</th>
                {STAGES.map((s) => (
                  <th key={s.key} scope="col">
                    {s.name}
                  </th>
                ))}
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {budget.splits.map((r, i) => (
                <tr key={r.id}>
                  <th scope="row">{r.name}</th>
                  <td>{splitCosts[i].bytes}</td>
                  {STAGES.map((s) => (
                    <td key={s.key}>{ms(r[s.key])}</td>
                  ))}
                  <td>{ms(r.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {webp ? (
        <p className="text-xs text-zinc-700 dark:text-zinc-300">
          The page has no WebP encoder: the WebP line uses the dataset&apos;s mean WebP size at quality {webp.param} ({rd?.generatedBy.command}) and this
          input&apos;s JPEG coding times.
        </p>
      ) : null}
    </div>
  );
}

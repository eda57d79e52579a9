"use client";

import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { ModelManifest } from "@/lib/models/manifest";
import { pixelsToInput, type Sample } from "@/lib/view/samples";
import { rdPointOf } from "@/lib/view/rd-series";
import { readSettings, settingsToSearch, type ViewSettings } from "@/lib/view/url-state";
import type { InitResult } from "@/lib/worker/protocol";
import type { Progress, RunResult } from "@/lib/worker/playground-protocol";
import { BackendStatus } from "./backend-status";
import { BitstreamPanel } from "./bitstream-panel";
import { DecodePanel } from "./decode-panel";
import { DetectionView } from "./detection-view";
import { ErrorMessage } from "./error-message";
import { FeatureGrid } from "./feature-grid";
import { formatFixed, formatInt } from "./format";
import { InputPanel, type InputChoice } from "./input-panel";
import { LatentView } from "./latent-view";
import { PixelImage } from "./pixel-image";
import { PlaygroundControls } from "./playground-controls";
import { PredictionView, topK } from "./prediction-view";
import { RdChart } from "./rd-chart";
import { ReconstructionView } from "./reconstruction-view";
import { SplitShare } from "./split-share";
import { TimingBar } from "./timing-bar";
import { useModelFiles, useRegistry } from "./use-model-files";
import { useSplitscopeWorker } from "./use-worker";
import { readSampleImage } from "./read-image-file";
import { Credits } from "./credits";

/** Fills in what the address lacks or gets wrong with the model's defaults: the middle split and rate. */
function resolve(req: Partial<ViewSettings>, model: string, m: ModelManifest, samples: Sample[], custom: InputChoice | null): ViewSettings {
  const split = m.splits.find((s) => s.id === req.split) ?? m.splits[Math.floor((m.splits.length - 1) / 2)];
  const rate = split.rates.find((r) => r.id === req.rate) ?? split.rates[Math.floor((split.rates.length - 1) / 2)];
  const customOk = custom !== null && req.sample === custom.kind;
  const sample = customOk ? req.sample! : ((samples.find((s) => s.id === req.sample) ?? samples[0])?.id ?? "");
  return { model, split: split.id, rate: rate?.id ?? "", sample, backend: req.backend ?? "auto" };
}

/** The answer in one word: the top class, or the class of the most confident detection ("none" if none). */
function topClass(r: RunResult, which: "split" | "unsplit", classes: string[]): string {
  if (r.task === "detection") {
    const d = which === "split" ? r.splitDetections : r.unsplitDetections;
    return d[0] ? (classes[d[0].cls] ?? String(d[0].cls)) : "none";
  }
  return classes[topK(which === "split" ? r.splitProbs : r.unsplitProbs, 1)[0].index];
}

function Section({ title, id, children, className = "" }: { title: string; id: string; children: ReactNode; className?: string }) {
  return (
    <section aria-labelledby={id} className={`min-w-0 space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800 ${className}`}>
      <h2 id={id} className="text-base font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

type LoadState = { kind: "idle" } | { kind: "loading"; progress: Progress | null } | { kind: "ready"; model: string } | { kind: "error"; message: string };

export function Playground() {
  const [requested, setRequested] = useState<Partial<ViewSettings> | null>(null);
  const [custom, setCustom] = useState<InputChoice | null>(null);
  const { registry, error: registryError } = useRegistry();

  // The address is read after mount (static export: no URL at build time) and again on back/forward.
  useEffect(() => {
    // The address exists only in the browser (static export), so it is read once mounted, as an external store.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- see above
    setRequested(readSettings(window.location.search));
    const onPop = () => setRequested(readSettings(window.location.search));
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);

  const entry = useMemo(() => (registry && requested ? (registry.find((e) => e.id === requested.model) ?? registry[0]) : null), [registry, requested]);
  const { files, error: filesError } = useModelFiles(entry);
  const settings = useMemo(
    () => (files && requested && entry ? resolve(requested, entry.id, files.manifest, files.samples, custom) : null),
    [files, requested, entry, custom],
  );

  // Keep the address equal to what is shown (fills in defaults without adding a history entry).
  useEffect(() => {
    if (!settings) return;
    const search = settingsToSearch(settings);
    if (window.location.search !== search) window.history.replaceState(null, "", window.location.pathname + search);
  }, [settings]);

  const change = useCallback(
    (c: Partial<ViewSettings>) => {
      if (!settings) return;
      const next = { ...settings, ...c };
      if (c.model && c.model !== settings.model) Object.assign(next, { split: "", rate: "", sample: "" });
      if (c.split && c.split !== settings.split) next.rate = "";
      window.history.pushState(null, "", window.location.pathname + settingsToSearch(next));
      setRequested(next);
    },
    [settings],
  );

  const backend = settings?.backend ?? requested?.backend ?? "auto";
  const client = useSplitscopeWorker(requested ? backend : null);
  const [init, setInit] = useState<InitResult | null>(null);
  const [load, setLoad] = useState<LoadState>({ kind: "idle" });
  const modelId = settings?.model ?? null;

  useEffect(() => {
    if (!client || !modelId) return;
    let live = true;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the load is an external process this state mirrors
    setInit(null);
    setLoad({ kind: "loading", progress: null });
    void (async () => {
      const i = await client.call("init", backend === "auto" ? {} : { backend });
      if (!live) return;
      if (!i.ok) {
        if (i.error.code !== "terminated") setLoad({ kind: "error", message: i.error.message });
        return;
      }
      setInit(i.value);
      const l = await client.call("load-model", { model: modelId }, (p) => live && setLoad({ kind: "loading", progress: p }));
      if (!live) return;
      if (l.ok) setLoad({ kind: "ready", model: modelId });
      else if (l.error.code !== "terminated") setLoad({ kind: "error", message: l.error.message });
    })();
    return () => {
      live = false;
    };
  }, [client, modelId, backend]);

  const manifest = files?.manifest ?? null;
  const splitIndex = manifest && settings ? manifest.splits.findIndex((s) => s.id === settings.split) : -1;
  const rateIndex = manifest && settings && splitIndex >= 0 ? manifest.splits[splitIndex].rates.findIndex((r) => r.id === settings.rate) : -1;

  const choice: InputChoice | null = settings ? (custom && settings.sample === custom.kind ? custom : { kind: "sample", id: settings.sample }) : null;
  // Gallery images stored as files (photos) are decoded and resized once per sample.
  const [decoded, setDecoded] = useState<{ url: string; pixels: Uint8Array } | null>(null);
  const [sampleError, setSampleError] = useState<string | null>(null);
  const sample = choice?.kind === "sample" ? files?.samples.find((s) => s.id === choice.id) : undefined;
  const sampleUrl = sample && "url" in sample ? sample.url : null;
  useEffect(() => {
    if (!sampleUrl || !files) return;
    let live = true;
    readSampleImage(sampleUrl, files.manifest.input).then(
      (p) => live && (setDecoded({ url: sampleUrl, pixels: p.pixels }), setSampleError(null)),
      (e: unknown) => live && setSampleError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [sampleUrl, files]);
  const pixels = useMemo(() => {
    if (!choice || !files) return null;
    if (choice.kind !== "sample") return choice.pixels;
    if (sample && "pixels" in sample) return sample.pixels;
    return decoded && decoded.url === sampleUrl ? decoded.pixels : null;
  }, [choice?.kind, choice?.kind === "sample" ? choice.id : choice?.pixels, files, decoded, sampleUrl]); // eslint-disable-line react-hooks/exhaustive-deps

  const [result, setResult] = useState<{ run: RunResult; pixels: Uint8Array; sample: string } | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const token = useRef(0);

  const sampleKey = settings?.sample ?? "";
  useEffect(() => {
    if (!client || !manifest || !pixels || load.kind !== "ready" || load.model !== manifest.id || splitIndex < 0 || rateIndex < 0) return;
    const mine = ++token.current;
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the run is an external process this state mirrors
    setRunning(true);
    const image = { data: pixelsToInput(pixels, manifest.input), shape: [manifest.input.height, manifest.input.width, manifest.input.channels] };
    void client.call("run", { token: mine, model: manifest.id, split: splitIndex, rate: rateIndex, image }).then((out) => {
      if (mine !== token.current) return; // a newer run owns the view
      setRunning(false);
      if (out.ok) {
        setResult({ run: out.value, pixels, sample: sampleKey });
        setRunError(null);
      } else if (out.error.code !== "stale" && out.error.code !== "terminated") setRunError(out.error.message);
    });
  }, [client, manifest, pixels, load, splitIndex, rateIndex]); // eslint-disable-line react-hooks/exhaustive-deps

  const choose = (c: InputChoice) => {
    if (c.kind === "sample") change({ sample: c.id });
    else {
      setCustom(c);
      change({ sample: c.kind });
    }
  };

  const fatal = registryError ?? filesError;
  if (fatal) return <ErrorMessage message={fatal} />;
  if (!settings || !manifest || !files || !registry) {
    return (
      <p className="text-sm text-zinc-500" aria-live="polite">
        Loading the model list…
      </p>
    );
  }

  const split = manifest.splits[splitIndex];
  const rate = split.rates[rateIndex];
  const r = result?.run ?? null;
  const current = r && result?.pixels === pixels && r.model === manifest.id && r.split === splitIndex && r.rate === rateIndex ? r : null;
  const shown = r && r.model === manifest.id ? r : null;
  const pre = files.rd ? rdPointOf(files.rd, split.id, rate.id) : null;
  const names = { model: manifest.id, split: split.id, rate: rate.id };
  const loadingNote =
    load.kind === "loading" ? (
      <div className="flex items-center gap-2 text-sm" aria-live="polite">
        <label htmlFor="model-progress">Loading {load.progress?.what ?? "the model"}</label>
        <progress id="model-progress" max={1} value={load.progress?.fraction ?? undefined} className="w-40" />
      </div>
    ) : null;

  return (
    <div className="space-y-6">
      <PlaygroundControls registry={registry} manifest={manifest} settings={settings} onChange={change} />
      <div className="flex flex-wrap items-center gap-x-6 gap-y-2">
        <BackendStatus init={init} />
        {loadingNote}
        {running ? (
          <span className="text-sm text-zinc-500" aria-live="polite">
            Running…
          </span>
        ) : null}
        {current ? (
          <span
            className="text-xs text-zinc-500"
            data-testid="live"
            data-split={split.id}
            data-rate={rate.id}
            data-sample={result?.sample}
            data-token={current.token}
            data-bytes={current.bitstream.length}
            data-split-top={topClass(current, "split", manifest.classes)}
            data-unsplit-top={topClass(current, "unsplit", manifest.classes)}
            data-num-tensors={current.numTensors}
          >
            Live result for this input · {current.numTensors} tensors alive in the worker
          </span>
        ) : null}
      </div>
      {(requested?.sample === "upload" || requested?.sample === "draw") && !custom ? (
        <p className="text-sm text-amber-700 dark:text-amber-400">
          This link was made with {requested.sample === "upload" ? "an uploaded picture" : "a drawing"}, which stays in the browser that made it; showing a
          sample instead.
        </p>
      ) : null}
      {load.kind === "error" ? <ErrorMessage message={load.message} /> : null}
      {runError ? <ErrorMessage message={runError} /> : null}
      {sampleError ? <ErrorMessage message={sampleError} /> : null}

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-3">
        <Section title="Input" id="input-title" className="lg:col-span-2">
          <InputPanel manifest={manifest} samples={files.samples} choice={choice} onChoose={choose} />
        </Section>
        <Section title="What the model sees" id="seen-title">
          {pixels ? (
            <div className="flex items-center gap-3">
              <PixelImage
                pixels={pixels}
                width={manifest.input.width}
                height={manifest.input.height}
                channels={manifest.input.channels}
                size={112}
                label="the input as the model sees it"
              />
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                {manifest.input.height} × {manifest.input.width} × {manifest.input.channels}, values {manifest.input.range[0]}–{manifest.input.range[1]}
                {choice?.kind === "sample" ? `; sample ${sample?.id} (${sample?.label})` : choice?.kind === "draw" ? "; your drawing" : "; your upload"}
              </p>
            </div>
          ) : null}
          <h3 className="pt-2 text-sm font-semibold">Where the split sits</h3>
          <SplitShare manifest={manifest} split={splitIndex} rate={rateIndex} />
        </Section>
      </div>

      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Section title="Bitstream" id="bitstream-title">
          {current ? (
            <BitstreamPanel result={current} names={names} />
          ) : pre ? (
            <div className="space-y-1 text-sm" data-testid="precomputed">
              <p>
                Precomputed for {split.label}, {rate.id} over {files.rd?.dataset.count} held-out images: {formatInt(pre.bytesMean)} bytes per image on average,
                accuracy {formatFixed(pre.accuracy * 100, 2)} %, agreement with the unsplit model {formatFixed(pre.agreement * 100, 2)} %.
              </p>
              <p className="text-xs text-zinc-500">This image&apos;s own bitstream appears as soon as the model has loaded.</p>
            </div>
          ) : (
            <p className="text-sm text-zinc-500">Waiting for the first run…</p>
          )}
        </Section>
        <Section title="Prediction" id="prediction-title">
          {!current ? (
            <p className="text-sm text-zinc-500">Waiting for the first run…</p>
          ) : current.task === "detection" ? (
            <DetectionView
              split={current.splitDetections}
              unsplit={current.unsplitDetections}
              classes={manifest.classes}
              pixels={result!.pixels}
              input={manifest.input}
            />
          ) : (
            <PredictionView split={current.splitProbs} unsplit={current.unsplitProbs} classes={manifest.classes} />
          )}
          {current ? (
            <>
              <h3 className="pt-2 text-sm font-semibold">Stage times</h3>
              <TimingBar ms={current.ms} backend={current.backend} />
            </>
          ) : null}
        </Section>
      </div>

      <Section title="Rate-distortion" id="rd-title">
        {files.rd ? (
          <RdChart rd={files.rd} split={split.id} rate={rate.id} live={current ? { bytes: current.bitstream.length, featureMse: current.featureMse } : null} />
        ) : (
          <p className="text-sm text-zinc-500">{files.rdProblem}</p>
        )}
      </Section>

      {shown ? (
        <div className={`grid grid-cols-1 gap-4 lg:grid-cols-2 ${shown === current ? "" : "opacity-60"}`}>
          <Section title="Feature maps at the split" id="features-title">
            {shown.features.map((f, i) => (
              <FeatureGrid key={i} tensor={f} title={manifest.splits[shown.split].tensors[i]?.node ?? `tensor ${i}`} />
            ))}
          </Section>
          <Section title="Latent symbols" id="latent-title">
            {shown.symbols.map((s, i) => (
              <LatentView key={i} symbols={s} histograms={shown.histograms[i]} step={manifest.splits[shown.split].rates[shown.rate].step} />
            ))}
          </Section>
          <Section title="Reconstruction" id="reconstruction-title" className="lg:col-span-2">
            <ReconstructionView original={shown.features[0]} decoded={shown.reconstruction[0]} mse={shown.featureMse} psnr={shown.featurePsnr} />
          </Section>
        </div>
      ) : null}

      <Section title="Edge server only" id="decode-title">
        <DecodePanel client={load.kind === "ready" ? client : null} manifest={manifest} />
      </Section>

      <Section title="Credits" id="credits-title">
        <Credits manifest={manifest} />
      </Section>
    </div>
  );
}

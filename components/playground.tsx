"use client";

import { memo, useCallback, useDeferredValue, useEffect, useMemo, useState, type ReactNode } from "react";
import type { TermId } from "@/lib/teaching/glossary";
import { LESSON, lessonStepOf } from "@/lib/teaching/lesson";
import { runFacts } from "@/lib/teaching/run-facts";
import { panelElementId, stageIndex, STAGES, type PanelId, type StageId } from "@/lib/teaching/stages";
import { currentResult, type PlaygroundController, type PlaygroundState } from "@/lib/view/playground-controller";
import type { ViewSettings } from "@/lib/view/url-state";
import { detectionsAbove } from "@/lib/view/detections";
import { rdPointOf } from "@/lib/view/rd-series";
import type { ModelManifest } from "@/lib/models/manifest";
import type { ModelEntry, ModelFiles, RunResult } from "@/lib/worker/playground-protocol";
import { BitstreamPanel } from "./bitstream-panel";
import { Credits } from "./credits";
import { DecodePanel } from "./decode-panel";
import { DetectionView } from "./detection-view";
import { ErrorMessage } from "./error-message";
import { GlossaryTerm } from "./glossary-term";
import { LessonCard } from "./lesson-card";
import { PipelineDiagram } from "./pipeline-diagram";
import { StepThrough } from "./step-through";
import { TeachBar, usePresentation } from "./teach-bar";
import { FeatureGrid } from "./feature-grid";
import { formatFixed, formatInt } from "./format";
import { InputPanel, type InputChoice } from "./input-panel";
import { LatentView } from "./latent-view";
import { PixelImage } from "./pixel-image";
import { PlaygroundControls } from "./playground-controls";
import { PlaygroundStatus, RunningNote } from "./playground-status";
import { PredictionView, topK } from "./prediction-view";
import { RdChart } from "./rd-chart";
import { ReconstructionView } from "./reconstruction-view";
import { SplitShare } from "./split-share";
import { FitPanel } from "./fit-panel";
import { TimingBar } from "./timing-bar";
import { usePlayground, type CustomChoice } from "./use-playground";
import { useLiveCurve } from "./use-live-curve";
import { ResultAnnouncement } from "./result-announcement";
import { ComparePanel } from "./compare-panel";
import { LinkBudgetPanel } from "./link-budget-panel";

/** Dims a result that is no longer the current one, only after a moment: a quick run never flickers. */
const STALE = "opacity-60 transition-opacity delay-300 duration-150";

const plural = (n: number, what: string) => `${formatInt(n)} ${what}${n === 1 ? "" : "s"}`;

/** The answer in one word: the top class, or the class of the most confident detection shown ("none" if none). */
function topClass(r: RunResult, which: "split" | "unsplit", classes: string[]): string {
  const p = r.prediction[which];
  if (r.task === "detection") {
    const d = detectionsAbove(p.detections)[0];
    return d ? (classes[d.cls] ?? String(d.cls)) : "none";
  }
  return classes[topK(p.probs, 1)[0].index];
}

function Section({
  title,
  panel,
  id: titleId,
  term,
  highlighted,
  children,
  className = "",
  status,
}: {
  title: string;
  /** Its place on the page (a PanelId for the pipeline's panels): the diagram, the lesson and the step-through find it by this. */
  panel?: PanelId | (string & {});
  /** The heading's id; by default `<panel>-title`. */
  id?: string;
  term?: TermId;
  highlighted?: boolean;
  children: ReactNode;
  className?: string;
  status?: ReactNode;
}) {
  const id = titleId ?? `${panel}-title`;
  return (
    <section
      id={panel ? `panel-${panel}` : undefined}
      aria-labelledby={id}
      tabIndex={-1}
      data-panel={panel}
      data-highlight={highlighted ? "true" : undefined}
      className={`min-w-0 scroll-mt-4 space-y-3 rounded-lg border p-4 focus:outline-2 focus:outline-sky-600 ${highlighted ? "border-amber-400 ring-4 ring-amber-400" : "border-zinc-200 dark:border-zinc-800"} ${className}`}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-base font-semibold">
          {term ? (
            <GlossaryTerm term={term}>
              <span id={id}>{title}</span>
            </GlossaryTerm>
          ) : (
            <span id={id}>{title}</span>
          )}
        </h2>
        {status}
      </div>
      {children}
    </section>
  );
}

/** A hint under an upload to a model of one-channel images (digits) when a model for photos exists. */
function PhotoHint({ state, manifest, onSwitch }: { state: PlaygroundState<CustomChoice>; manifest: ModelManifest; onSwitch: (model: string) => void }) {
  const photos = state.models?.find((m) => m.inputChannels === 3 && m.id !== manifest.id);
  if (state.settings?.sample !== "upload" || manifest.input.channels !== 1 || !photos) return null;
  return (
    <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="photo-hint">
      {manifest.name} knows single handwritten digits only. If this is a photo,{" "}
      <button type="button" className="font-medium text-sky-700 underline dark:text-sky-400" onClick={() => onSwitch(photos.id)}>
        switch to {photos.name}
      </button>{" "}
      and upload it there.
    </p>
  );
}

const GalleryAndUploads = memo(InputPanel);

export function Playground() {
  const [state, controller] = usePlayground();
  const { models, files, settings, load } = state;
  if (!models || !files || !settings) {
    return load.kind === "failed" ? (
      <ErrorMessage message={load.message} onRetry={controller.retry} />
    ) : (
      <p className="text-sm text-zinc-600 dark:text-zinc-400" aria-live="polite">
        Loading the model list…
      </p>
    );
  }
  return <PlaygroundView state={state} controller={controller} models={models} files={files} settings={settings} />;
}

/** Everything once the model's files are in: controls, status, input, results. Components get plain values. */
function PlaygroundView({
  state,
  controller,
  models,
  files,
  settings,
}: {
  state: PlaygroundState<CustomChoice>;
  controller: PlaygroundController<CustomChoice>;
  models: ModelEntry[];
  files: ModelFiles;
  settings: ViewSettings;
}) {
  const { input, result, load, running, problem, custom } = state;
  const manifest = files.manifest;
  const liveCurve = useLiveCurve(state, controller, manifest, settings.split);
  const current = currentResult(state);
  // The last result of this model stays on the page (dimmed after a moment) while the next one runs, so nothing
  // jumps or resets.
  const shown = result && result.run.model === manifest.id ? result : null;
  const live = useMemo(() => (current ? { bytes: current.run.bitstream.length, featureMse: current.run.featureMse } : null), [current]);
  // The answer (bitstream, prediction, stage times) is drawn first; the chart and the feature, latent and
  // reconstruction views follow in a deferred render, which a newer answer may overtake.
  const chart = useDeferredValue(useMemo(() => ({ split: settings.split, rate: settings.rate, live }), [settings.split, settings.rate, live]));
  const details = useDeferredValue(shown);
  const choice = useMemo<InputChoice>(
    () => (custom && settings.sample === custom.kind ? custom : { kind: "sample", id: settings.sample }),
    [custom, settings.sample],
  );
  const onChoose = useCallback((c: InputChoice) => (c.kind === "sample" ? controller.change({ sample: c.id }) : controller.chooseInput(c)), [controller]);
  const onGesture = useCallback((on: boolean) => (on ? controller.beginGesture() : controller.endGesture()), [controller]);

  const splitIndex = manifest.splits.findIndex((s) => s.id === settings.split);
  const split = manifest.splits[splitIndex];
  const rateIndex = split.rates.findIndex((r) => r.id === settings.rate);
  const rate = split.rates[rateIndex];
  const dim = (r: unknown) => (r !== null && r !== current ? STALE : "");
  const pre = files.rd && rate ? rdPointOf(files.rd, split.id, rate.id) : null;
  const detection = manifest.task === "detection";
  const sample = choice.kind === "sample" ? files.samples.find((s) => s.id === choice.id) : undefined;
  const busy = running ? <RunningNote firstRun={running.firstRun} /> : null;
  const waiting = <p className="text-sm text-zinc-600 dark:text-zinc-400">Waiting for the first run…</p>;

  // Teaching: the diagram draws the shown run, the step-through and the lesson the current one.
  const shownFacts = useMemo(() => (shown ? runFacts(shown.run, manifest) : null), [shown, manifest]);
  const currentFacts = useMemo(() => (current ? runFacts(current.run, manifest) : null), [current, manifest]);
  const present = settings.present === "1";
  const lessonStep = lessonStepOf(settings.lesson);
  const lesson = lessonStep !== null ? LESSON[lessonStep - 1] : null;
  const lessonContext = lesson && files.rd && lesson.view.model === manifest.id ? { manifest, rd: files.rd, run: currentFacts } : null;
  const [stepper, setStepper] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const activeStage = stepper !== null ? STAGES[stepper].id : (lesson?.stage ?? null);
  const pointedPanel: PanelId | null = stepper !== null ? STAGES[stepper].panel : (lesson?.panel ?? null);
  const lit = (p: PanelId) => pointedPanel === p;
  const goLesson = useCallback(
    (n: number) => {
      const step = LESSON[n - 1];
      if (step) controller.change({ ...step.view, lesson: String(n) });
    },
    [controller],
  );
  const openStage = useCallback((id: StageId) => showPanel(STAGES[stageIndex(id)].panel), []);
  const onStage = useCallback((i: number) => setStepper(Math.max(0, Math.min(STAGES.length - 1, i))), []);

  // A lesson step brings its panel into view (not on a projector's one-screen layout, which stays put).
  useEffect(() => {
    if (lesson && !present) showPanel(lesson.panel);
  }, [lesson, present]);
  usePresentation(present, {
    rate: (delta) => {
      const next = split.rates[Math.max(0, Math.min(split.rates.length - 1, rateIndex + delta))];
      if (next && next.id !== settings.rate) controller.change({ rate: next.id });
    },
    lesson: (delta) => goLesson(Math.max(1, Math.min(LESSON.length, (lessonStep ?? 0) + delta))),
  });

  return (
    <div className="flex flex-col gap-6" data-playground={present ? "present" : "normal"}>
      <TeachBar
        lessonOpen={lesson !== null}
        onLesson={() => (lesson ? controller.change({ lesson: "" }) : goLesson(1))}
        stepperOpen={stepper !== null}
        onStepper={() => {
          setPlaying(false);
          setStepper(stepper === null ? 0 : null);
        }}
        present={present}
        onPresent={() => controller.change({ present: present ? "" : "1" })}
      />
      {/* One short line for screen readers when a result arrives; the panels stay quiet. */}
      <ResultAnnouncement run={current?.run ?? null} manifest={manifest} />
      <div data-block="controls">
        <PlaygroundControls models={models} manifest={manifest} settings={settings} onChange={controller.change} onGesture={onGesture} />
      </div>
      <div className="flex flex-wrap items-center gap-x-6 gap-y-2" data-block="status">
        <PlaygroundStatus state={state} />
        {busy}
        {current ? (
          <span
            className="text-xs text-zinc-600 dark:text-zinc-400"
            data-dev
            data-testid="live"
            data-split={split.id}
            data-rate={rate?.id}
            data-sample={current.sample}
            data-token={current.run.token}
            data-bytes={current.run.bitstream.length}
            data-split-top={topClass(current.run, "split", manifest.classes)}
            data-unsplit-top={topClass(current.run, "unsplit", manifest.classes)}
            data-num-tensors={current.run.numTensors}
            data-runs-requested={current.run.counters.runsRequested}
            data-runs-computed={current.run.counters.runsComputed}
            data-runs-dropped={current.run.counters.runsDropped}
            data-head-runs={current.run.counters.headRuns}
            data-unsplit-runs={current.run.counters.unsplitRuns}
          >
            Live result for this input · {current.run.numTensors} tensors alive in the worker · {plural(current.run.counters.runsComputed, "run")} computed,{" "}
            {plural(current.run.counters.runsDropped, "superseded run")} dropped
          </span>
        ) : null}
      </div>
      {state.notices.length || load.kind === "failed" || problem ? (
        <div className="space-y-2" data-block="notices">
          {state.notices.map((n) => (
            <p key={n} role="status" className="text-sm text-amber-700 dark:text-amber-400" data-testid="notice">
              {n}
            </p>
          ))}
          {load.kind === "failed" ? <ErrorMessage message={load.message} onRetry={controller.retry} /> : null}
          {problem ? <ErrorMessage message={problem.message} onRetry={controller.retry} /> : null}
        </div>
      ) : null}
      <div className={dim(shown)} data-block="diagram">
        <PipelineDiagram facts={shownFacts} active={activeStage} onOpen={openStage} />
      </div>
      {stepper !== null ? (
        <StepThrough facts={currentFacts} stage={stepper} onStage={onStage} playing={playing} onPlaying={setPlaying} speed={speed} onSpeed={setSpeed} />
      ) : null}

      {/* The lesson's card, then the panels in pipeline order: input, head output, latent symbols, bitstream, reconstruction, prediction, RD. */}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2" data-block="panels">
        {lessonStep !== null ? (
          <LessonCard
            className="lg:col-span-2"
            step={lessonStep}
            context={lessonContext}
            unavailable={lesson?.view.model === manifest.id && !files.rd ? (files.rdProblem ?? "it is missing.") : null}
            onGo={goLesson}
            onClose={() => controller.change({ lesson: "" })}
          />
        ) : null}
        <Section title="Input" panel="input" term="input" highlighted={lit("input")}>
          <GalleryAndUploads manifest={manifest} samples={files.samples} choice={choice} onChoose={onChoose} />
          <PhotoHint state={state} manifest={manifest} onSwitch={(model) => controller.change({ model })} />
        </Section>
        <Section title="What the model sees" panel="seen" highlighted={lit("seen")}>
          {input && input.model === manifest.id ? (
            <div className="flex items-center gap-3">
              <PixelImage
                pixels={input.pixels}
                width={manifest.input.width}
                height={manifest.input.height}
                channels={manifest.input.channels}
                size={112}
                label="the input as the model sees it"
              />
              <p className="text-xs text-zinc-600 dark:text-zinc-400">
                {manifest.input.height} × {manifest.input.width} × {manifest.input.channels}, values {manifest.input.range[0]}–{manifest.input.range[1]}
                {choice.kind === "sample" ? `; sample ${sample?.id} (${sample?.label})` : choice.kind === "draw" ? "; your drawing" : "; your upload"}
              </p>
            </div>
          ) : null}
          <h3 className="pt-2 text-sm font-semibold">
            Where the <GlossaryTerm term="split-point">split</GlossaryTerm> sits
          </h3>
          <SplitShare manifest={manifest} split={splitIndex} rate={Math.max(0, rateIndex)} />
        </Section>

        <Section title="Feature maps at the split" panel="features" term="head" highlighted={lit("features")} status={busy}>
          {details ? (
            <div className={`space-y-3 ${dim(details)}`}>
              {details.features.map((f, i) => {
                const t = manifest.splits[details.run.split].tensors[i];
                return <FeatureGrid key={i} tensor={f} title={t?.label ?? t?.node ?? `tensor ${i}`} detail={t?.label ? t.node : undefined} />;
              })}
            </div>
          ) : (
            waiting
          )}
        </Section>
        <Section title="Latent symbols" panel="latent" term="symbols" highlighted={lit("latent")}>
          {details ? (
            <div className={`space-y-3 ${dim(details)}`}>
              {details.run.latents.map((latent, i) => (
                <LatentView key={i} latent={latent} step={manifest.splits[details.run.split].rates[details.run.rate].step} />
              ))}
            </div>
          ) : (
            waiting
          )}
        </Section>

        <Section title="Bitstream" panel="bitstream" term="bitstream" highlighted={lit("bitstream")} status={busy}>
          {shown ? (
            <div className={dim(shown)}>
              <BitstreamPanel
                result={shown.run}
                jpegBytes={shown.jpegBytes}
                names={{ model: manifest.id, split: manifest.splits[shown.run.split].id, rate: manifest.splits[shown.run.split].rates[shown.run.rate].id }}
              />
            </div>
          ) : pre ? (
            <div className="space-y-1 text-sm" data-testid="precomputed">
              <p>
                Precomputed for {split.label}, {rate?.id} over {files.rd?.dataset.count} held-out images: {formatInt(pre.bytesMean)} bytes per image on average,{" "}
                {detection
                  ? `detection agreement with the unsplit model (mAP@0.5) ${formatFixed((pre.map50 ?? pre.accuracy) * 100, 1)} %.`
                  : `accuracy ${formatFixed(pre.accuracy * 100, 2)} %, agreement with the unsplit model ${formatFixed(pre.agreement * 100, 2)} %.`}
              </p>
              <p className="text-xs text-zinc-600 dark:text-zinc-400">This image&apos;s own bitstream appears as soon as the model has loaded.</p>
            </div>
          ) : (
            waiting
          )}
        </Section>
        <Section title="Reconstruction" panel="reconstruction" term="distortion" highlighted={lit("reconstruction")}>
          {details ? (
            <div className={dim(details)}>
              <ReconstructionView
                original={details.features[0]}
                decoded={details.run.reconstruction}
                mse={details.run.featureMse}
                psnr={details.run.featurePsnr}
              />
            </div>
          ) : (
            waiting
          )}
        </Section>

        <Section title="Prediction" panel="prediction" term="prediction" highlighted={lit("prediction")} status={busy}>
          {!shown ? (
            waiting
          ) : (
            <div className={`space-y-3 ${dim(shown)}`}>
              {shown.run.task === "detection" ? (
                <DetectionView
                  split={shown.run.prediction.split.detections}
                  unsplit={shown.run.prediction.unsplit.detections}
                  classes={manifest.classes}
                  pixels={shown.pixels}
                  input={manifest.input}
                />
              ) : (
                <PredictionView split={shown.run.prediction.split.probs} unsplit={shown.run.prediction.unsplit.probs} classes={manifest.classes} />
              )}
              <h3 className="pt-2 text-sm font-semibold">Stage times</h3>
              <TimingBar
                ms={shown.run.ms}
                backend={shown.run.backend}
                reused={shown.run.reused}
                coldStart={shown.run.coldStart}
                measuredCold={shown.run.measuredCold}
              />
            </div>
          )}
        </Section>
        <Section title="Rate-distortion" panel="rd" term="rd-curve" highlighted={lit("rd")}>
          {files.rd && rate ? (
            <RdChart rd={files.rd} split={chart.split} rate={chart.rate} live={chart.live} task={manifest.task} liveCurve={liveCurve} />
          ) : (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">{files.rdProblem}</p>
          )}
        </Section>

        <Section title="Compare" panel="compare" id="compare-title" className="lg:col-span-2">
          <ComparePanel
            key={manifest.id}
            manifest={manifest}
            pixels={input && input.model === manifest.id ? input.pixels : null}
            split={settings.split}
            jpegQuality={shown?.run.jpegQuality ?? null}
            runSetting={controller.runSetting}
            runJpeg={controller.runJpeg}
          />
        </Section>

        <Section title="Link budget" panel="link-budget" id="link-budget-title" className="lg:col-span-2">
          <LinkBudgetPanel
            manifest={manifest}
            rd={files.rd}
            curves={state.curves}
            rateIndex={Math.max(0, rateIndex)}
            pixels={input && input.model === manifest.id ? input.pixels : null}
            jpegQuality={shown?.run.jpegQuality ?? null}
            runJpeg={controller.runJpeg}
            onRunEverySplit={controller.runEverySplit}
            running={state.curvesRunning !== null}
          />
        </Section>

        <Section title="Fit a unit at any layer" panel="fit" id="fit-title" className="lg:col-span-2">
          <FitPanel key={manifest.id} controller={controller} manifest={manifest} ready={load.kind === "ready" && load.model === manifest.id} />
        </Section>

        <Section title="Edge server only" panel="decode" className="lg:col-span-2">
          <DecodePanel decode={state.init ? controller.decode : null} />
        </Section>

        <Section title="Credits" panel="credits" className="lg:col-span-2">
          <Credits manifest={manifest} />
        </Section>
      </div>
    </div>
  );
}

/** Brings a panel into view and moves the keyboard focus to it. */
function showPanel(panel: PanelId): void {
  const el = document.getElementById(panelElementId(panel));
  if (!el) return;
  el.scrollIntoView({ block: "start" });
  el.focus({ preventScroll: true });
}

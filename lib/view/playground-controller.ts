/**
 * The playground page's state machine: address -> settings -> worker (backend, model list, model files, weights)
 * -> input pixels -> runs, with every answer checked against what is wanted now. Pure TypeScript: the worker,
 * the address bar and the gallery image reader come in as dependencies, so tests drive it in Node with fakes and
 * components/use-playground.ts binds it to React (useSyncExternalStore). Components get its state and call its
 * methods; they never talk to the worker themselves.
 *
 * Rules it keeps:
 * - Every request's answer is used only if it still matches the current choice (generation counters and run
 *   tokens); the worker drops superseded runs and cancels a superseded load on its side.
 * - A settings change writes the address once: a pushed history entry for a choice, and within one gesture (a
 *   slider drag, a held key) the first step pushes and the later ones replace, so Back undoes the whole drag.
 * - Values in the address that do not exist become notices saying what is shown instead.
 * - A failed step (backend, model list, model files, weights, a rate level's units, an input) is a sentence and a
 *   retry of that step, without a reload.
 */
import type { InputSpec, SplitPoint } from "@/lib/models/manifest";
import type { InitResult, Outcome, ParamsOf, RequestType, ResultOf, WorkerError } from "@/lib/worker/protocol";
import type { DecodeResult, JpegRunResult, ModelEntry, ModelFiles, PlainTensor, Progress, RunLevelsResult, RunResult } from "@/lib/worker/playground-protocol";
import {
  readSettings,
  requestToSearch,
  resolveBackend,
  resolveModel,
  resolveSettings,
  settingsToSearch,
  PAGE_ONLY_KEYS,
  type BackendChoice,
  type RequestedSettings,
  type ViewSettings,
} from "./url-state";

/** The part of WorkerClient the controller uses. */
export interface WorkerPort {
  call<K extends RequestType>(type: K, params: ParamsOf<K>, onProgress?: (p: Progress) => void): Promise<Outcome<ResultOf<K>>>;
  terminate(): void;
}

export interface AddressBar {
  search(): string;
  push(search: string): void;
  replace(search: string): void;
  /** Calls `listener` on back/forward; returns the unsubscribe. */
  onPop(listener: () => void): () => void;
}

export interface PlaygroundDeps {
  startWorker(): WorkerPort;
  address: AddressBar;
  /** A gallery image file as 8-bit pixels at the model's input size. */
  readSample(url: string, spec: InputSpec): Promise<Uint8Array>;
  /**
   * How long the view must be idle (no run asked for) before this input's curve is: a drag of the slider or a
   * walk through the samples is never slowed by curves it will not look at. Default CURVE_DELAY_MS.
   */
  curveDelayMs?: number;
}

export const CURVE_DELAY_MS = 300;

/** An input that lives only in this tab. */
export interface CustomInput {
  kind: "upload" | "draw";
  pixels: Uint8Array;
}

export type Step = "backend" | "models" | "files" | "weights";

export type LoadState =
  | { kind: "starting" }
  | { kind: "loading"; model: string; progress: Progress | null }
  | { kind: "ready"; model: string; loadMs: number }
  | { kind: "failed"; step: Step; message: string };

export interface ShownResult {
  run: RunResult;
  /** The input's size as JPEG: from the run, or asked for once per input after its first result; null until then. */
  jpegBytes: number | null;
  /** The head's output for this input and split (kept by the page across rate levels). */
  features: PlainTensor[];
  pixels: Uint8Array;
  sample: string;
}

export interface PlaygroundState<C extends CustomInput = CustomInput> {
  init: InitResult | null;
  models: ModelEntry[] | null;
  /** The current model's small files; null while they load. */
  files: ModelFiles | null;
  settings: ViewSettings | null;
  /** What the address asked for that does not exist, and what is shown instead. */
  notices: string[];
  custom: C | null;
  /** The pixels of settings.sample, once read. */
  input: { model: string; sample: string; pixels: Uint8Array } | null;
  load: LoadState;
  /** A run in flight; firstRun: the first of this split point since the model loaded (kernel setup). */
  running: { token: number; firstRun: boolean } | null;
  result: ShownResult | null;
  /** A failed run or input, with whether retrying may help. */
  problem: { step: "run" | "input"; message: string } | null;
  /** This input's own RD curves (every rate level of a split point, run on it), by split index. */
  curves: Curves | null;
  /** The split whose curve is being computed, and whether every split was asked for ("Run every split"). */
  curvesRunning: { split: number; all: boolean } | null;
  /** Why the last curve failed, if it did. */
  curveProblem: string | null;
}

export interface Curves {
  model: string;
  pixels: Uint8Array;
  bySplit: Partial<Record<number, RunLevelsResult>>;
}

const INITIAL: PlaygroundState = {
  init: null,
  models: null,
  files: null,
  settings: null,
  notices: [],
  custom: null,
  input: null,
  load: { kind: "starting" },
  running: null,
  result: null,
  problem: null,
  curves: null,
  curvesRunning: null,
  curveProblem: null,
};

/** Errors the page does not show: the answer was superseded or the worker was stopped on purpose. */
const SILENT = new Set<WorkerError["code"]>(["stale", "cancelled", "terminated"]);

function withoutEmpty(s: ViewSettings): RequestedSettings {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== "")) as RequestedSettings;
}

export class PlaygroundController<C extends CustomInput = CustomInput> {
  private state: PlaygroundState<C> = INITIAL as PlaygroundState<C>;
  private readonly listeners = new Set<() => void>();
  private worker: WorkerPort | null = null;
  private workerBackend: BackendChoice = "auto";
  /** The model the worker was last asked to load (null: none on this worker yet). */
  private workerModel: string | null = null;
  private requested: RequestedSettings = {};
  /** Bumped by start/stop (everything) and by each model choice (files, weights, input). */
  private gen = 0;
  private modelGen = 0;
  private token = 0;
  private warmSplits = new Set<string>();
  private readonly features = new WeakMap<Uint8Array, Map<string, PlainTensor[]>>();
  private readonly samplePixels = new Map<string, Promise<Uint8Array>>();
  /** Per input (by its pixels array): its JPEG size once known, or the request for it. */
  private readonly jpegSizes = new WeakMap<Uint8Array, number | Promise<void>>();
  private gesture: { pushed: boolean } | null = null;
  /** Curve requests have their own channel and counter, so they never supersede the main run (nor it them). */
  private curveToken = 0;
  private curveInFlight: { token: number; pixels: Uint8Array; split: number } | null = null;
  /** The input for which "Run every split" was asked. */
  private everySplitFor: Uint8Array | null = null;
  /** One counter per compared side: a newer request on a side drops the older one in the worker. */
  private readonly compareTokens = new Map<string, number>();
  private curveTimer: ReturnType<typeof setTimeout> | null = null;
  private unlistenPop: (() => void) | null = null;

  constructor(private readonly deps: PlaygroundDeps) {}

  // --- React binding (useSyncExternalStore) ---
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getState = (): PlaygroundState<C> => this.state;

  private set(patch: Partial<PlaygroundState<C>>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  // --- lifecycle ---
  start(): void {
    this.stop();
    this.gen++;
    this.state = INITIAL as PlaygroundState<C>;
    this.requested = readSettings(this.deps.address.search());
    this.unlistenPop = this.deps.address.onPop(() => this.onPop());
    this.bootWorker();
    void this.fetchModels();
  }

  stop(): void {
    this.gen++;
    this.cancelCurveTimer();
    this.unlistenPop?.();
    this.unlistenPop = null;
    this.worker?.terminate();
    this.worker = null;
  }

  // --- what the page calls (arrow functions: stable, so they can be handed to memoised components) ---

  /** A settings change from a control. Inside a gesture (see beginGesture) only its first step adds a history entry. */
  change = (c: Partial<ViewSettings>): void => {
    const settings = this.state.settings;
    if (!settings) return;
    const next = { ...settings, ...c };
    // Another model or split resets what depends on it, unless the change names it too (a lesson step does).
    if (c.model !== undefined && c.model !== settings.model) Object.assign(next, { split: c.split ?? "", rate: c.rate ?? "", sample: c.sample ?? "" });
    if (c.split !== undefined && c.split !== settings.split) next.rate = c.rate ?? "";
    if ((Object.keys(c) as (keyof ViewSettings)[]).every((k) => PAGE_ONLY_KEYS.includes(k))) return this.changePageOnly(next);
    this.apply(withoutEmpty(next), "push");
  };

  /** A lesson step or the presentation flag alone: a new address and history entry, nothing to compute. */
  private changePageOnly(next: ViewSettings): void {
    const settings = withoutEmpty(next) as ViewSettings;
    if (settingsToSearch(settings) === settingsToSearch(this.state.settings!)) return;
    this.requested = settings;
    this.write(settings, "push");
    this.set({ settings, notices: [] });
  }

  /** A drag of the rate slider (or a held key) begins: its steps make one history entry. */
  beginGesture = (): void => {
    // A held key repeats its keydown: still the same gesture.
    this.gesture ??= { pushed: false };
  };

  endGesture = (): void => {
    this.gesture = null;
  };

  /** An upload or a drawing: it becomes the input, and the address says "upload" or "draw". */
  chooseInput = (c: C): void => {
    // The same kind again (a second upload) changes no setting, but settling finds the new pixels all the same.
    this.set({ custom: c });
    this.change({ sample: c.kind });
  };

  /** Retries the step that failed, without a reload. */
  retry = (): void => {
    const { load, problem } = this.state;
    if (load.kind === "failed") {
      if (load.step === "backend") this.restartWorker();
      else if (load.step === "models") void this.fetchModels();
      else if (load.step === "files") void this.openModel(resolveModel(this.requested, this.state.models ?? []).model);
      else if (this.state.files) void this.loadModel(this.state.files.manifest.id);
      return;
    }
    if (problem?.step === "input") this.prepareInput();
    else if (problem?.step === "run") this.maybeRun();
  };

  /** "Run every split": this input's RD curve at every split point, one split after another. */
  runEverySplit = (): void => {
    const input = this.state.input;
    if (!input) return;
    this.everySplitFor = input.pixels;
    this.nextCurve();
  };

  /**
   * One setting run on the current input on its own channel (a side of a comparison), so it supersedes only the
   * previous request of that side. Resolves with the run (features included), or an error value; a superseded
   * request resolves with the "stale" error.
   */
  runSetting = (side: string, split: number, rate: number): Promise<Outcome<RunResult>> => {
    const { files, input } = this.state;
    if (!this.worker || !files || !input || input.model !== files.manifest.id)
      return Promise.resolve({ ok: false, error: { code: "stale", message: "No input yet." } });
    const token = (this.compareTokens.get(side) ?? 0) + 1;
    this.compareTokens.set(side, token);
    return this.worker.call("run", { token, channel: `compare-${side}`, model: files.manifest.id, split, rate, pixels: input.pixels.slice(), features: true });
  };

  /** The current input sent as a JPEG instead (a side of a comparison): the file, its decoding, the model on that. */
  runJpeg = (side: string, quality: number): Promise<Outcome<JpegRunResult>> => {
    const { files, input } = this.state;
    if (!this.worker || !files || !input || input.model !== files.manifest.id)
      return Promise.resolve({ ok: false, error: { code: "stale", message: "No input yet." } });
    const token = (this.compareTokens.get(side) ?? 0) + 1;
    this.compareTokens.set(side, token);
    return this.worker.call("jpeg-run", { token, channel: `compare-${side}`, model: files.manifest.id, pixels: input.pixels.slice(), quality });
  };

  /** The server side alone on a bitstream file's bytes. */
  decode = (bytes: Uint8Array): Promise<Outcome<DecodeResult>> => {
    if (!this.worker) return Promise.resolve({ ok: false, error: { code: "terminated", message: "The background worker is not running." } });
    return this.worker.call("decode-bitstream", { bytes });
  };

  /** A request for a panel of the page (the layer list, a fit, a unit file): its answer goes to the caller alone. */
  request = <K extends RequestType>(type: K, params: ParamsOf<K>, onProgress?: (p: Progress) => void): Promise<Outcome<ResultOf<K>>> => {
    if (!this.worker) return Promise.resolve({ ok: false, error: { code: "terminated", message: "The background worker is not running." } });
    return this.worker.call(type, params, onProgress);
  };

  /**
   * A split point made in the page (a unit fitted or loaded in the worker, which lists it after the manifest's own at
   * the same index) joins the current model's list and becomes the one shown.
   */
  addSplit = (split: SplitPoint): void => {
    const files = this.state.files;
    if (!files) return;
    const splits = [...files.manifest.splits];
    splits[split.index] = split;
    this.set({ files: { ...files, manifest: { ...files.manifest, splits } } });
    this.change({ split: split.id });
  };

  /** The pixels of every gallery image of the current model (files decoded once each): what a fit starts from. */
  galleryPixels = async (): Promise<Uint8Array[]> => {
    const files = this.state.files;
    if (!files) return [];
    return Promise.all(
      files.samples.map((s) => {
        if ("pixels" in s) return s.pixels;
        const key = `${files.manifest.id}|${s.url}`;
        let p = this.samplePixels.get(key);
        if (!p) {
          p = this.deps.readSample(s.url, files.manifest.input);
          p.catch(() => this.samplePixels.delete(key));
          this.samplePixels.set(key, p);
        }
        return p;
      }),
    );
  };

  // --- the machine ---

  private onPop(): void {
    this.gesture = null;
    this.apply(readSettings(this.deps.address.search()), "none");
  }

  /** Makes `req` the wanted settings: restarts the worker for another backend, opens another model, or reruns. */
  private apply(req: RequestedSettings, history: "push" | "none"): void {
    this.requested = req;
    if (resolveBackend(req).backend !== this.workerBackend) this.restartWorker();
    const models = this.state.models;
    const model = models ? resolveModel(req, models).model : null;
    if (model === null || model !== this.state.files?.manifest.id) {
      this.write(req, history);
      if (model !== null) void this.openModel(model);
      return;
    }
    this.settle(history);
  }

  /** Resolves the wanted settings against the current model's files, writes the address, and runs what is missing. */
  private settle(history: "push" | "none", extraNotices: string[] = []): void {
    const files = this.state.files;
    if (!files) return;
    const { settings, notices } = resolveSettings(this.requested, files.manifest, files.samples, this.state.custom?.kind ?? null);
    // Defaults filled in replace the entry; a choice pushes one.
    this.write(settings, history === "none" ? "replace" : "push");
    this.requested = withoutEmpty(settings);
    this.set({ settings, notices: history === "push" ? [] : [...extraNotices, ...notices] });
    this.loadWhenReady();
    this.prepareInput();
  }

  /** Writes the address: push (one entry per choice, one per gesture), or replace. Nothing if it is already so. */
  private write(s: RequestedSettings, how: "push" | "replace" | "none"): void {
    if (how === "none") return;
    const search = requestToSearch(s);
    if (search === this.deps.address.search()) return;
    if (how === "replace" || this.gesture?.pushed) this.deps.address.replace(search);
    else {
      this.deps.address.push(search);
      if (this.gesture) this.gesture.pushed = true;
    }
  }

  private restartWorker(): void {
    this.worker?.terminate();
    this.workerModel = null;
    this.warmSplits = new Set();
    this.set({ init: null, load: { kind: "starting" }, running: null });
    this.bootWorker();
  }

  private bootWorker(): void {
    const gen = this.gen;
    const { backend } = resolveBackend(this.requested);
    this.workerBackend = backend;
    const worker = this.deps.startWorker();
    this.worker = worker;
    void worker.call("init", backend === "auto" ? {} : { backend }).then((out) => {
      if (gen !== this.gen || worker !== this.worker) return;
      if (!out.ok) return this.fail("backend", out.error);
      this.set({ init: out.value });
      this.loadWhenReady();
    });
  }

  /** No backend: that failure stays on the page (with its Retry) whatever else arrives. */
  private backendFailed(): boolean {
    return this.state.load.kind === "failed" && this.state.load.step === "backend";
  }

  private fail(step: Step, error: WorkerError): void {
    if (SILENT.has(error.code)) return;
    // A crashed worker takes everything with it: retrying means a new worker.
    this.set({ load: { kind: "failed", step: error.code === "worker-crashed" ? "backend" : step, message: error.message }, running: null });
  }

  private async fetchModels(): Promise<void> {
    const gen = this.gen;
    const worker = this.worker;
    if (!worker) return;
    if (!this.backendFailed()) this.set({ load: { kind: "starting" } });
    const out = await worker.call("models", {});
    if (gen !== this.gen) return;
    if (!out.ok) return this.fail("models", out.error);
    this.set({ models: out.value.models });
    const { model, notice } = resolveModel(this.requested, out.value.models);
    await this.openModel(model, notice ? [notice] : []);
  }

  private async openModel(id: string, notices: string[] = []): Promise<void> {
    const gen = this.gen;
    const modelGen = ++this.modelGen;
    const worker = this.worker;
    if (!worker) return;
    this.set({ files: null, settings: null, input: null, result: null, running: null, problem: null, curves: null, curvesRunning: null, curveProblem: null });
    if (!this.backendFailed()) this.set({ load: { kind: "loading", model: id, progress: null } });
    const out = await worker.call("open-model", { model: id });
    if (gen !== this.gen || modelGen !== this.modelGen) return;
    if (!out.ok) return this.fail("files", out.error);
    this.set({ files: out.value });
    this.settle("none", notices);
  }

  private loadWhenReady(): void {
    const { init, files, load } = this.state;
    if (!init || !files || !this.worker) return;
    if (this.workerModel === files.manifest.id && load.kind !== "failed") return;
    void this.loadModel(files.manifest.id);
  }

  private async loadModel(id: string): Promise<void> {
    const gen = this.gen;
    const modelGen = this.modelGen;
    const worker = this.worker;
    if (!worker || !this.state.init) return;
    this.workerModel = id;
    this.warmSplits = new Set();
    this.set({ load: { kind: "loading", model: id, progress: null } });
    const current = () => gen === this.gen && modelGen === this.modelGen && worker === this.worker;
    const out = await worker.call("load-model", { model: id, prefetch: this.indices() ?? undefined }, (progress) => {
      if (current()) this.set({ load: { kind: "loading", model: id, progress } });
    });
    if (!current()) return;
    if (!out.ok) {
      this.workerModel = null;
      return this.fail("weights", out.error);
    }
    this.set({ load: { kind: "ready", model: id, loadMs: out.value.loadMs } });
    this.maybeRun();
  }

  /** Finds the pixels of the chosen input: a gallery sample (decoded once per file), an upload or a drawing. */
  private prepareInput(): void {
    const { files, settings, custom } = this.state;
    if (!files || !settings) return;
    const model = files.manifest.id;
    const sample = settings.sample;
    if (custom && sample === custom.kind) return this.takeInput(model, sample, custom.pixels);
    const s = files.samples.find((x) => x.id === sample);
    if (!s) return;
    if ("pixels" in s) return this.takeInput(model, sample, s.pixels);
    const key = `${model}|${s.url}`;
    let p = this.samplePixels.get(key);
    if (!p) {
      p = this.deps.readSample(s.url, files.manifest.input);
      p.catch(() => this.samplePixels.delete(key));
      this.samplePixels.set(key, p);
    }
    const gen = this.gen;
    const modelGen = this.modelGen;
    p.then(
      (pixels) => {
        if (gen === this.gen && modelGen === this.modelGen && this.state.settings?.sample === sample) this.takeInput(model, sample, pixels);
      },
      (e: unknown) => {
        if (gen === this.gen && modelGen === this.modelGen && this.state.settings?.sample === sample)
          this.set({ problem: { step: "input", message: e instanceof Error ? e.message : String(e) } });
      },
    );
  }

  private takeInput(model: string, sample: string, pixels: Uint8Array): void {
    const input = this.state.input;
    if (!(input && input.model === model && input.sample === sample && input.pixels === pixels)) this.set({ input: { model, sample, pixels } });
    if (this.state.problem?.step === "input") this.set({ problem: null });
    this.maybeRun();
  }

  /** The current split point and rate level as indices into the current model's manifest, if both exist. */
  private indices(): { split: number; rate: number } | null {
    const { files, settings } = this.state;
    if (!files || !settings) return null;
    const split = files.manifest.splits.findIndex((s) => s.id === settings.split);
    const rate = split >= 0 ? files.manifest.splits[split].rates.findIndex((r) => r.id === settings.rate) : -1;
    return rate >= 0 ? { split, rate } : null;
  }

  /** Runs the current settings on the current input once the model is ready; a newer run makes older answers moot. */
  private maybeRun(): void {
    const { files, settings, input, load } = this.state;
    if (!files || !settings || !input || !this.worker) return;
    const m = files.manifest;
    if (load.kind !== "ready" || load.model !== m.id || input.model !== m.id || input.sample !== settings.sample) return;
    const at = this.indices();
    if (!at) return;
    const { split, rate } = at;
    const token = ++this.token;
    this.cancelCurveTimer();
    const key = `${m.id}|${settings.split}`;
    const cached = this.features.get(input.pixels)?.get(key);
    const firstRun = !this.warmSplits.has(settings.split);
    this.set({ running: { token, firstRun } });
    const gen = this.gen;
    const sample = settings.sample;
    const pixels = input.pixels;
    // A copy: the call transfers its typed arrays, and the page keeps its pixels.
    void this.worker.call("run", { token, model: m.id, split, rate, pixels: pixels.slice(), features: !cached }).then((out) => {
      if (gen !== this.gen || token !== this.token) return;
      if (!out.ok) {
        if (SILENT.has(out.error.code)) return;
        if (out.error.code === "worker-crashed") return this.fail("backend", out.error);
        this.set({ running: null, problem: { step: "run", message: out.error.message } });
        return;
      }
      const run = out.value;
      let features = cached;
      if (run.features) {
        features = run.features;
        let perInput = this.features.get(pixels);
        if (!perInput) this.features.set(pixels, (perInput = new Map()));
        perInput.set(key, features);
      }
      this.warmSplits.add(settings.split);
      const known = run.jpegBytes ?? this.jpegSizes.get(pixels);
      this.set({ running: null, problem: null, result: { run, features: features!, pixels, sample, jpegBytes: typeof known === "number" ? known : null } });
      if (known === undefined) this.askJpegSize(m.id, pixels);
      // The curve follows the answer once the view is idle: it never delays a result of the view.
      this.cancelCurveTimer();
      this.curveTimer = setTimeout(() => {
        this.curveTimer = null;
        if (gen === this.gen) this.nextCurve();
      }, this.deps.curveDelayMs ?? CURVE_DELAY_MS);
    });
  }

  private cancelCurveTimer(): void {
    if (this.curveTimer !== null) clearTimeout(this.curveTimer);
    this.curveTimer = null;
  }

  /**
   * Asks for the next curve this input lacks: the current split's, then (after "Run every split") each other
   * split's in order. One request at a time; a request for another input supersedes the one in flight.
   */
  private nextCurve(): void {
    const { files, input, load } = this.state;
    const at = this.indices();
    if (!files || !input || !at || !this.worker || load.kind !== "ready" || input.model !== files.manifest.id) return;
    const m = files.manifest;
    let curves = this.state.curves;
    if (!curves || curves.pixels !== input.pixels || curves.model !== m.id) {
      curves = { model: m.id, pixels: input.pixels, bySplit: {} };
      this.set({ curves, curveProblem: null });
    }
    const all = this.everySplitFor === input.pixels;
    const missing = [at.split, ...(all ? m.splits.map((s) => s.index) : [])].find((i) => !curves.bySplit[i]);
    if (missing === undefined) {
      if (this.state.curvesRunning) this.set({ curvesRunning: null });
      return;
    }
    const flying = this.curveInFlight;
    if (flying && flying.pixels === input.pixels && flying.split === missing) return;
    const token = ++this.curveToken;
    const pixels = input.pixels;
    this.curveInFlight = { token, pixels, split: missing };
    this.set({ curvesRunning: { split: missing, all } });
    const gen = this.gen;
    void this.worker.call("run-levels", { token, channel: "levels", model: m.id, split: missing, pixels: pixels.slice() }).then((out) => {
      if (gen !== this.gen || token !== this.curveToken) return;
      this.curveInFlight = null;
      const c = this.state.curves;
      if (!out.ok) {
        this.set({ curvesRunning: null, curveProblem: SILENT.has(out.error.code) ? null : out.error.message });
        return;
      }
      if (c && c.pixels === pixels && c.model === out.value.model) this.set({ curves: { ...c, bySplit: { ...c.bySplit, [missing]: out.value } } });
      this.nextCurve();
    });
  }

  /** The JPEG size costs the worker as much as a rate change: asked for after the first result, not before it. */
  private askJpegSize(model: string, pixels: Uint8Array): void {
    const worker = this.worker;
    if (!worker) return;
    const gen = this.gen;
    const request = worker.call("baselines", { model, pixels: pixels.slice() }).then((out) => {
      if (!out.ok) {
        this.jpegSizes.delete(pixels);
        return;
      }
      this.jpegSizes.set(pixels, out.value.jpegBytes);
      const r = this.state.result;
      if (gen === this.gen && r && r.pixels === pixels) this.set({ result: { ...r, jpegBytes: out.value.jpegBytes } });
    });
    this.jpegSizes.set(pixels, request);
  }
}

/** The result for exactly what is chosen now, or null (the shown one may be older, drawn dimmed). */
export function currentResult(s: PlaygroundState): ShownResult | null {
  const r = s.result;
  const m = s.files?.manifest;
  if (!r || !m || !s.settings || !s.input) return null;
  const split = m.splits[r.run.split];
  return r.run.model === m.id && r.pixels === s.input.pixels && split?.id === s.settings.split && split.rates[r.run.rate]?.id === s.settings.rate ? r : null;
}

/**
 * Everything that defines a view, in one typed record serialised to and from the address bar, so any view is
 * a shareable link. Ids (not indices) go into the URL so links stay readable.
 */
import type { ModelManifest } from "@/lib/models/manifest";
import { isBackendName, type BackendName } from "@/lib/tf/browser-backend";
import { LESSON, lessonStepOf } from "@/lib/teaching/lesson";

export type BackendChoice = BackendName | "auto";

export interface ViewSettings {
  model: string;
  split: string;
  rate: string;
  /** A sample id, or "upload" / "draw" for inputs that only live in this tab. */
  sample: string;
  backend: BackendChoice;
  /** The lesson step shown (1-based, lib/teaching/lesson.ts), if a lesson is open. */
  lesson?: string;
  /** "1": presentation mode (large type, one screen). */
  present?: string;
}

/** What the address asks for: each field as written (non-empty), still to be checked against what exists. */
export type RequestedSettings = Partial<Record<keyof ViewSettings, string>>;

const KEYS = ["model", "split", "rate", "sample", "backend", "lesson", "present"] as const;

/** Fields that only change how the page looks, not what the worker computes. */
export const PAGE_ONLY_KEYS: readonly (keyof ViewSettings)[] = ["lesson", "present"];

/**
 * Reads whatever the query string has; resolveSettings checks it and says what it had to replace. A lesson step
 * (`?lesson=3`) brings its own view: the model, split point, rate level and sample the address does not name.
 */
export function readSettings(search: string): RequestedSettings {
  const q = new URLSearchParams(search);
  const out: RequestedSettings = {};
  for (const key of KEYS) {
    const v = q.get(key);
    if (v) out[key] = v;
  }
  const step = lessonStepOf(out.lesson);
  if (step !== null) {
    const view = LESSON[step - 1].view;
    out.model ??= view.model;
    if (out.model === view.model) {
      out.split ??= view.split;
      if (out.split === view.split) out.rate ??= view.rate;
      out.sample ??= view.sample;
    }
  }
  return out;
}

/** The lesson step and presentation flag the address asks for, with a notice for a step that does not exist. */
function resolvePageFlags(req: RequestedSettings): { flags: Pick<ViewSettings, "lesson" | "present">; notice: string | null } {
  const flags: Pick<ViewSettings, "lesson" | "present"> = {};
  if (req.present === "1") flags.present = "1";
  if (req.lesson === undefined) return { flags, notice: null };
  const step = lessonStepOf(req.lesson);
  if (step === null) return { flags, notice: `The address asks for lesson step "${req.lesson}"; the lesson has steps 1 to ${LESSON.length}.` };
  flags.lesson = String(step);
  return { flags, notice: null };
}

/** The backend the address asks for, or "auto" with a notice when it names none that exists. */
export function resolveBackend(req: RequestedSettings): { backend: BackendChoice; notice: string | null } {
  const b = req.backend;
  if (b === undefined || b === "auto") return { backend: "auto", notice: null };
  if (isBackendName(b)) return { backend: b, notice: null };
  return { backend: "auto", notice: `The address asks for the backend "${b}", which does not exist; choosing one automatically instead.` };
}

/** The model the address asks for, or the first one with a notice. */
export function resolveModel(req: RequestedSettings, models: { id: string; name: string }[]): { model: string; notice: string | null } {
  const found = models.find((m) => m.id === req.model);
  if (found || req.model === undefined) return { model: (found ?? models[0]).id, notice: null };
  return { model: models[0].id, notice: `The address asks for the model "${req.model}", which this site does not have; showing ${models[0].name} instead.` };
}

const middle = <T>(list: T[]): T => list[Math.floor((list.length - 1) / 2)];

/**
 * Settings for model `manifest` from what the address asks for: values it lacks become the model's defaults
 * (its defaultView, else the middle split and rate, the first sample), and each value it names but the model
 * does not have becomes a notice saying what is shown instead. `custom` is the kind of input this tab holds
 * (an upload or a drawing), if any.
 */
export function resolveSettings(
  req: RequestedSettings,
  manifest: ModelManifest,
  samples: { id: string; label: string }[],
  custom: "upload" | "draw" | null,
): { settings: ViewSettings; notices: string[] } {
  const notices: string[] = [];
  const byDefault = manifest.splits.find((s) => s.id === manifest.defaultView?.split) ?? middle(manifest.splits);
  let split = manifest.splits.find((s) => s.id === req.split);
  if (!split) {
    if (req.split !== undefined)
      notices.push(`The address asks for the split point "${req.split}", which ${manifest.name} does not have; showing "${byDefault.label}" instead.`);
    split = byDefault;
  }
  const defaultRate =
    (split === byDefault ? split.rates.find((r) => r.id === manifest.defaultView?.rate) : undefined) ?? (split.rates.length ? middle(split.rates) : undefined);
  let rate = split.rates.find((r) => r.id === req.rate);
  if (!rate) {
    if (req.rate !== undefined && defaultRate)
      notices.push(`The address asks for the rate level "${req.rate}", which "${split.label}" does not have; showing ${defaultRate.id} instead.`);
    rate = defaultRate;
  }
  let sample = samples.find((s) => s.id === req.sample)?.id;
  if (sample === undefined && req.sample !== undefined && req.sample === custom) sample = custom;
  if (sample === undefined) {
    const first = samples[0];
    if (req.sample === "upload" || req.sample === "draw")
      notices.push(
        `This link was made with ${req.sample === "upload" ? "an uploaded picture" : "a drawing"}, which stays in the browser that made it; showing ${first ? `sample ${first.id} (${first.label})` : "no input"} instead.`,
      );
    else if (req.sample !== undefined)
      notices.push(
        `The address asks for the sample "${req.sample}", which ${manifest.name} does not have; showing ${first ? `sample ${first.id}` : "no input"} instead.`,
      );
    sample = first?.id ?? "";
  }
  const { backend, notice } = resolveBackend(req);
  if (notice) notices.push(notice);
  const page = resolvePageFlags(req);
  if (page.notice) notices.push(page.notice);
  return { settings: { model: manifest.id, split: split.id, rate: rate?.id ?? "", sample, backend, ...page.flags }, notices };
}

/** The address of a request: its fields in a fixed order, the automatic backend left out. */
export function requestToSearch(r: RequestedSettings): string {
  const q = new URLSearchParams();
  for (const key of KEYS) {
    const v = r[key];
    if (v && !(key === "backend" && v === "auto")) q.set(key, v);
  }
  return "?" + q.toString();
}

export function settingsToSearch(s: ViewSettings): string {
  return requestToSearch(s);
}

export function sameSettings(a: ViewSettings, b: ViewSettings): boolean {
  return settingsToSearch(a) === settingsToSearch(b);
}

/**
 * Everything that defines a view, in one typed record serialised to and from the address bar, so any view is
 * a shareable link. Ids (not indices) go into the URL so links stay readable.
 */
import { isBackendName, type BackendName } from "@/lib/tf/browser-backend";

export type BackendChoice = BackendName | "auto";

export interface ViewSettings {
  model: string;
  split: string;
  rate: string;
  /** A sample id, or "upload" / "draw" for inputs that only live in this tab. */
  sample: string;
  backend: BackendChoice;
}

/** Reads whatever the query string has; missing or unknown values are left to the caller's defaults. */
export function readSettings(search: string): Partial<ViewSettings> {
  const q = new URLSearchParams(search);
  const out: Partial<ViewSettings> = {};
  for (const key of ["model", "split", "rate", "sample"] as const) {
    const v = q.get(key);
    if (v) out[key] = v;
  }
  const b = q.get("backend");
  if (b === "auto" || isBackendName(b)) out.backend = b;
  return out;
}

export function settingsToSearch(s: ViewSettings): string {
  const q = new URLSearchParams({ model: s.model, split: s.split, rate: s.rate, sample: s.sample });
  if (s.backend !== "auto") q.set("backend", s.backend);
  return "?" + q.toString();
}

export function sameSettings(a: ViewSettings, b: ViewSettings): boolean {
  return settingsToSearch(a) === settingsToSearch(b);
}

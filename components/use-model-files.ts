"use client";

/**
 * The page's own copy of a model's small files (registry, manifest, RD results, samples), fetched on the main
 * thread so the controls, the precomputed figures and the RD chart appear before the worker has loaded weights.
 */
import { useEffect, useState } from "react";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { rdProblems, type RdFile } from "@/lib/metrics/rd-schema";
import { parseSamples, type Sample } from "@/lib/view/samples";
import { assetUrl } from "@/lib/worker/asset-url";
import type { RegistryEntry } from "@/lib/worker/playground-protocol";

export interface ModelFiles {
  manifest: ModelManifest;
  rd: RdFile | null;
  /** Why the RD file is missing or unusable, if it is. */
  rdProblem: string | null;
  samples: Sample[];
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`Could not download ${url} (HTTP ${res.status}).`);
  return res.json();
}

export function useRegistry(): { registry: RegistryEntry[] | null; error: string | null } {
  const [state, setState] = useState<{ registry: RegistryEntry[] | null; error: string | null }>({ registry: null, error: null });
  useEffect(() => {
    let live = true;
    getJson(assetUrl("/models/index.json"))
      .then((json) => {
        const models = (json as { models?: RegistryEntry[] }).models;
        if (!Array.isArray(models) || models.length === 0) throw new Error("The model registry lists no models.");
        if (live) setState({ registry: models, error: null });
      })
      .catch((e: unknown) => live && setState({ registry: null, error: e instanceof Error ? e.message : String(e) }));
    return () => {
      live = false;
    };
  }, []);
  return state;
}

export function useModelFiles(entry: RegistryEntry | null): { files: ModelFiles | null; error: string | null } {
  const [state, setState] = useState<{ id: string | null; files: ModelFiles | null; error: string | null }>({ id: null, files: null, error: null });
  useEffect(() => {
    if (!entry) return;
    let live = true;
    (async () => {
      const url = assetUrl("/" + entry.manifest);
      const folder = url.slice(0, url.lastIndexOf("/") + 1);
      const manifest = validateManifest(await getJson(url));
      let rd: RdFile | null = null;
      let rdProblem: string | null = null;
      if (manifest.rd) {
        try {
          const json = await getJson(assetUrl("/" + manifest.rd));
          const problems = rdProblems(json);
          if (problems.length) rdProblem = `The RD results file does not match its schema: ${problems.slice(0, 3).join("; ")}.`;
          else rd = json as RdFile;
        } catch (e) {
          rdProblem = e instanceof Error ? e.message : String(e);
        }
      } else rdProblem = "This model has no precomputed rate-distortion results.";
      let samples: Sample[] = [];
      if (manifest.samples) {
        const url = new URL(folder + manifest.samples, window.location.href).pathname;
        samples = parseSamples(await getJson(url), url.slice(0, url.lastIndexOf("/") + 1));
      }
      return { manifest, rd, rdProblem, samples };
    })()
      .then((files) => live && setState({ id: entry.id, files, error: null }))
      .catch((e: unknown) => live && setState({ id: entry.id, files: null, error: e instanceof Error ? e.message : String(e) }));
    return () => {
      live = false;
    };
  }, [entry]);
  return state.id === entry?.id ? state : { files: null, error: null };
}

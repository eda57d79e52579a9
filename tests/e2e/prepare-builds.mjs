#!/usr/bin/env node
/**
 * The end-to-end tests run against two static exports: out/ (served at the root) and .tmp/out-base/ (built
 * with BASE_PATH=/splitscope, served under that prefix). Each is (re)built only when missing, built for
 * another base path, or older than a source file, so `npm test` right after `npm run build` builds one site.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
export const E2E_BASE_PATH = "/splitscope";
const SITES = [
  { outDir: "out", basePath: "" },
  { outDir: ".tmp/out-base", basePath: E2E_BASE_PATH },
];
const INPUTS = ["app", "components", "lib", "public", "next.config.js", "postcss.config.mjs", "package-lock.json", "tsconfig.json", "scripts/csp.mjs"];

function newestMtime(path) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs; // a deleted file changes its folder's mtime
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function whyStale({ outDir, basePath }, sourcesMtime) {
  const index = join(root, outDir, "index.html");
  if (!existsSync(index)) return "missing";
  if (!readFileSync(index, "utf8").includes(`"${basePath}/_next/static/`)) return "built for another base path";
  if (!readFileSync(index, "utf8").includes('http-equiv="Content-Security-Policy"')) return "has no Content-Security-Policy meta (npm run build adds it)";
  if (statSync(index).mtimeMs < sourcesMtime) return "older than the sources";
  return null;
}

const sourcesMtime = Math.max(...INPUTS.map((p) => newestMtime(join(root, p))));
for (const site of SITES) {
  const why = whyStale(site, sourcesMtime);
  if (!why) {
    console.log(`prepare-builds: ${site.outDir} is up to date`);
    continue;
  }
  console.log(`prepare-builds: building ${site.outDir} (base path "${site.basePath}"): ${why}`);
  const started = Date.now();
  const r = spawnSync("npm", ["run", "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, BASE_PATH: site.basePath, OUT_DIR: site.outDir === "out" ? "" : site.outDir },
  });
  if (r.status !== 0) {
    console.error(`prepare-builds: the build of ${site.outDir} failed`);
    process.exit(r.status ?? 1);
  }
  console.log(`prepare-builds: ${site.outDir} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

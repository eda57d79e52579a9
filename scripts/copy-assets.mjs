#!/usr/bin/env node
/**
 * Copies runtime assets that live in node_modules into public/, so the static site serves them itself
 * (nothing is ever fetched from a CDN). Runs before `next dev` and `next build`, and at the start of every script
 * that reads them from public/ (e.g. bench:pipeline), so those work on a fresh checkout before any build.
 *
 * To ship another file, add an entry to COPIES: `from` is relative to the repository root, `to` to public/.
 * A copy is skipped when the target already has the same size and is not older than the source.
 */
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wasmDist = "node_modules/@tensorflow/tfjs-backend-wasm/dist";
// The CenterNet detector ships inside @vladmandic/human (MIT); its weights are served, never committed.
const humanModels = "node_modules/@vladmandic/human/models";

/** @type {{ from: string; to: string }[]} */
export const COPIES = [
  { from: `${wasmDist}/tfjs-backend-wasm.wasm`, to: "wasm/tfjs-backend-wasm.wasm" },
  { from: `${wasmDist}/tfjs-backend-wasm-simd.wasm`, to: "wasm/tfjs-backend-wasm-simd.wasm" },
  { from: `${wasmDist}/tfjs-backend-wasm-threaded-simd.wasm`, to: "wasm/tfjs-backend-wasm-threaded-simd.wasm" },
  { from: `${humanModels}/centernet.json`, to: "models/centernet/centernet.json" },
  { from: `${humanModels}/centernet.bin`, to: "models/centernet/centernet.bin" },
];

function upToDate(src, dst) {
  if (!existsSync(dst)) return false;
  const a = statSync(src);
  const b = statSync(dst);
  return a.size === b.size && b.mtimeMs >= a.mtimeMs;
}

/**
 * Copies what is missing or stale; returns how many files it copied. Checks every source before copying any.
 * @param {{ copies?: { from: string; to: string }[]; publicDir?: string }} [options]
 */
export function copyAssets({ copies = COPIES, publicDir = join(root, "public") } = {}) {
  const missing = copies.find(({ from }) => !existsSync(join(root, from)));
  if (missing) throw new Error(`copy-assets: ${missing.from} is missing. Run \`npm ci\` first.`);
  let copied = 0;
  for (const { from, to } of copies) {
    const src = join(root, from);
    const dst = join(publicDir, to);
    if (upToDate(src, dst)) continue;
    mkdirSync(dirname(dst), { recursive: true });
    copyFileSync(src, dst);
    copied++;
  }
  return copied;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const copied = copyAssets();
    console.log(`copy-assets: ${copied} copied, ${COPIES.length - copied} already up to date (${relative(process.cwd(), join(root, "public")) || "."})`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}

/**
 * Times the playground as a person meets it: the built static site in Debian's Chromium (Playwright), the wasm
 * backend, each model opened by its address. Per model:
 *   loadMs         navigation start -> the model's loading indicator is gone (median over --loads fresh tabs)
 *   firstResultMs  navigation start -> the first live result is on the page (same tabs)
 *   rateChangeMs   a rate level chosen on the slider -> its live result shown; median of --changes changes per
 *                  split point (after each level was visited once), and the slowest split's median as the summary
 *   rateFirstVisitMs, splitChangeMs (each split point visited once more after all were loaded), medians
 * Times are taken inside the page (performance.now around the input event and a MutationObserver waiting for the
 * result), so Playwright's polling does not enter them. The loads open at the last (deepest) split point.
 *
 *   npm run bench:page [-- --json] [-- --dir out] [-- --model centernet] [-- --loads 3] [-- --changes 10]
 *
 * Builds nothing: run `npm run build` first (or point --dir at another export, e.g. an older build, to compare).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "@playwright/test";
import { median } from "@/lib/metrics/summary";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import { CHROMIUM_ARGS } from "../tests/e2e/sites";
import { readOptions } from "./args";
// @ts-expect-error -- a plain .mjs module without types; startServer({ dir, port, base, host }) -> http.Server
import { startServer } from "./serve-static.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const opts = readOptions("bench:page", {
  json: { type: "boolean", help: "print one JSON object instead of a table" },
  dir: { type: "string", help: "the exported site to serve (default out)" },
  model: { type: "string", help: "only this model id" },
  loads: { type: "number", min: 1, integer: true, help: "fresh tabs per model for the load times (default 3)" },
  changes: { type: "number", min: 2, integer: true, help: "timed rate changes per split point (default 10)" },
});
const dir = path.resolve(ROOT, opts.dir ?? "out");
const LOADS = opts.loads ?? 3;
const CHANGES = opts.changes ?? 10;
const TIMEOUT_MS = 180_000;

if (!existsSync(path.join(dir, "index.html"))) {
  console.error(`bench:page: ${dir}/index.html not found. Build the site first: npm run build`);
  process.exit(1);
}

// Chromium's profile and caches stay inside the project, as in the end-to-end tests.
const scratch = path.join(ROOT, ".tmp", "bench-page");
for (const d of ["tmp", "config", "cache"]) mkdirSync(path.join(scratch, d), { recursive: true });
process.env.TMPDIR = path.join(scratch, "tmp");
process.env.XDG_CONFIG_HOME = path.join(scratch, "config");
process.env.XDG_CACHE_HOME = path.join(scratch, "cache");

const registry = JSON.parse(readFileSync(path.join(dir, "models/index.json"), "utf8")) as { models: { id: string; manifest: string }[] };
const manifests = registry.models
  .filter((m) => opts.model === undefined || m.id === opts.model)
  .map((m) => validateManifest(JSON.parse(readFileSync(path.join(dir, m.manifest), "utf8"))));
if (manifests.length === 0) {
  console.error(`bench:page: no model ${opts.model} in ${dir}/models/index.json`);
  process.exit(2);
}

// The two scripts below run inside the page. They are plain strings: tsx rewrites functions (adding name helpers
// the page does not have), so a function handed to Playwright would not survive the trip.

/** Installed before the page's own scripts: notes when the loading indicator goes and the first result comes. */
const WATCH_LOAD = `(() => {
  const b = (window.__bench = {});
  const check = () => {
    if (document.getElementById("model-progress")) b.sawProgress = true;
    else if (b.sawProgress && b.loadedMs === undefined) b.loadedMs = performance.now();
    if (b.firstResultMs === undefined && document.querySelector('[data-testid="live"]')) {
      b.firstResultMs = performance.now();
      if (b.loadedMs === undefined) b.loadedMs = b.firstResultMs;
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
})()`;

/**
 * Sets a control (by element id) the way a person's input does, and resolves with the milliseconds until a live
 * result matching `want` and newer than the one shown before is on the page.
 */
const TIMED_CHANGE = `({ control, value, want, timeout }) => {
  const el = document.getElementById(control);
  const live = document.querySelector('[data-testid="live"]');
  const before = Number(live ? live.getAttribute("data-token") : -1);
  let sel = '[data-testid="live"]';
  if (want.split) sel += '[data-split="' + want.split + '"]';
  if (want.rate) sel += '[data-rate="' + want.rate + '"]';
  const done = () => {
    const l = document.querySelector(sel);
    return l !== null && Number(l.getAttribute("data-token")) > before;
  };
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
      if (!done()) return;
      observer.disconnect();
      resolve(performance.now() - t0);
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    setTimeout(() => {
      observer.disconnect();
      reject(new Error("no result for " + control + "=" + value + " within " + timeout + " ms"));
    }, timeout);
    const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
    Object.getOwnPropertyDescriptor(proto, "value").set.call(el, value);
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  });
}`;

async function timedChange(page: Page, control: "rate-level" | "split-select", value: string, want: { split?: string; rate?: string }): Promise<number> {
  const fn = await page.evaluateHandle(TIMED_CHANGE);
  try {
    return (await fn.evaluate((f, arg) => (f as unknown as (a: typeof arg) => Promise<number>)(arg), { control, value, want, timeout: TIMEOUT_MS })) as number;
  } finally {
    await fn.dispose();
  }
}

async function openTab(browser: Browser, url: string): Promise<{ page: Page; loadMs: number; firstResultMs: number; close: () => Promise<void> }> {
  // The site's Content-Security-Policy forbids evaluating strings, which is how the timing scripts above get in;
  // bypassing it changes nothing the page itself does.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.addInitScript({ content: WATCH_LOAD });
  await page.goto(url);
  await page.waitForFunction("window.__bench && window.__bench.firstResultMs !== undefined", null, { timeout: TIMEOUT_MS, polling: 100 });
  const b = (await page.evaluate("window.__bench")) as { loadedMs: number; firstResultMs: number };
  return { page, loadMs: b.loadedMs!, firstResultMs: b.firstResultMs!, close: () => context.close() };
}

const round = (v: number) => Math.round(v * 10) / 10;

async function benchModel(browser: Browser, origin: string, m: ModelManifest) {
  const deepest = m.splits[m.splits.length - 1];
  const url = `${origin}/?model=${m.id}&backend=wasm&split=${deepest.id}`;
  const loads: number[] = [];
  const firsts: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const tab = await openTab(browser, url);
    loads.push(tab.loadMs);
    firsts.push(tab.firstResultMs);
    if (i < LOADS - 1) await tab.close();
    else {
      const { page } = tab;
      const bySplit: Record<string, number> = {};
      const firstVisits: number[] = [];
      const allChanges: number[] = [];
      const splitChanges: number[] = [];
      // The deepest split first (already open), then the others.
      for (const split of [deepest, ...m.splits.filter((s) => s !== deepest)]) {
        if (split !== deepest) await timedChange(page, "split-select", split.id, { split: split.id });
        for (const rate of split.rates) firstVisits.push(await timedChange(page, "rate-level", String(rate.index), { split: split.id, rate: rate.id }));
        const changes: number[] = [];
        // Steps of 1, 2, ... levels from wherever the slider is: small and large changes alike.
        for (let k = 0; k < CHANGES; k++) {
          const current = Number(await page.locator("#rate-level").inputValue());
          const target = split.rates[(current + 1 + (k % (split.rates.length - 1))) % split.rates.length];
          changes.push(await timedChange(page, "rate-level", String(target.index), { split: split.id, rate: target.id }));
        }
        bySplit[split.id] = round(median(changes));
        allChanges.push(...changes);
      }
      // Every split's units are loaded now: split changes (each split once more, twice round).
      for (let pass = 0; pass < 2; pass++) {
        for (const split of m.splits) {
          const current = await page.locator("#split-select").inputValue();
          if (current === split.id) continue;
          splitChanges.push(await timedChange(page, "split-select", split.id, { split: split.id }));
        }
      }
      await tab.close();
      return {
        loadMs: round(median(loads)),
        firstResultMs: round(median(firsts)),
        rateChangeMs: Math.max(...Object.values(bySplit)),
        rateChangeMsBySplit: bySplit,
        rateFirstVisitMs: round(median(firstVisits)),
        splitChangeMs: round(median(splitChanges)),
        runs: { loads: loads.map(round), firstResults: firsts.map(round), rateChanges: allChanges.length, splitChanges: splitChanges.length },
      };
    }
  }
  throw new Error("unreachable");
}

const server = (await startServer({ dir, port: 0, base: "", host: "127.0.0.1" })) as import("node:http").Server;
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS, headless: true });
const results: Record<string, Awaited<ReturnType<typeof benchModel>>> = {};
try {
  for (const m of manifests) results[m.id] = await benchModel(browser, origin, m);
} finally {
  await browser.close();
  server.close();
}

const out = { site: path.relative(ROOT, dir) || ".", backend: "wasm", loads: LOADS, changesPerSplit: CHANGES, models: results };
if (opts.json) console.log(JSON.stringify(out, null, 2));
else {
  console.log(`bench:page on ${out.site} (wasm, Chromium, medians in ms)`);
  for (const [id, r] of Object.entries(results)) {
    console.log(
      `${id.padEnd(10)} load ${r.loadMs}  first result ${r.firstResultMs}  rate change ${r.rateChangeMs} (${Object.entries(r.rateChangeMsBySplit)
        .map(([s, v]) => `${s} ${v}`)
        .join(", ")})  first visit of a level ${r.rateFirstVisitMs}  split change ${r.splitChangeMs}`,
    );
  }
}

#!/usr/bin/env node
/**
 * The site's Content-Security-Policy, one definition for every place it is used:
 * - `npm run build` runs this file after `next build` (postbuild): each exported HTML page gets the policy as a
 *   `<meta http-equiv>` tag, with the sha256 hashes of that page's own inline scripts (Next's bootstrap and its
 *   React Server Components payload), so a host that can set no headers still enforces it;
 * - scripts/serve-static.mjs sends the same policy as a header: a page's own (read from its meta tag) for HTML,
 *   the base policy for everything else (which is what governs the Web Worker, whose script is a plain .js file).
 *
 * No 'unsafe-inline' and no 'unsafe-eval': inline scripts run only if their hash is listed, and the one
 * exception to "no code from strings" is 'wasm-unsafe-eval', which compiling TensorFlow.js's wasm backend needs.
 *
 *   node scripts/csp.mjs [dir]     (dir: OUT_DIR or out by default)
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** Directives without the page's script hashes. frame-ancestors is left out: a <meta> policy may not carry it. */
export const BASE_DIRECTIVES = {
  "default-src": ["'self'"],
  "script-src": ["'self'", "'wasm-unsafe-eval'"],
  "style-src": ["'self'"],
  "img-src": ["'self'"],
  "font-src": ["'self'"],
  "connect-src": ["'self'"],
  "worker-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'none'"],
};

/** The policy text, with the given script hashes ("sha256-...") allowed as inline scripts. */
export function policy(scriptHashes = []) {
  const directives = { ...BASE_DIRECTIVES, "script-src": [...BASE_DIRECTIVES["script-src"], ...scriptHashes.map((h) => `'${h}'`)] };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(" ")}`)
    .join("; ");
}

export const BASE_POLICY = policy();

const SCRIPT = /<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi;
const META = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"\s*\/?>/i;

/** "sha256-<base64>" of every inline script (one without src) in the page, in page order, without repeats. */
export function inlineScriptHashes(html) {
  const hashes = [];
  for (const [, attrs, body] of html.matchAll(SCRIPT)) {
    if (/\bsrc\s*=/i.test(attrs)) continue;
    const type = /\btype\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1].toLowerCase();
    // Data blocks (JSON and the like) are never executed, so the policy does not concern them.
    if (type && !["text/javascript", "module", "application/javascript"].includes(type)) continue;
    const hash = `sha256-${createHash("sha256").update(body, "utf8").digest("base64")}`;
    if (!hashes.includes(hash)) hashes.push(hash);
  }
  return hashes;
}

/**
 * The page with its policy as the first thing in <head> after the charset (a meta policy covers only what
 * follows it). A policy already there is replaced, so running the step twice changes nothing.
 */
export function withPolicyMeta(html) {
  const bare = html.replace(META, "");
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy(inlineScriptHashes(bare))}"/>`;
  const charset = /<meta charSet="[^"]*"\s*\/?>/i.exec(bare);
  if (charset) return bare.slice(0, charset.index + charset[0].length) + meta + bare.slice(charset.index + charset[0].length);
  const head = /<head[^>]*>/i.exec(bare);
  if (!head) throw new Error("no <head> to put the Content-Security-Policy in");
  return bare.slice(0, head.index + head[0].length) + meta + bare.slice(head.index + head[0].length);
}

/** The policy a page carries in its meta tag, or null. */
export function policyOfPage(html) {
  return META.exec(html)?.[1] ?? null;
}

function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".html"))
    .map((e) => join(e.parentPath, e.name));
}

/** Adds the policy meta to every HTML page under dir; returns how many pages and distinct hashes. */
export function addPolicyToSite(dir) {
  const files = htmlFiles(dir);
  const hashes = new Set();
  for (const file of files) {
    const html = withPolicyMeta(readFileSync(file, "utf8"));
    for (const h of inlineScriptHashes(html)) hashes.add(h);
    writeFileSync(file, html);
  }
  return { pages: files.length, hashes: hashes.size };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = process.argv[2] ?? (process.env.OUT_DIR?.trim() || "out");
  try {
    const { pages, hashes } = addPolicyToSite(dir);
    if (pages === 0) throw new Error(`no HTML pages under ${dir}/`);
    console.log(`csp: policy meta added to ${pages} pages under ${relative(process.cwd(), dir) || "."}/ (${hashes} inline script hashes)`);
  } catch (e) {
    console.error(`csp: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}

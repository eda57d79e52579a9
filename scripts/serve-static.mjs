#!/usr/bin/env node
/**
 * A small dependency-free static file server for the exported site (out/).
 *
 *   node scripts/serve-static.mjs [--dir out] [--port 3000] [--base /splitscope] [--host 127.0.0.1]
 *
 * PORT, SERVE_DIR and BASE_PATH env variables work too (flags win). With a base path the site is served
 * only under that prefix (as on a real sub-path host) and "/" redirects there.
 *
 * Every answer carries `X-Content-Type-Options: nosniff` and the site's Content-Security-Policy (scripts/csp.mjs).
 * Whatever a client sends or the disk does, a request gets an answer or a closed connection, never a crash:
 * files are streamed with stream.pipeline, so an abandoned download closes its file, and every error is caught.
 */
import { statSync } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { createServer, STATUS_CODES } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { Buffer } from "node:buffer";
import { pipeline } from "node:stream";
import { parseArgs as parseNodeArgs } from "node:util";
import { BASE_POLICY, policyOfPage } from "./csp.mjs";

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".bin": "application/octet-stream",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
};
const TEXT = MIME[".txt"];
/** Bytes read before answering, so that a file which cannot be read gets a 500 instead of a cut-off 200. */
const FIRST_CHUNK = 64 * 1024;
const CLIENT_GONE = new Set(["ERR_STREAM_PREMATURE_CLOSE", "EPIPE", "ECONNRESET"]);

function parseArgs(argv) {
  const { values } = parseNodeArgs({
    args: argv,
    strict: true,
    options: { dir: { type: "string" }, port: { type: "string" }, base: { type: "string" }, host: { type: "string" } },
  });
  const opts = {
    dir: values.dir ?? process.env.SERVE_DIR ?? "out",
    port: Number(values.port ?? process.env.PORT ?? 3000),
    base: values.base ?? process.env.BASE_PATH ?? "",
    host: values.host ?? process.env.HOST ?? "127.0.0.1",
  };
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error(`bad port ${values.port ?? process.env.PORT}`);
  opts.base = opts.base.replace(/\/+$/, "");
  if (opts.base && !opts.base.startsWith("/")) throw new Error(`base path must start with "/", got ${opts.base}`);
  return opts;
}

function fileAt(path) {
  try {
    const st = statSync(path);
    return st.isFile() ? st : null;
  } catch {
    return null;
  }
}

/** Maps a URL path to a file under root, or null. Never leaves root. */
export function resolveFile(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const target = resolve(root, "." + (decoded.startsWith("/") ? decoded : "/" + decoded));
  if (target !== root && !target.startsWith(root + sep)) return null;
  // Exported routes are folders with index.html (trailingSlash) or NAME.html files.
  for (const candidate of [target, join(target, "index.html"), target + ".html"]) {
    const st = fileAt(candidate);
    if (st) return { path: candidate, size: st.size };
  }
  return null;
}

/** The path of a request target ("/a/b?q#f" -> "/a/b"), or null for one that is not a path (e.g. "http://x/"). */
function pathOf(target) {
  if (!target.startsWith("/")) return null;
  return target.replace(/[?#].*$/s, "");
}

function securityHeaders(policy = BASE_POLICY) {
  return { "x-content-type-options": "nosniff", "content-security-policy": policy };
}

/** A short plain-text answer; when the headers are already out, the only honest thing left is to cut the connection. */
function sendText(res, status, text, extra = {}) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${status} ${STATUS_CODES[status]}: ${text}\n`;
  res.writeHead(status, { ...securityHeaders(), "content-type": TEXT, "content-length": Buffer.byteLength(body), "cache-control": "no-store", ...extra });
  res.end(body);
}

function sendError(res, e) {
  const code = e?.code;
  if (code === "ENOENT" || code === "EISDIR") sendText(res, 404, "nothing here.");
  else if (code === "EMFILE" || code === "ENFILE") sendText(res, 503, "the server has too many files open; try again in a moment.", { "retry-after": "1" });
  else {
    console.error(`serve-static: ${e instanceof Error ? e.message : e}`);
    sendText(res, 500, "the file could not be read.");
  }
}

const warnedNoPolicy = new Set();

/** An HTML page, sent whole with the policy its meta tag carries (scripts/csp.mjs put it there at build time). */
async function sendPage(req, res, path, status) {
  const html = await readFile(path);
  const policy = policyOfPage(html.toString("utf8"));
  if (!policy && !warnedNoPolicy.has(path)) {
    warnedNoPolicy.add(path);
    console.error(`serve-static: ${path} has no Content-Security-Policy meta tag; build with \`npm run build\`, whose last step adds it`);
  }
  res.writeHead(status, {
    ...securityHeaders(policy ?? BASE_POLICY),
    "content-type": MIME[".html"],
    "content-length": html.length,
    "cache-control": "no-cache",
  });
  res.end(req.method === "HEAD" ? undefined : html);
}

/** Any other file, streamed. The file is closed when the download ends, fails or is abandoned. */
async function sendFile(req, res, path) {
  let handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const first = Buffer.alloc(Math.min(Math.max(size, 1), FIRST_CHUNK));
    const { bytesRead } = await handle.read(first, 0, first.length, 0);
    if (res.destroyed) return;
    res.writeHead(200, {
      ...securityHeaders(),
      "content-type": MIME[extname(path).toLowerCase()] ?? "application/octet-stream",
      "content-length": size,
      "cache-control": "no-cache",
    });
    if (req.method === "HEAD" || bytesRead >= size) {
      res.end(req.method === "HEAD" ? undefined : first.subarray(0, Math.min(bytesRead, size)));
      return;
    }
    const rest = handle.createReadStream({ start: bytesRead });
    handle = null; // the stream owns the file now and closes it however it ends
    res.write(first.subarray(0, bytesRead));
    pipeline(rest, res, (err) => {
      // A client that goes away mid-download is normal; anything else (a read error after the headers) is worth a line.
      if (err && !CLIENT_GONE.has(err.code)) console.error(`serve-static: ${path}: ${err.message}`);
    });
  } finally {
    await handle?.close().catch(() => {});
  }
}

export function startServer({ dir, port, base, host }) {
  const root = resolve(dir);
  const notFoundPage = fileAt(join(root, "404.html")) ? join(root, "404.html") : null;

  async function handle(req, res) {
    if (req.method !== "GET" && req.method !== "HEAD") return sendText(res, 405, "only GET and HEAD.", { allow: "GET, HEAD" });
    let path = pathOf(req.url ?? "/");
    if (path === null) return sendText(res, 400, "the request target is not a path.");
    if (base) {
      if (path === "/" || path === base) {
        res.writeHead(302, { ...securityHeaders(), location: base + "/" }).end();
        return;
      }
      if (!path.startsWith(base + "/")) return notFound(req, res);
      path = path.slice(base.length);
    }
    const file = resolveFile(root, path);
    if (!file) return notFound(req, res);
    if (extname(file.path) === ".html") await sendPage(req, res, file.path, 200);
    else await sendFile(req, res, file.path);
  }

  async function notFound(req, res) {
    if (notFoundPage) await sendPage(req, res, notFoundPage, 404);
    else sendText(res, 404, "nothing here.");
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e) => sendError(res, e));
  });
  // Requests Node refuses before they reach the handler: without this, an over-long address gets an empty 431.
  server.on("clientError", (err, socket) => {
    if (err.code === "ECONNRESET" || !socket.writable) return socket.destroy();
    const [status, text] =
      err.code === "HPE_HEADER_OVERFLOW"
        ? [431, "the address or the request headers are too long (at most 16 KB together)."]
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "the request took too long to arrive."]
          : [400, "the request could not be parsed."];
    const body = `${status} ${STATUS_CODES[status]}: ${text}\n`;
    const headers = { ...securityHeaders(), "content-type": TEXT, "content-length": Buffer.byteLength(body), connection: "close" };
    const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join("")}\r\n${body}`);
  });

  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      // E.g. EMFILE when accepting a connection: that one client is dropped, the server goes on.
      server.on("error", (e) => console.error(`serve-static: ${e.message}`));
      ok(server);
    });
  });
}

if (process.argv[1] && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    if (!fileAt(join(resolve(opts.dir), "index.html"))) {
      console.error(`serve-static: ${opts.dir}/index.html not found. Build the site first: npm run build`);
      process.exit(1);
    }
    const server = await startServer(opts);
    const { port } = server.address();
    console.log(`serve-static: ${opts.dir} at http://${opts.host}:${port}${opts.base}/`);
    for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
  } catch (e) {
    console.error(`serve-static: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}

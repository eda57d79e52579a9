#!/usr/bin/env node
/**
 * A small dependency-free static file server for the exported site (out/).
 *
 *   node scripts/serve-static.mjs [--dir out] [--port 3000] [--base /splitscope] [--host 127.0.0.1]
 *
 * PORT, SERVE_DIR and BASE_PATH env variables work too (flags win). With a base path the site is served
 * only under that prefix (as on a real sub-path host) and "/" redirects there.
 */
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, resolve, sep } from "node:path";

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

function parseArgs(argv) {
  const opts = {
    dir: process.env.SERVE_DIR ?? "out",
    port: Number(process.env.PORT ?? 3000),
    base: process.env.BASE_PATH ?? "",
    host: process.env.HOST ?? "127.0.0.1",
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => inline ?? argv[++i];
    if (flag === "--dir") opts.dir = value();
    else if (flag === "--port") opts.port = Number(value());
    else if (flag === "--base") opts.base = value();
    else if (flag === "--host") opts.host = value();
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new Error(`bad port ${opts.port}`);
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

export function startServer({ dir, port, base, host }) {
  const root = resolve(dir);
  const notFoundPage = fileAt(join(root, "404.html")) ? join(root, "404.html") : null;

  const server = createServer((req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    let path = url.pathname;
    if (base) {
      if (path === "/" || path === base) {
        res.writeHead(302, { location: base + "/" }).end();
        return;
      }
      if (!path.startsWith(base + "/")) return notFound(res);
      path = path.slice(base.length);
    }
    const file = resolveFile(root, path);
    if (!file) return notFound(res);
    res.writeHead(200, {
      "content-type": MIME[extname(file.path).toLowerCase()] ?? "application/octet-stream",
      "content-length": file.size,
      "cache-control": "no-cache",
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file.path).pipe(res);
  });

  function notFound(res) {
    res.writeHead(404, { "content-type": notFoundPage ? MIME[".html"] : MIME[".txt"] });
    if (notFoundPage) createReadStream(notFoundPage).pipe(res);
    else res.end("404 Not Found\n");
  }

  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok(server));
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

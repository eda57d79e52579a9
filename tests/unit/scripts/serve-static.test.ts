import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { startServer } from "../../../scripts/serve-static.mjs";
// @ts-expect-error: a plain .mjs script without type declarations
import { BASE_POLICY } from "../../../scripts/csp.mjs";

let dir: string;
const PAGE_POLICY = "default-src 'self'; script-src 'self' 'sha256-abc='";
const servers: Server[] = [];

async function serve(base = ""): Promise<string> {
  const server: Server = await startServer({ dir, port: 0, base, host: "127.0.0.1" });
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Raw request, so paths like /../ reach the server unnormalised. */
async function rawGet(origin: string, path: string): Promise<number> {
  const { request } = await import("node:http");
  const { hostname, port } = new URL(origin);
  return new Promise((ok, fail) => {
    const req = request({ hostname, port, path, method: "GET" }, (res) => {
      res.resume();
      ok(res.statusCode ?? 0);
    });
    req.on("error", fail);
    req.end();
  });
}

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), "serve-static-"));
  dir = join(root, "site");
  mkdirSync(join(dir, "wasm"), { recursive: true });
  mkdirSync(join(dir, "learn"), { recursive: true });
  writeFileSync(join(dir, "index.html"), "<h1>home</h1>");
  writeFileSync(join(dir, "learn", "index.html"), "<h1>learn</h1>");
  writeFileSync(join(dir, "csp.html"), `<html><head><meta http-equiv="Content-Security-Policy" content="${PAGE_POLICY}"/></head></html>`);
  writeFileSync(join(dir, "404.html"), "<h1>missing</h1>");
  writeFileSync(join(dir, "wasm", "a.wasm"), new Uint8Array([0, 97, 115, 109]));
  writeFileSync(join(dir, "m.json"), "{}");
  writeFileSync(join(dir, "w.bin"), new Uint8Array(3));
  writeFileSync(join(root, "secret.txt"), "outside the site");
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((ok) => s.close(ok))));
  rmSync(join(dir, ".."), { recursive: true, force: true });
});

describe("serve-static", () => {
  it("serves files with the right MIME types and folders through index.html", async () => {
    const origin = await serve();
    const wasm = await fetch(`${origin}/wasm/a.wasm`);
    expect(wasm.headers.get("content-type")).toBe("application/wasm");
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]));
    expect((await fetch(`${origin}/m.json`)).headers.get("content-type")).toMatch(/^application\/json/);
    expect((await fetch(`${origin}/w.bin`)).headers.get("content-type")).toBe("application/octet-stream");
    expect(await (await fetch(`${origin}/`)).text()).toBe("<h1>home</h1>");
    expect(await (await fetch(`${origin}/learn/`)).text()).toBe("<h1>learn</h1>");
  });

  it("answers 404 with the site's 404 page, and never leaves the folder", async () => {
    const origin = await serve();
    const missing = await fetch(`${origin}/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("<h1>missing</h1>");
    expect(await rawGet(origin, "/../secret.txt")).toBe(404);
    expect(await rawGet(origin, "/%2e%2e/secret.txt")).toBe(404);
    expect(await rawGet(origin, "/wasm/..%2f..%2fsecret.txt")).toBe(404);
  });

  it("with a base path, serves only under it and redirects the bare prefix", async () => {
    const origin = await serve("/splitscope");
    expect((await fetch(`${origin}/splitscope/wasm/a.wasm`)).status).toBe(200);
    expect((await fetch(`${origin}/wasm/a.wasm`)).status).toBe(404);
    const bare = await fetch(`${origin}/splitscope`, { redirect: "manual" });
    expect(bare.status).toBe(302);
    expect(bare.headers.get("location")).toBe("/splitscope/");
  });

  it("sends nosniff on every answer, and each page's own Content-Security-Policy (the base policy for other files)", async () => {
    const origin = await serve("/splitscope");
    const page = await fetch(`${origin}/splitscope/csp.html`);
    expect(page.headers.get("content-security-policy")).toBe(PAGE_POLICY);
    const wasm = await fetch(`${origin}/splitscope/wasm/a.wasm`);
    expect(wasm.headers.get("content-security-policy")).toBe(BASE_POLICY);
    const answers = [
      wasm,
      page,
      await fetch(`${origin}/splitscope/nope`),
      await fetch(`${origin}/splitscope`, { redirect: "manual" }),
      await fetch(`${origin}/splitscope/m.json`, { method: "POST" }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 404, 302, 405]);
    for (const r of answers) expect(r.headers.get("x-content-type-options"), String(r.status)).toBe("nosniff");
  });

  it("answers HEAD with the headers only", async () => {
    const origin = await serve();
    const r = await fetch(`${origin}/w.bin`, { method: "HEAD" });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-length")).toBe("3");
    expect((await r.arrayBuffer()).byteLength).toBe(0);
  });
});

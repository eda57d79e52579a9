/**
 * The static server as a real process, probed the way a hostile client or a flaky network would: a request
 * line URL parsing chokes on, downloads abandoned after the first chunk (open file descriptors counted in
 * /proc/<pid>/fd), a tiny file-descriptor limit, a file that stats but cannot be read, an over-long address.
 * After each, the same process must still answer.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const BIG = 8 * 1024 * 1024;
let dir: string;
let running: Running[] = [];

interface Running {
  origin: string;
  port: number;
  pid: number;
  proc: ChildProcess;
  exitCode: () => number | null | undefined;
  output: () => string;
}

/** Starts `node scripts/serve-static.mjs` on a free port, optionally under a lower open-file limit. */
async function startProcess(maxFds?: number): Promise<Running> {
  const cmd = `${maxFds ? `ulimit -n ${maxFds} && ` : ""}exec node scripts/serve-static.mjs --dir ${JSON.stringify(dir)} --port 0`;
  const proc = spawn("bash", ["-c", cmd], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let code: number | null | undefined;
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (out += d));
  proc.on("exit", (c, signal) => (code = c ?? (signal ? -1 : null)));
  const port = await new Promise<number>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start: ${out}`)), 10_000);
    const check = () => {
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(Number(m[1]));
      } else if (code !== undefined) {
        clearTimeout(timer);
        fail(new Error(`server exited: ${out}`));
      }
    };
    proc.stdout.on("data", check);
    proc.on("exit", check);
  });
  const r: Running = { origin: `http://127.0.0.1:${port}`, port, pid: proc.pid!, proc, exitCode: () => code, output: () => out };
  running.push(r);
  return r;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET with the path sent exactly as given (no URL normalisation on the way). */
function rawGet(port: number, urlPath: string): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: "127.0.0.1", port, path: urlPath, method: "GET", agent: false }, (res) => {
      let body = "";
      res.setEncoding("latin1");
      res.on("data", (d: string) => (body += d));
      res.on("end", () => ok({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", fail);
    });
    req.on("error", fail);
    req.end();
  });
}

/** Starts a download and drops the connection as soon as the first chunk of the body arrives. */
function abortedDownload(port: number, urlPath: string): Promise<void> {
  return new Promise((ok) => {
    const req = request({ host: "127.0.0.1", port, path: urlPath, agent: false }, (res) => {
      res.once("data", () => {
        req.destroy();
        ok();
      });
      res.on("error", () => ok());
    });
    req.on("error", () => ok());
    req.end();
  });
}

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function expectStillServing(server: Running): Promise<void> {
  const home = await rawGet(server.port, "/");
  expect(home.status).toBe(200);
  expect(home.body).toContain("<h1>home</h1>");
  expect(server.exitCode(), server.output()).toBeUndefined();
}

beforeAll(() => {
  dir = path.join(mkdtempSync(path.join(tmpdir(), "serve-static-robust-")), "site");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "index.html"), "<!DOCTYPE html><html><head></head><body><h1>home</h1></body></html>");
  writeFileSync(
    path.join(dir, "weights.bin"),
    new Uint8Array(BIG).map((_, i) => i * 7),
  );
  // Stats as a regular (empty) file, but reading it fails with EIO: a stand-in for a failing disk.
  symlinkSync("/proc/self/mem", path.join(dir, "unreadable.bin"));
});

afterEach(() => {
  for (const r of running) r.proc.kill();
  running = [];
});

afterAll(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

describe("serve-static under hostile requests", () => {
  it("answers a request path that is not a valid URL ('//[') instead of dying", async () => {
    const server = await startProcess();
    const r = await rawGet(server.port, "//[");
    expect(r.status).toBe(404);
    // Other odd request targets get answers too.
    expect((await rawGet(server.port, "//example.com/x")).status).toBe(404);
    expect((await rawGet(server.port, "/%E0%A4%A")).status).toBe(404);
    await expectStillServing(server);
  });

  it("closes the file of every download the client abandons: 300 aborted downloads leave the open files as they were", async () => {
    const server = await startProcess();
    await rawGet(server.port, "/weights.bin");
    const before = openFds(server.pid);
    for (let i = 0; i < 300; i += 20) await Promise.all(Array.from({ length: 20 }, () => abortedDownload(server.port, "/weights.bin")));
    await settle(500);
    expect(openFds(server.pid) - before).toBeLessThanOrEqual(4);
    await expectStillServing(server);
    const whole = await rawGet(server.port, "/weights.bin");
    expect(whole.body.length).toBe(BIG);
  });

  it("survives running out of file descriptors (ulimit -n 64) and serves again once clients let go", async () => {
    const server = await startProcess(64);
    // Aborted downloads first (a leak would reach the limit), then more simultaneous connections than the limit allows.
    for (let i = 0; i < 120; i += 20) await Promise.all(Array.from({ length: 20 }, () => abortedDownload(server.port, "/weights.bin")));
    const sockets = Array.from({ length: 80 }, () => {
      const s = connect(server.port, "127.0.0.1");
      s.on("error", () => {});
      s.write("GET /weights.bin HTTP/1.1\r\nHost: x\r\n\r\n");
      s.pause();
      return s;
    });
    await settle(1000);
    for (const s of sockets) s.destroy();
    await settle(500);
    await expectStillServing(server);
  });

  it("answers 500 with a sentence for a file that cannot be read, and keeps serving", async () => {
    const server = await startProcess();
    const r = await rawGet(server.port, "/unreadable.bin");
    expect(r.status).toBe(500);
    expect(r.headers["content-type"]).toMatch(/^text\/plain/);
    expect(r.body).toMatch(/could not be read/);
    expect(r.body).not.toContain(dir);
    await expectStillServing(server);
  });

  it("answers an over-long address with 431 and a short text body", async () => {
    const server = await startProcess();
    const r = await rawGet(server.port, `/?q=${"a".repeat(20_000)}`);
    expect(r.status).toBe(431);
    expect(r.headers["content-type"]).toMatch(/^text\/plain/);
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.body).toMatch(/too long/);
    expect(r.body.length).toBeLessThan(300);
    await expectStillServing(server);
  });
});

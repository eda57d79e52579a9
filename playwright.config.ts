import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "@playwright/test";
import { BASE_PORT, CHROMIUM_ARGS, E2E_BASE_PATH, PORT, ROOT_URL } from "./tests/e2e/sites";

/**
 * End-to-end tests in Debian's Chromium (/usr/bin/chromium; Playwright downloads no browser) against the
 * static export, served by scripts/serve-static.mjs: out/ at the root and .tmp/out-base/ under /splitscope.
 * Both are built by tests/e2e/prepare-builds.mjs (npm run test:e2e runs it first).
 */
// Chromium's profile, crash dumps and caches stay inside the project, and go away with .tmp/.
const scratch = join(process.cwd(), ".tmp", "e2e");
for (const dir of ["tmp", "config", "cache"]) mkdirSync(join(scratch, dir), { recursive: true });
process.env.TMPDIR = join(scratch, "tmp");
process.env.XDG_CONFIG_HOME = join(scratch, "config");
process.env.XDG_CACHE_HOME = join(scratch, "cache");

// E2E_ROOT_DIR serves another export at the root (e.g. a scratch build), for development runs.
const ROOT_DIR = process.env.E2E_ROOT_DIR ?? "out";

function server(dir: string, port: number, base = "") {
  return {
    command: `node scripts/serve-static.mjs --dir ${dir} --port ${port}${base ? ` --base ${base}` : ""}`,
    url: `http://127.0.0.1:${port}${base}/`,
    reuseExistingServer: false,
    timeout: 20_000,
  };
}

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: ".tmp/e2e/results",
  // Two shared CPU cores and a software GPU: one browser at a time keeps timings steady.
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 60_000 },
  forbidOnly: true,
  reporter: [["list"]],
  use: {
    baseURL: ROOT_URL,
    browserName: "chromium",
    headless: true,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS },
    screenshot: "only-on-failure",
  },
  webServer: [server(ROOT_DIR, PORT), server(".tmp/out-base", BASE_PORT, E2E_BASE_PATH)],
});

#!/usr/bin/env node
/**
 * The end-to-end tests drive Debian's Chromium at /usr/bin/chromium (Playwright never downloads a browser
 * here). If it is missing: install it with apt-get when running as root on Debian with CI=true or --install,
 * otherwise stop and print the exact command to run.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const INSTALL = "apt-get update && apt-get install -y chromium";

function isDebian() {
  try {
    return /^ID(_LIKE)?=.*debian/m.test(readFileSync("/etc/os-release", "utf8"));
  } catch {
    return false;
  }
}

function version() {
  const r = spawnSync(CHROMIUM, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

if (existsSync(CHROMIUM)) {
  console.log(`ensure-chromium: ${version() ?? CHROMIUM}`);
  process.exit(0);
}

const wantInstall = process.env.CI === "true" || process.argv.includes("--install");
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (wantInstall && isRoot && isDebian()) {
  console.log(`ensure-chromium: ${CHROMIUM} is missing; running: ${INSTALL}`);
  execFileSync("bash", ["-c", INSTALL], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (!existsSync(CHROMIUM)) {
    console.error(`ensure-chromium: apt-get finished but ${CHROMIUM} is still missing.`);
    process.exit(1);
  }
  console.log(`ensure-chromium: installed ${version() ?? CHROMIUM}`);
  process.exit(0);
}

console.error(
  `ensure-chromium: the end-to-end tests need Chromium at ${CHROMIUM}, which is missing.\n` +
    `Install it (Debian/Ubuntu, as root):\n\n  ${isRoot ? "" : "sudo "}${INSTALL.replace("&& apt-get", isRoot ? "&& apt-get" : "&& sudo apt-get")}\n\n` +
    `or set CHROMIUM_PATH to another Chromium binary.`,
);
process.exit(1);

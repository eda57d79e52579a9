#!/usr/bin/env node
/**
 * The end-to-end tests drive Debian's Chromium at /usr/bin/chromium (Playwright never downloads a browser
 * here). If it is missing: as root on Debian/Ubuntu, install it with apt-get (printing the command first), so
 * that `npm test` works on a fresh machine on its own; anywhere else, stop and print the one command to run.
 * CHROMIUM_PATH names another binary; if that one is missing nothing is installed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const DEFAULT_CHROMIUM = "/usr/bin/chromium";
export const APT_INSTALL = "apt-get update && apt-get install -y chromium";

/**
 * What to do, from the facts: { action: "ok" } | { action: "install", command } | { action: "instruct", message }.
 * @param {{ path: string; exists: boolean; customPath: boolean; isRoot: boolean; isDebian: boolean }} facts
 */
export function chromiumPlan({ path, exists, customPath, isRoot, isDebian }) {
  if (exists) return { action: "ok" };
  if (customPath)
    return { action: "instruct", message: `CHROMIUM_PATH=${path} does not exist. Point it at a Chromium binary, or unset it to use ${DEFAULT_CHROMIUM}.` };
  if (isDebian && isRoot) return { action: "install", command: APT_INSTALL };
  if (isDebian) {
    return {
      action: "instruct",
      message: `The end-to-end tests need Chromium at ${path}, which is missing. Install it with:\n\n  sudo ${APT_INSTALL.replace("&& ", "&& sudo ")}\n`,
    };
  }
  return {
    action: "instruct",
    message:
      `The end-to-end tests need Chromium at ${path}, which is missing. ` +
      "Install Chromium with your system's package manager and set CHROMIUM_PATH to its binary.",
  };
}

function isDebian() {
  try {
    return /^ID(_LIKE)?=.*\b(debian|ubuntu)\b/m.test(readFileSync("/etc/os-release", "utf8"));
  } catch {
    return false;
  }
}

function version(path) {
  const r = spawnSync(path, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = process.env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;
  const plan = chromiumPlan({
    path,
    exists: existsSync(path),
    customPath: process.env.CHROMIUM_PATH !== undefined,
    isRoot: typeof process.getuid === "function" && process.getuid() === 0,
    isDebian: isDebian(),
  });
  if (plan.action === "ok") {
    console.log(`ensure-chromium: ${version(path) ?? path}`);
  } else if (plan.action === "install") {
    console.log(`ensure-chromium: ${path} is missing; running: ${plan.command}`);
    try {
      execFileSync("bash", ["-c", plan.command], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    } catch {
      console.error(`ensure-chromium: the install failed (see apt-get's output above).`);
      process.exit(1);
    }
    if (!existsSync(path)) {
      console.error(`ensure-chromium: apt-get finished but ${path} is still missing.`);
      process.exit(1);
    }
    console.log(`ensure-chromium: installed ${version(path) ?? path}`);
  } else {
    console.error(`ensure-chromium: ${plan.message}`);
    process.exit(1);
  }
}

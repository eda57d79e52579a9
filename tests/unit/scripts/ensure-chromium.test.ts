import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { APT_INSTALL, chromiumPlan } from "../../../scripts/ensure-chromium.mjs";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const missing = { path: "/usr/bin/chromium", exists: false, customPath: false };

describe("ensure-chromium", () => {
  it("does nothing when Chromium is there", () => {
    expect(chromiumPlan({ ...missing, exists: true, isRoot: false, isDebian: false })).toEqual({ action: "ok" });
  });

  it("as root on Debian, installs Chromium itself with apt-get, CI or not", () => {
    expect(APT_INSTALL).toBe("apt-get update && apt-get install -y chromium");
    expect(chromiumPlan({ ...missing, isRoot: true, isDebian: true })).toEqual({ action: "install", command: APT_INSTALL });
  });

  it("elsewhere, prints the one command to run", () => {
    const user = chromiumPlan({ ...missing, isRoot: false, isDebian: true });
    expect(user.action).toBe("instruct");
    expect(user.message).toContain("sudo apt-get update && sudo apt-get install -y chromium");
    const other = chromiumPlan({ ...missing, isRoot: true, isDebian: false });
    expect(other.action).toBe("instruct");
    expect(other.message).toMatch(/CHROMIUM_PATH/);
  });

  it("never installs over a CHROMIUM_PATH that points nowhere: it says so", () => {
    const plan = chromiumPlan({ path: "/opt/nope/chrome", exists: false, customPath: true, isRoot: true, isDebian: true });
    expect(plan.action).toBe("instruct");
    expect(plan.message).toContain("/opt/nope/chrome");
    const run = spawnSync("node", ["scripts/ensure-chromium.mjs"], { cwd: ROOT, env: { ...process.env, CHROMIUM_PATH: "/opt/nope/chrome" }, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("CHROMIUM_PATH=/opt/nope/chrome does not exist");
  });
});

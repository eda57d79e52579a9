import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { COPIES, copyAssets } from "@/scripts/copy-assets.mjs";

const ROOT = path.resolve(import.meta.dirname, "../../..");
let target: string;

beforeEach(() => {
  target = mkdtempSync(path.join(tmpdir(), "copy-assets-"));
});
afterEach(() => rmSync(target, { recursive: true, force: true }));

describe("copy-assets", () => {
  it("copies the wasm binaries and the detector's graph and weights from node_modules into a fresh public folder", () => {
    expect(COPIES.map((c) => c.to)).toEqual(
      expect.arrayContaining(["wasm/tfjs-backend-wasm-simd.wasm", "models/centernet/centernet.json", "models/centernet/centernet.bin"]),
    );
    expect(copyAssets({ publicDir: target })).toBe(COPIES.length);
    for (const { from, to } of COPIES) expect(readFileSync(path.join(target, to)).equals(readFileSync(path.join(ROOT, from))), to).toBe(true);
  });

  it("skips copies that are up to date and redoes one that is stale", () => {
    copyAssets({ publicDir: target });
    expect(copyAssets({ publicDir: target })).toBe(0);
    const graph = path.join(target, "models/centernet/centernet.json");
    writeFileSync(graph, "{}");
    utimesSync(graph, new Date(0), new Date(0));
    expect(copyAssets({ publicDir: target })).toBe(1);
    expect(statSync(graph).size).toBe(statSync(path.join(ROOT, "node_modules/@vladmandic/human/models/centernet.json")).size);
  });

  it("says to run npm ci when a source is missing, and copies nothing", () => {
    const copies = [{ from: "node_modules/no-such-package/x.wasm", to: "wasm/x.wasm" }];
    expect(() => copyAssets({ copies, publicDir: target })).toThrow(/no-such-package\/x\.wasm is missing\. Run `npm ci` first/);
    expect(existsSync(path.join(target, "wasm"))).toBe(false);
  });
});

import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { addPolicyToSite, BASE_POLICY, inlineScriptHashes, policyOfPage, withPolicyMeta } from "../../../scripts/csp.mjs";

const sha256 = (text: string) => `sha256-${createHash("sha256").update(Buffer.from(text, "utf8")).digest("base64")}`;

// The shape of a Next.js export: external chunks, an inline bootstrap with an id, the RSC payload pushes, a data block.
const PAGE = [
  '<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/><script src="/_next/static/chunks/a.js" async=""></script>',
  '<script id="_R_">(globalThis["TURBOPACK"] || []).push({"x":1})</script></head><body>',
  '<script>(self.__next_f=self.__next_f||[]).push([0])</script><script>self.__next_f.push([1,"é \\u003c/script"])</script>',
  '<script type="application/json">{"not":"code"}</script><script>(self.__next_f=self.__next_f||[]).push([0])</script></body></html>',
].join("");

describe("content security policy", () => {
  it("allows no inline code or eval except by hash, and wasm compilation", () => {
    expect(BASE_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(BASE_POLICY).not.toMatch(/unsafe-inline|'unsafe-eval'|\*/);
    expect(BASE_POLICY).toContain("object-src 'none'");
  });

  it("hashes each distinct inline script of a page, not external or data scripts", () => {
    expect(inlineScriptHashes(PAGE)).toEqual([
      sha256('(globalThis["TURBOPACK"] || []).push({"x":1})'),
      sha256("(self.__next_f=self.__next_f||[]).push([0])"),
      sha256('self.__next_f.push([1,"é \\u003c/script"])'),
    ]);
  });

  it("puts the page's policy in a meta tag right after the charset, before any script; a second run changes nothing", () => {
    const once = withPolicyMeta(PAGE);
    const policy = policyOfPage(once);
    expect(policy).toBe(
      `${BASE_POLICY.replace(
        "'wasm-unsafe-eval'",
        `'wasm-unsafe-eval' ${inlineScriptHashes(PAGE)
          .map((h: string) => `'${h}'`)
          .join(" ")}`,
      )}`,
    );
    expect(once.indexOf("Content-Security-Policy")).toBeLessThan(once.indexOf("<script"));
    expect(once.indexOf("Content-Security-Policy")).toBeGreaterThan(once.indexOf("charSet"));
    expect(withPolicyMeta(once)).toBe(once);
    expect(policyOfPage(PAGE)).toBeNull();
  });

  it("adds the policy to every page of an exported site", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "csp-"));
    try {
      mkdirSync(path.join(dir, "codec"));
      writeFileSync(path.join(dir, "index.html"), PAGE);
      writeFileSync(path.join(dir, "codec", "index.html"), "<html><head><title>x</title></head><body><script>go()</script></body></html>");
      writeFileSync(path.join(dir, "data.json"), "{}");
      expect(addPolicyToSite(dir)).toEqual({ pages: 2, hashes: 4 });
      const codec = readFileSync(path.join(dir, "codec", "index.html"), "utf8");
      expect(codec.startsWith('<html><head><meta http-equiv="Content-Security-Policy"')).toBe(true);
      expect(policyOfPage(codec)).toContain(`'${sha256("go()")}'`);
      expect(readFileSync(path.join(dir, "data.json"), "utf8")).toBe("{}");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

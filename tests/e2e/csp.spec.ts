import type { Page, Response } from "@playwright/test";
import { expect, expectConsistent, readDemo, test } from "./fixtures";
import { readLive } from "./playground-helpers";
import { BASE_PATH_URL } from "./sites";

/**
 * The site under its own Content-Security-Policy (sent by scripts/serve-static.mjs, and as a meta tag in every
 * exported page): every securitypolicyviolation event the page fires is collected, and the fixture fails the test on
 * any console error, which is also how a violation inside the worker shows up.
 */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction("__cspViolation", (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __cspViolation: (v: string) => void }).__cspViolation(
        `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  return violations;
}

async function expectStrictPolicy(page: Page, response: Response | null): Promise<void> {
  const header = (await response?.allHeaders())?.["content-security-policy"];
  expect(header, "the server sends a policy").toBeTruthy();
  expect(header).not.toMatch(/unsafe-inline|'unsafe-eval'/);
  expect(header).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  expect(meta, "the page carries the same policy for hosts that send none").toBe(header);
}

for (const backend of ["wasm", "webgl"]) {
  test(`the playground runs the model on ${backend} under the site's Content-Security-Policy without a violation`, async ({ page }) => {
    test.setTimeout(120_000);
    const violations = await watchViolations(page);
    const response = await page.goto(`/?backend=${backend}&sample=test-0`);
    await expectStrictPolicy(page, response);
    await expect(page.getByTestId("backend")).toHaveText(backend);
    const live = await readLive(page, { sample: "test-0" });
    expect(live.bytes).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });
}

test("the codec page, and both pages under the base path, run under the policy without a violation", async ({ page }) => {
  test.setTimeout(120_000);
  const violations = await watchViolations(page);
  for (const url of ["/codec/?backend=wasm", `${BASE_PATH_URL}/codec/?backend=wasm`]) {
    await expectStrictPolicy(page, await page.goto(url));
    await expect(page.getByTestId("backend")).toHaveText("wasm");
    expectConsistent(await readDemo(page));
  }
  await expectStrictPolicy(page, await page.goto(`${BASE_PATH_URL}/?backend=wasm&sample=test-0`));
  expect((await readLive(page, { sample: "test-0" })).bytes).toBeGreaterThan(0);
  expect(violations).toEqual([]);
});

test("the watch sees violations: without the build's script hashes the page is blocked and never runs", async ({ page, problems }) => {
  const violations = await watchViolations(page);
  // The policy without the hashes the build adds (what `script-src 'self' 'wasm-unsafe-eval'` alone gives).
  await page.route(
    (url) => url.pathname === "/codec/",
    async (route) => {
      const response = await route.fetch();
      const html = (await response.text()).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, "");
      const policy = response.headers()["content-security-policy"].replace(/ 'sha256-[^']+'/g, "");
      const headers: Record<string, string> = { ...response.headers(), "content-security-policy": policy };
      delete headers["content-length"];
      await route.fulfill({ response, body: html, headers });
    },
  );
  await page.goto("/codec/?backend=wasm");
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(violations.every((v) => v.startsWith("script-src"))).toBe(true);
  await page.waitForTimeout(2000);
  await expect(page.getByTestId("roundtrip")).toHaveCount(0);
  // Chromium reports each blocked script on the console too; expected here, so not a problem of this test.
  expect(problems.some((p) => p.includes("Content Security Policy"))).toBe(true);
  problems.length = 0;
});

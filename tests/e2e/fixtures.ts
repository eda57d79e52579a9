import { test as base, expect, type Page } from "@playwright/test";

/**
 * `page` that records uncaught page errors, console errors and failed requests (in the page and its
 * workers) and fails the test if any occurred.
 */
export const test = base.extend<{ problems: string[] }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern; this one has none
  problems: async ({}, use) => {
    await use([]);
  },
  page: async ({ page, problems }, use) => {
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()} (${m.location().url})`);
    });
    page.on("worker", (w) => w.on("console", (m) => m.type() === "error" && problems.push(`worker console error: ${m.text()}`)));
    // While the page changes documents (from a main-frame navigation's request to the new document's load event) the
    // browser cancels what the old document still had in flight, and what it asks for on its way out
    // (net::ERR_ABORTED): nothing failed. Any other failure, an abort while a document stays included, counts.
    let changingDocument = false;
    page.on("request", (r) => {
      if (r.isNavigationRequest() && r.frame() === page.mainFrame()) changingDocument = true;
    });
    page.on("load", () => {
      changingDocument = false;
    });
    page.on("requestfailed", (r) => {
      if (!(changingDocument && r.failure()?.errorText === "net::ERR_ABORTED")) problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
    });
    page.on("response", (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await use(page);
    expect(problems, "no errors in the page, its workers or its requests").toEqual([]);
  },
});

export { expect };

export interface DemoReading {
  backend: string;
  symbols: number;
  estimatedBits: number;
  payloadBytes: number;
  actualBytes: number;
  roundtrip: string;
  mse: number;
  hex: string;
}

async function raw(page: Page, testId: string): Promise<string> {
  const v = await page.getByTestId(testId).getAttribute("data-value");
  if (v === null) throw new Error(`${testId} has no data-value`);
  return v;
}

/** Waits until the codec demo has a result and reads it off the page. */
export async function readDemo(page: Page): Promise<DemoReading> {
  await expect(page.getByTestId("roundtrip")).toBeVisible();
  return {
    backend: (await page.getByTestId("backend").textContent()) ?? "",
    symbols: Number(await raw(page, "symbol-count")),
    estimatedBits: Number(await raw(page, "estimated-bits")),
    payloadBytes: Number(await raw(page, "payload-bytes")),
    actualBytes: Number(await raw(page, "actual-bytes")),
    roundtrip: await raw(page, "roundtrip"),
    mse: Number(await raw(page, "mse")),
    hex: (await page.getByTestId("hex-bytes").textContent()) ?? "",
  };
}

/** What any correct demo result satisfies, whatever the backend. */
export function expectConsistent(r: DemoReading): void {
  expect(r.roundtrip).toBe("exact");
  expect(r.symbols).toBe(16 * 16 * 8);
  expect(r.actualBytes).toBeGreaterThan(0);
  // rANS lands within a fraction of a percent of the table estimate, plus its 4-byte final state.
  const payloadBits = r.payloadBytes * 8;
  expect(payloadBits).toBeGreaterThanOrEqual(r.estimatedBits * 0.98);
  expect(payloadBits).toBeLessThanOrEqual(r.estimatedBits * 1.02 + 64);
  // The container adds a header with the explicit shape and a CRC: a handful of bytes, never a lot.
  const overhead = r.actualBytes - r.payloadBytes;
  expect(overhead).toBeGreaterThanOrEqual(8);
  expect(overhead).toBeLessThanOrEqual(32);
  // A container starts with the magic "SP".
  expect(r.hex.startsWith("53 50")).toBe(true);
  // Rounding to a step of 0.125 moves no value by more than 0.0625, so the MSE is at most 0.0625².
  expect(r.mse).toBeGreaterThan(0);
  expect(r.mse).toBeLessThanOrEqual(0.0625 ** 2);
}

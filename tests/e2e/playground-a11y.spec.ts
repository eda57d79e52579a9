import type { Page } from "@playwright/test";
import { contrastFailures } from "./contrast";
import { expect, test } from "./fixtures";
import { readLive } from "./playground-helpers";

/** A settled page: the result and this input's curve in, nothing dimmed, the chart's table open. */
async function settled(page: Page, url: string) {
  await page.goto(url);
  await readLive(page);
  await expect(page.locator('[data-testid="live-curve-point"]').first()).toBeVisible();
  await expect(page.getByTestId("live-curve-status")).not.toContainText("Running");
  await page.getByText("Show the data as a table").click();
  await expect(page.getByTestId("live-curve-table")).toBeVisible();
  // The comparison and the link budget with their results on show too.
  await page.getByRole("region", { name: "Compare" }).getByRole("button", { name: "Compare" }).click();
  await expect(page.getByTestId("compare-bytes")).toHaveCount(2);
  await page.getByRole("button", { name: "Measure every split" }).click();
  await expect(page.getByTestId("best-split")).toBeVisible();
  await expect(page.getByTestId("link-reference-jpeg")).toBeVisible();
}

for (const url of ["/?backend=wasm&sample=test-0", "/?model=centernet&backend=wasm"]) {
  test(`every visible text has a contrast of at least 4.5:1 (3:1 large) in the light and the dark theme: ${url}`, async ({ page }) => {
    test.setTimeout(120_000);
    const failures: Record<string, unknown[]> = {};
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await settled(page, url);
      failures[colorScheme] = await contrastFailures(page);
    }
    expect(failures, "texts below the WCAG contrast ratio, per theme").toEqual({ light: [], dark: [] });
  });
}

test("the samples are one radio group: one tab stop, arrow keys move the choice and run it", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0");
  await readLive(page, { sample: "test-0" });
  const group = page.getByRole("radiogroup", { name: "Samples" });
  const radios = group.getByRole("radio");
  expect(await radios.count()).toBeGreaterThan(10);
  await expect(group.getByRole("radio", { checked: true })).toHaveAccessibleName(/^Sample test-0 /);
  // One tab stop: only the checked sample is in the tab order.
  expect(await radios.evaluateAll((els) => els.filter((e) => (e as HTMLElement).tabIndex >= 0).length)).toBe(1);

  await group.getByRole("radio", { checked: true }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(group.getByRole("radio", { name: /^Sample test-1 / })).toBeFocused();
  await expect(group.getByRole("radio", { name: /^Sample test-1 / })).toBeChecked();
  await readLive(page, { sample: "test-1" });
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  // From the first, left wraps to the last.
  await expect(radios.last()).toBeFocused();
  await expect(radios.last()).toBeChecked();
  await page.keyboard.press("Home");
  await expect(radios.first()).toBeChecked();
  // Tab leaves the group in one step.
  await page.keyboard.press("Tab");
  await expect(radios.first()).not.toBeFocused();
  expect(await radios.evaluateAll((els) => els.some((e) => e === document.activeElement))).toBe(false);
});

test("the RD chart has a name and a table, results are announced politely, the draw pad says it needs a pointer", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0&split=stage2&rate=r1");
  const live = await readLive(page, { rate: "r1" });
  await expect(page.getByRole("figure", { name: /^Rate-distortion chart/ })).toBeVisible();
  await page.getByText("Show the data as a table").click();
  await expect(page.getByRole("table").first()).toBeVisible();
  const announce = page.getByTestId("result-announcement");
  await expect(announce).toHaveAttribute("aria-live", "polite");
  await expect(announce).toContainText(`${live.bytes} bytes`);
  // A short line, not a panel.
  expect(((await announce.textContent()) ?? "").length).toBeLessThan(200);
  await expect(page.getByText("Drawing needs a pointer (mouse, pen or touch)")).toBeVisible();
});

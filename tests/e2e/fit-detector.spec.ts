import { expect, test } from "@playwright/test";
import { readLive } from "./playground-helpers";

// The detector's deep cut, fitted in Chromium on the photo gallery: the worker measures the tail's sensitivity
// through the class heatmap, fits five levels and measures each through the real tail.
test("a unit fitted at the detector's deep cut finds the unsplit model's detections again and runs as a split", async ({ page }) => {
  test.setTimeout(480_000);
  await page.goto("/?model=centernet&backend=wasm");
  await expect(page.getByTestId("backend")).toHaveText("wasm");
  await readLive(page);

  await page.getByRole("button", { name: "List every layer" }).click();
  const picker = page.getByLabel("Layer", { exact: true });
  const deep = picker.locator("option", { hasText: "prepared (head-taps)" });
  await expect(deep).toHaveCount(1, { timeout: 120_000 });
  await picker.selectOption((await deep.getAttribute("value"))!);
  await page.getByRole("button", { name: "Fit a unit here" }).click();
  await expect(page.getByTestId("fit-phase")).toContainText("sensitive", { timeout: 120_000 });
  await expect(page.getByTestId("fit-done")).toBeVisible({ timeout: 400_000 });
  const points = page.getByTestId("fit-point");
  await expect(points).toHaveCount(5);
  const read = async (name: string) => Promise.all((await points.all()).map(async (p) => Number(await p.getAttribute(name))));
  const [rates, bytes, agreement] = [await read("data-rate"), await read("data-bytes"), await read("data-agreement")];
  const byRate = rates.map((r, i) => ({ r, bytes: bytes[i], agreement: agreement[i] })).sort((a, b) => a.r - b.r);
  for (let r = 1; r < 5; r++) expect(byRate[r].bytes).toBeGreaterThan(byRate[r - 1].bytes);
  // On the gallery it was fitted on, the finest level finds most of the unsplit model's detections again.
  expect(byRate[4].agreement).toBeGreaterThanOrEqual(0.6);

  // The tail reads the deepest tensor most: at the finest level it keeps more latent channels than the shallowest.
  const channels = async (tensor: number) =>
    Number(await page.getByTestId("fit-allocation").locator(`td[data-tensor="${tensor}"][data-rate="4"]`).getAttribute("data-channels"));
  expect(await channels(3)).toBeGreaterThan(await channels(0));

  // The fitted unit is the split shown now, and a photo runs through it.
  const unitId = /Unit ([0-9a-f]{16})/.exec((await page.getByTestId("fit-done").textContent()) ?? "")![1];
  const splitId = `fit-${unitId.slice(0, 8)}`;
  await expect(page.getByLabel("Split point")).toHaveValue(splitId);
  const live = await readLive(page, { split: splitId });
  expect(live.bytes).toBeGreaterThan(0);
  // Leave only once this input's curve has every level: leaving earlier aborts its unit downloads.
  await expect(page.locator(`[data-testid="live-curve-point"][data-split="${splitId}"]`)).toHaveCount(5, { timeout: 120_000 });
});

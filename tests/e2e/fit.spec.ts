import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { downloadedStream, readLive } from "./playground-helpers";

const LAYER = "stage2_block1_out";

test("a unit fitted at an unprepared digits layer draws its curve, runs, downloads, loads back in a new page and decodes its stream", async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto("/?backend=wasm&sample=test-0");
  await expect(page.getByTestId("backend")).toHaveText("wasm");
  await readLive(page, { sample: "test-0" });

  // The layer picker lists every cut, the prepared ones marked.
  await page.getByRole("button", { name: "List every layer" }).click();
  const picker = page.getByLabel("Layer", { exact: true });
  await expect(picker.locator("option", { hasText: "prepared (stage2)" })).toHaveCount(1);
  await picker.selectOption(LAYER);
  await page.getByRole("button", { name: "Fit a unit here" }).click();
  await expect(page.getByRole("button", { name: "Cancel" })).toBeVisible();
  await expect(page.getByTestId("fit-phase")).toContainText(/components|closed-form|entropy|fine-tuning|tables|measuring|cut tensors/);
  // The curve appears point by point: the finest level first, then all five.
  await expect(page.getByTestId("fit-point").first()).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId("fit-done")).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId("fit-point")).toHaveCount(5);
  // One cut tensor: one row of latent channels, one cell per level.
  await expect(page.getByTestId("fit-allocation").locator("td[data-channels]")).toHaveCount(5);
  const done = (await page.getByTestId("fit-done").textContent()) ?? "";
  const unitId = /Unit ([0-9a-f]{16})/.exec(done)![1];

  // The fitted unit is now the split shown: a live run of it, with a bitstream carrying its id.
  const splitId = `fit-${unitId.slice(0, 8)}`;
  await expect(page.getByLabel("Split point")).toHaveValue(splitId);
  const live = await readLive(page, { split: splitId, sample: "test-0" });
  // Like a prepared split, it gets this input's own RD curve: one point per level, from the worker's run of every level.
  await expect(page.locator(`[data-testid="live-curve-point"][data-split="${splitId}"]`)).toHaveCount(5, { timeout: 60_000 });
  const stream = await downloadedStream(page);
  expect(stream[2]).toBe(0x41); // version 1 with the unit flag
  expect(Array.from(stream.subarray(6, 14), (b) => b.toString(16).padStart(2, "0")).join("")).toBe(unitId);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download unit" }).click()]);
  const file = readFileSync(await download.path(), "utf8");
  await download.delete();
  const unit = JSON.parse(file);
  expect(unit).toMatchObject({ format: "splitscope-fitted-unit", id: unitId, model: "digits", cut: LAYER, images: 40 });

  // A fresh page knows no fitted unit: the stream is refused, saying which unit it needs.
  await page.goto("/?backend=wasm&sample=test-0");
  await readLive(page, { sample: "test-0" });
  const decodeInput = page.getByLabel("Decode a bitstream");
  await decodeInput.setInputFiles({ name: "fitted.bin", mimeType: "application/octet-stream", buffer: Buffer.from(stream) });
  await expect(page.getByText(/Load unit/).filter({ hasText: unitId })).toBeVisible();

  // A bad unit file is refused plainly; the downloaded one loads, runs, and the stream decodes to the same class.
  await page.getByRole("button", { name: "List every layer" }).click();
  const load = page.getByLabel("Load unit", { exact: true });
  await load.setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from(file.slice(0, 200)) });
  await expect(page.getByRole("alert").filter({ hasText: "not valid JSON" })).toBeVisible();
  await load.setInputFiles({ name: "unit.json", mimeType: "application/json", buffer: Buffer.from(file) });
  await expect(page.getByLabel("Split point")).toHaveValue(splitId);
  const again = await readLive(page, { split: splitId, sample: "test-0" });
  expect(again.bytes).toBe(live.bytes);
  await decodeInput.setInputFiles({ name: "fitted.bin", mimeType: "application/octet-stream", buffer: Buffer.from(stream) });
  await expect(page.getByTestId("decoded-class")).toHaveAttribute("data-value", live.splitTop);
});

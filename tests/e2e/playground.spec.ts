import { expect, test } from "./fixtures";
import { expectSameAsReference, pickRate, readLive, shownHex } from "./playground-helpers";
import { digitsManifest, digitsRd, referenceRun, samplePixels } from "./reference";

const SAMPLE = "test-0";

test("every split point and rate level, driven through the labelled controls, matches an independent run of the pipeline", async ({ page }) => {
  test.setTimeout(240_000);
  const manifest = digitsManifest();
  const rd = digitsRd();
  const { pixels } = samplePixels(SAMPLE);
  await page.goto(`/?backend=wasm&sample=${SAMPLE}`);
  await expect(page.getByTestId("backend")).toHaveText("wasm");

  for (const split of manifest.splits) {
    await page.getByLabel("Split point").selectOption(split.id);
    for (const rate of split.rates) {
      await pickRate(page, rate.index);
      const live = await readLive(page, { split: split.id, rate: rate.id, sample: SAMPLE });
      const ref = await referenceRun(pixels, split.index, rate.index);
      const where = `${split.id}/${rate.id}`;
      await expectSameAsReference(page, live, ref, where);
      // Consistent with the evaluation over the held-out set: one image is within a factor 4 of the mean.
      const point = rd.points.find((p) => p.method === "bu" && p.split === split.id && p.rate === rate.id);
      expect(point, `${where} in public/rd`).toBeTruthy();
      expect(live.bytes, where).toBeGreaterThan(point!.bytesMean / 4);
      expect(live.bytes, where).toBeLessThan(point!.bytesMean * 4);
    }
  }
});

test("a shared link reloads to the same view, and back/forward walk through the settings", async ({ page }) => {
  const manifest = digitsManifest();
  const split = manifest.splits[manifest.splits.length - 2];
  await page.goto(`/?backend=wasm&sample=test-3`);
  await page.getByLabel("Split point").selectOption(split.id);
  await pickRate(page, 0);
  const first = await readLive(page, { split: split.id, rate: split.rates[0].id, sample: "test-3" });
  const firstHex = await shownHex(page);
  await pickRate(page, split.rates.length - 1);
  const last = await readLive(page, { split: split.id, rate: split.rates.at(-1)!.id });
  const link = page.url();
  expect(link).toContain(`split=${split.id}`);
  expect(link).toContain(`rate=${split.rates.at(-1)!.id}`);

  // This input's RD curve loads every level's unit in the background; leaving the page while it does would abort
  // those downloads, so the test leaves a document only once its curve has every point.
  const curveDone = () =>
    expect(page.locator(`[data-testid="live-curve-point"][data-split="${split.id}"]`)).toHaveCount(split.rates.length, { timeout: 60_000 });
  await curveDone();
  await page.goto("about:blank");
  await page.goto(link);
  const again = await readLive(page, { split: split.id, rate: split.rates.at(-1)!.id, sample: "test-3" });
  expect(again.bytes).toBe(last.bytes);
  await expect(page.getByLabel("Split point")).toHaveValue(split.id);
  await expect(page.getByLabel("Rate level")).toHaveValue(String(split.rates.length - 1));

  // History: ... -> rate 0 -> last rate -> about:blank -> the link. Two steps back is the last-rate view
  // (a new document), one more is the rate-0 view (the same document, restored on popstate).
  await curveDone();
  await page.goBack();
  await page.goBack();
  await expect(page.getByLabel("Rate level")).toHaveValue(String(split.rates.length - 1));
  await page.goBack();
  await expect(page.getByLabel("Rate level")).toHaveValue("0");
  const back = await readLive(page, { split: split.id, rate: split.rates[0].id });
  expect(back.bytes).toBe(first.bytes);
  expect(await shownHex(page)).toBe(firstHex);
});

test("a downloaded bitstream decodes on the server side to the same prediction; corrupt and truncated files are refused", async ({ page }, info) => {
  await page.goto(`/?backend=wasm&sample=test-1`);
  const live = await readLive(page, { sample: "test-1" });
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download bitstream" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^splitscope-digits-.+\.bin$/);
  const path = info.outputPath("stream.bin");
  await download.saveAs(path);
  const { readFileSync } = await import("node:fs");
  const bytes = new Uint8Array(readFileSync(path));
  expect(bytes.length).toBe(live.bytes);

  const decodeInput = page.getByLabel("Decode a bitstream");
  await decodeInput.setInputFiles({ name: "stream.bin", mimeType: "application/octet-stream", buffer: Buffer.from(bytes) });
  await expect(page.getByTestId("decoded-class")).toHaveAttribute("data-value", live.splitTop);

  const corrupt = Uint8Array.from(bytes);
  corrupt[Math.floor(corrupt.length / 2)] ^= 0x5a;
  await decodeInput.setInputFiles({ name: "corrupt.bin", mimeType: "application/octet-stream", buffer: Buffer.from(corrupt) });
  await expect(page.getByRole("alert").filter({ hasText: "corrupt.bin" })).toContainText("corrupt.bin: The bitstream is corrupt");

  await decodeInput.setInputFiles({ name: "short.bin", mimeType: "application/octet-stream", buffer: Buffer.from(bytes.subarray(0, bytes.length - 7)) });
  await expect(page.getByRole("alert").filter({ hasText: "short.bin" })).toContainText("short.bin: The bitstream is cut short");

  await decodeInput.setInputFiles({ name: "photo.bin", mimeType: "application/octet-stream", buffer: Buffer.from("GIF89a not a stream") });
  await expect(page.getByRole("alert").filter({ hasText: "photo.bin" })).toContainText("not a Splitscope bitstream");

  // The app keeps working: another rate level runs, and the good file still decodes.
  await pickRate(page, 0);
  await readLive(page, { rate: "r0", sample: "test-1" });
  await decodeInput.setInputFiles({ name: "stream.bin", mimeType: "application/octet-stream", buffer: Buffer.from(bytes) });
  await expect(page.getByTestId("decoded-class")).toHaveAttribute("data-value", live.splitTop);
});

test("50 consecutive runs over five inputs leave the worker with as many tensors as before; rapid changes end on the last choice", async ({ page }) => {
  test.setTimeout(180_000);
  const manifest = digitsManifest();
  const split = manifest.splits[1];
  await page.goto(`/?backend=wasm&sample=test-2&split=${split.id}`);
  // Visit every rate level once so each one's bottleneck unit is loaded (they stay cached).
  for (const rate of split.rates) {
    await pickRate(page, rate.index);
    await readLive(page, { split: split.id, rate: rate.id });
  }
  // The worker keeps the last few inputs' head outputs (three): fill that cache, so that from here on every new
  // input evicts one, and a leak would show as a growing count.
  const samples = ["test-4", "test-5", "test-6", "test-7", "test-8"];
  let token = (await readLive(page)).token;
  for (const s of samples.slice(0, 3)) {
    await page.getByRole("radio", { name: new RegExp(`^Sample ${s} `) }).click();
    token = (await readLive(page, { sample: s, newerThan: token })).token;
  }
  const before = (await readLive(page)).numTensors;
  for (let i = 0; i < 50; i++) {
    const rate = split.rates[i % split.rates.length];
    if (i % 10 === 0) await page.getByRole("radio", { name: new RegExp(`^Sample ${samples[(i / 10) % samples.length]} `) }).click();
    else await pickRate(page, rate.index);
    token = (await readLive(page, { newerThan: token })).token;
  }
  const after = await readLive(page);
  expect(after.numTensors).toBe(before);

  // Several changes without waiting: only the last one's result is shown.
  for (const i of [0, 3, 1, 4, 2]) await pickRate(page, i);
  const last = await readLive(page, { rate: split.rates[2].id, newerThan: token });
  await page.waitForTimeout(500);
  expect((await readLive(page)).token).toBe(last.token);
});

test("the rate level and split point work from the keyboard", async ({ page }) => {
  await page.goto(`/?backend=wasm&sample=test-0&rate=r1`);
  const manifest = digitsManifest();
  await readLive(page, { rate: "r1" });
  // Each control's accessible name is exactly its visible label.
  for (const name of ["Model", "Split point", "Backend"]) await expect(page.getByRole("combobox", { name, exact: true })).toBeVisible();
  await expect(page.getByRole("slider", { name: "Rate level", exact: true })).toBeVisible();
  await page.getByLabel("Rate level").focus();
  await page.keyboard.press("ArrowRight");
  await readLive(page, { rate: "r2" });
  // The default split is the middle one; the arrow key moves to the next.
  const next = manifest.splits[Math.floor((manifest.splits.length - 1) / 2) + 1];
  await page.getByLabel("Split point").focus();
  await page.keyboard.press("ArrowDown");
  await expect(page.getByLabel("Split point")).toHaveValue(next.id);
  await readLive(page, { split: next.id });
});

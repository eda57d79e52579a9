import { expect, test } from "./fixtures";
import { readLive } from "./playground-helpers";
import { digitsManifest, digitsRd, referenceRun, samplePixels } from "./reference";
import { BASE_PATH_URL } from "./sites";

test("the playground runs on the webgl backend and agrees with the pipeline", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/?backend=webgl&sample=test-0");
  await expect(page.getByTestId("backend")).toHaveText("webgl");
  const live = await readLive(page, { sample: "test-0" });
  const split = Number(await page.getByLabel("Split point").evaluate((el: HTMLSelectElement) => el.selectedIndex));
  const rate = Number(await page.getByLabel("Rate level").inputValue());
  const ref = await referenceRun(samplePixels("test-0").pixels, split, rate);
  // WebGL computes in float32 on the GPU (here SwiftShader) in another order than wasm, so a symbol on a
  // rounding boundary may differ: the size stays within a few percent and the prediction is the same.
  expect(Math.abs(live.bytes - ref.bytes.length)).toBeLessThanOrEqual(Math.max(3, ref.bytes.length * 0.05));
  expect(live.splitTop).toBe(ref.splitTop);
  expect(live.unsplitTop).toBe(ref.unsplitTop);
});

test("the Backend control restarts the worker on the chosen backend", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0");
  const wasm = await readLive(page, { sample: "test-0" });
  await page.getByLabel("Backend").selectOption("cpu");
  await expect(page.getByTestId("backend")).toHaveText("cpu");
  expect(page.url()).toContain("backend=cpu");
  const cpu = await readLive(page, { sample: "test-0", newerThan: 0 });
  expect(cpu.splitTop).toBe(wasm.splitTop);
});

test("phone-sized screen: one column, nothing wider than the screen at any split point", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/?backend=wasm&sample=test-0");
  await readLive(page, { sample: "test-0" });
  for (const split of digitsManifest().splits) {
    await page.getByLabel("Split point").selectOption(split.id);
    await readLive(page, { split: split.id });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, split.id).toBeLessThanOrEqual(0);
  }
  const input = await page.getByRole("region", { name: "Input", exact: true }).boundingBox();
  const bitstream = await page.getByRole("region", { name: "Bitstream", exact: true }).boundingBox();
  expect(bitstream!.y).toBeGreaterThan(input!.y + input!.height - 1);
});

test("the playground works under a base path", async ({ page }) => {
  await page.goto(`${BASE_PATH_URL}/?backend=wasm&sample=test-0`);
  const live = await readLive(page, { sample: "test-0" });
  expect(live.bytes).toBeGreaterThan(0);
  expect(new URL(page.url()).pathname).toBe("/splitscope/");
});

test("first paint shows the precomputed figures and a progress indicator while the model loads", async ({ page }) => {
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  // Hold the backbone's weights back until the page has been checked.
  await page.route("**/backbone/*.bin", async (route) => {
    await held;
    await route.continue();
  });
  const manifest = digitsManifest();
  const split = manifest.splits[0];
  await page.goto(`/?backend=wasm&sample=test-0&split=${split.id}&rate=${split.rates[0].id}`);
  const point = digitsRd().points.find((p) => p.method === "bu" && p.split === split.id && p.rate === split.rates[0].id)!;
  await expect(page.getByTestId("precomputed")).toContainText(`${Math.round(point.bytesMean).toLocaleString("en-US")} bytes per image on average`);
  await expect(page.getByTestId("rd-chart")).toBeVisible();
  await expect(page.getByRole("progressbar", { name: /Loading/ })).toBeVisible();
  release();
  await readLive(page, { split: split.id, rate: split.rates[0].id });
  await expect(page.getByRole("progressbar")).toHaveCount(0);
});

test("the credits of the chosen model come from its manifest", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0");
  const credits = page.getByRole("region", { name: "Credits" });
  for (const c of digitsManifest().credits) await expect(credits).toContainText(c.source);
});

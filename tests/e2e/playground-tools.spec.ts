import { expect, test } from "./fixtures";
import { readLive } from "./playground-helpers";
import { digitsManifest } from "./reference";

/** The points of this input's curve at one split point, as the RD chart draws them. */
const curvePoints = (page: import("@playwright/test").Page, split: string) => page.locator(`[data-testid="live-curve-point"][data-split="${split}"]`);

test("this input's RD curve: one point per rate level of real bitstreams, a click selects the level, every split on request", async ({ page }) => {
  test.setTimeout(120_000);
  const manifest = digitsManifest();
  const split = manifest.splits.find((s) => s.id === "stage2")!;
  await page.goto("/?backend=wasm&sample=test-0&split=stage2&rate=r0");
  const first = await readLive(page, { split: "stage2", rate: "r0", sample: "test-0" });

  const points = curvePoints(page, "stage2");
  await expect(points).toHaveCount(split.rates.length);
  // The current level's point is this input's real bitstream: the same size the main view shows.
  await expect(points.and(page.locator('[data-rate="r0"]'))).toHaveAttribute("data-bytes", String(first.bytes));
  // Finer levels cost more bytes.
  const bytes = await points.evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-bytes"))));
  expect(Math.max(...bytes)).toBeGreaterThan(Math.min(...bytes));

  // Hover names the level, its lambda, its bytes, the agreement and the feature PSNR.
  const last = split.rates.at(-1)!;
  const target = points.and(page.locator(`[data-rate="${last.id}"]`));
  await target.hover();
  const tip = page.getByTestId("live-curve-tip");
  await expect(tip).toContainText(`level ${last.id}`);
  await expect(tip).toContainText("λ");
  await expect(tip).toContainText("bytes");
  await expect(tip).toContainText("Probability of the unsplit answer");
  await expect(tip).toContainText("feature PSNR");

  // A click selects that level: slider, address and the main result follow.
  await target.click();
  await expect(page.getByLabel("Rate level")).toHaveValue(String(last.index));
  const picked = await readLive(page, { split: "stage2", rate: last.id });
  expect(picked.bytes).toBe(Number(await target.getAttribute("data-bytes")));
  expect(page.url()).toContain(`rate=${last.id}`);

  // Every split: one point per level at each.
  await page.getByRole("button", { name: "Run every split" }).click();
  for (const s of manifest.splits) await expect(curvePoints(page, s.id)).toHaveCount(s.rates.length);
  await expect(page.getByTestId("live-curve-status")).toContainText(`${manifest.splits.length} splits in all`);
  // The table alternative lists them too, with a way to select each by keyboard.
  await page.getByText("Show the data as a table").click();
  const other = manifest.splits[0];
  await page.getByRole("button", { name: `Select ${other.id} ${other.rates[1].id}` }).click();
  await expect(page.getByLabel("Split point")).toHaveValue(other.id);
  await readLive(page, { split: other.id, rate: other.rates[1].id });
});

test("compare: two rate levels side by side from real runs, then a split against sending the image as JPEG", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/?backend=wasm&sample=test-0&split=stage2&rate=r2");
  const main = await readLive(page, { split: "stage2", rate: "r2" });
  const compare = page.getByRole("region", { name: "Compare" });
  await compare.getByRole("button", { name: "Compare" }).click();
  const left = compare.getByTestId("compare-side-left");
  const right = compare.getByTestId("compare-side-right");
  const bytesOf = async (side: typeof left) => Number(await side.getByTestId("compare-bytes").getAttribute("data-value"));
  await expect(left.getByTestId("compare-bytes")).toBeVisible();
  await expect(right.getByTestId("compare-bytes")).toBeVisible();
  // Defaults: the coarsest and the finest level of the page's split; the finer one sends more.
  expect(await bytesOf(left)).toBeLessThan(await bytesOf(right));
  for (const side of [left, right]) {
    await expect(side.getByTestId("split-prediction")).toBeVisible();
    await expect(side.getByText("Error map")).toBeVisible();
  }
  // The main view is untouched by the comparison's runs.
  expect((await readLive(page, { split: "stage2", rate: "r2" })).bytes).toBe(main.bytes);

  // Right: the image as JPEG; its size is the one the bitstream panel quotes.
  await right.getByLabel("Right: what is sent").selectOption("jpeg");
  await expect(right.getByRole("heading", { name: /the image as JPEG/ })).toBeVisible();
  await expect(right.getByText("Decoded JPEG", { exact: true })).toBeVisible();
  await expect(right.getByText("Whole model on the decoded JPEG")).toBeVisible();
  const jpeg = await bytesOf(right);
  expect(jpeg).toBeGreaterThan(0);
  expect(jpeg).not.toBe(await bytesOf(left));
  await expect(page.getByText(`: ${jpeg.toLocaleString("en-US")} bytes`).first()).toBeVisible();

  // Left: another split point at the same level.
  await left.getByLabel("Left: what is sent").selectOption("stage1");
  await expect(left.getByRole("heading", { name: /After stage 1, level r0/ })).toBeVisible();
});

test("link budget: every split's latency on a link from the times measured here; raising the uplink moves the best split to a shallower one", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const manifest = digitsManifest();
  await page.goto("/?backend=wasm&sample=test-0&split=stage2&rate=r2");
  await readLive(page, { split: "stage2", rate: "r2" });
  const budget = page.getByRole("region", { name: "Link budget" });
  await budget.getByRole("button", { name: "Measure every split" }).click();
  const best = budget.getByTestId("best-split");
  await expect(best).toBeVisible();
  await expect(budget.getByTestId("link-reference-jpeg")).toBeVisible();
  await expect(budget.getByTestId("link-reference-device")).toBeVisible();

  // A device far slower than the server: at a crawl of an uplink the bytes decide, at a fast one the device's compute.
  await budget.getByLabel("Device speed").fill("0.01");
  await budget.getByLabel("Server speed").fill("100");
  await budget.getByLabel("Uplink (kbit/s)").fill("1");
  await expect(best).toContainText("For this link the best split is");
  const slow = await best.getAttribute("data-split");
  await budget.getByLabel("Uplink (kbit/s)").fill("1000000");
  await expect(best).not.toHaveAttribute("data-split", slow!);
  const fast = await best.getAttribute("data-split");
  const depth = (id: string | null) => manifest.splits.findIndex((s) => s.id === id);
  expect(depth(fast)).toBeLessThan(depth(slow));
  await expect(best).toContainText(manifest.splits[depth(fast)].label);

  // A figure that cannot be used says so and changes nothing.
  await budget.getByLabel("Uplink (kbit/s)").fill("0");
  await expect(budget.getByRole("alert")).toContainText("The uplink must be a number of kbit/s above 0.");
  await expect(best).toHaveAttribute("data-split", fast!);
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { encodePng } from "@/lib/baselines/png";
import { decodeJpeg, photoPixels } from "@/lib/data/photos";
import { expect, test } from "./fixtures";
import { expectSameAsReference, pickRate, readLive } from "./playground-helpers";
import { bdRateOf } from "@/lib/metrics/rd-bd-rates";
import type { RdFile } from "@/lib/metrics/rd-schema";
import { bdRateText } from "@/lib/view/rd-series";
import { centernetManifest, readSiteJson, referenceRunOf, SITE_DIR } from "./reference";

/** A held-out sample photo stretched to the detector's 512 x 512 input, as 8-bit RGB. */
function photo512(file: string): Uint8Array {
  return photoPixels(decodeJpeg(new Uint8Array(readFileSync(path.join(SITE_DIR, "samples/photos", file)))), 512);
}

test("an uploaded photo runs through the split detector at every split point and rate level, as an independent run of the pipeline does", async ({ page }) => {
  test.setTimeout(300_000);
  const manifest = centernetManifest();
  // Already 512 x 512, so the page's crop and resize leave the pixels as they are and the reference sees the same input.
  const rgb = photo512("chelsea.jpg");
  await page.goto("/?model=centernet&backend=wasm");
  await expect(page.getByRole("combobox", { name: "Model", exact: true })).toHaveValue("centernet");
  await expect(page.getByTestId("backend")).toHaveText("wasm");
  await readLive(page, {});
  await page.getByLabel("Upload image").setInputFiles({ name: "cat.png", mimeType: "image/png", buffer: Buffer.from(encodePng(rgb, 512, 512, 3)) });
  await expect(page.getByTestId("upload-preview")).toContainText("cat.png: 512 × 512");

  const rd = readSiteJson<RdFile>("rd/centernet.json");
  for (const split of manifest.splits) {
    await page.getByLabel("Split point").selectOption(split.id);
    // Beside the chart: this split's BD-rates against sending the image, as the RD file's points give them.
    for (const against of ["input-jpeg", "input-webp"] as const) {
      await expect(page.getByTestId(`bd-rate-${against}`)).toHaveText(bdRateText(bdRateOf(rd.points, split.id, against, "map50")));
    }
    for (const rate of split.rates) {
      await pickRate(page, rate.index);
      const live = await readLive(page, { split: split.id, rate: rate.id, sample: "upload" });
      const ref = await referenceRunOf("centernet", rgb, split.index, rate.index);
      const where = `${split.id}/${rate.id}`;
      await expectSameAsReference(page, live, ref, where);
      // Boxes for both models, side by side.
      await expect(page.getByTestId("unsplit-prediction"), where).toHaveAttribute("data-value", ref.unsplitTop);
    }
  }
  // At the best rate level of the deep cut the split detector's most confident box is the unsplit one's class.
  const best = await readLive(page, { split: manifest.splits.at(-1)!.id, rate: manifest.splits.at(-1)!.rates.at(-1)!.id, sample: "upload" });
  expect(best.unsplitTop).not.toBe("none");
  expect(best.splitTop).toBe(best.unsplitTop);
});

test("the photo model reads clearly: named in the menu, open at its deep cut, boxes above a score threshold, agreement in words, named feature maps", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto("/?backend=wasm");
  await page.getByRole("combobox", { name: "Model", exact: true }).selectOption({ label: "Photos: COCO object detector (CenterNet, MobileNetV3)" });
  await expect(page.getByLabel("Split point")).toHaveValue("head-taps");
  await readLive(page, { split: "head-taps" });

  const agreement = page.getByTestId("agreement");
  await expect(agreement).toHaveText(/^\d+ of \d+ found(, \d+ extra)?$/);
  await expect(page.getByRole("region", { name: "Prediction" })).not.toContainText(/accuracy/i);
  const count = async () => Number(await page.getByTestId("unsplit-prediction").getAttribute("data-count"));
  const atDefault = await count();
  const threshold = page.getByLabel("Score threshold");
  await threshold.fill("0.05");
  const low = await count();
  await threshold.fill("0.9");
  const high = await count();
  expect(low).toBeGreaterThanOrEqual(atDefault);
  expect(high).toBeLessThanOrEqual(atDefault);
  expect(low).toBeGreaterThan(high);
  // The agreement follows the boxes shown.
  expect(Number(await agreement.getAttribute("data-of"))).toBe(high);

  // Box labels are at least 12 px.
  await threshold.fill("0.2");
  const sizes = await page
    .getByTestId("split-prediction")
    .locator("svg text")
    .evaluateAll((els) =>
      els.map((e) => {
        const svg = e.closest("svg")!;
        return parseFloat(e.getAttribute("font-size")!) * (svg.getBoundingClientRect().width / svg.viewBox.baseVal.width);
      }),
    );
  expect(sizes.length).toBeGreaterThan(0);
  for (const px of sizes) expect(px).toBeGreaterThanOrEqual(12);

  const features = page.getByRole("region", { name: "Feature maps at the split" });
  await expect(features).toContainText("MobileNetV3 block 14, stride 32");
  const perChannel = features.getByLabel("Per-channel scale").first();
  await perChannel.check();
  await expect(features).toContainText("Each channel from its own minimum");
});

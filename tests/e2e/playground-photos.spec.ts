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

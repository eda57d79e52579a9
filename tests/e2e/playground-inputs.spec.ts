import { encodePng } from "@/lib/baselines/png";
import { expect, test } from "./fixtures";
import { readLive } from "./playground-helpers";

/** A grey picture: a light background with a dark vertical bar in the middle (a "1" written in ink). */
function inkOne(width: number, height: number): Buffer {
  const pixels = new Uint8Array(width * height).fill(235);
  const x0 = Math.floor(width * 0.47);
  const x1 = Math.ceil(width * 0.53);
  for (let y = Math.floor(height * 0.2); y < height * 0.8; y++) for (let x = x0; x < x1; x++) pixels[y * width + x] = 20;
  return Buffer.from(encodePng(pixels, width, height, 1));
}

test("an uploaded PNG is cropped, resized, inverted and run", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0");
  await readLive(page, { sample: "test-0" });
  await page.getByLabel("Upload image").setInputFiles({ name: "one.png", mimeType: "image/png", buffer: inkOne(300, 200) });
  const live = await readLive(page, { sample: "upload" });
  await expect(page.getByTestId("upload-preview")).toContainText("one.png: 300 × 200, centre 200 × 200 crop resized to 28 × 28, inverted");
  expect(live.bytes).toBeGreaterThan(0);
  // A lone vertical stroke is a 1 to the unsplit model.
  expect(live.unsplitTop).toBe("1");
  expect(page.url()).toContain("sample=upload");
});

test("drawing a digit with the mouse runs it", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0");
  await readLive(page, { sample: "test-0" });
  const pad = page.getByTestId("draw-pad");
  const box = (await pad.boundingBox())!;
  // A "7": a top bar and a diagonal down to the lower left.
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.2);
  await page.mouse.down();
  for (const [fx, fy] of [
    [0.5, 0.2],
    [0.75, 0.2],
    [0.6, 0.5],
    [0.45, 0.85],
  ])
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 8 });
  await page.mouse.up();
  const live = await readLive(page, { sample: "draw" });
  expect(live.bytes).toBeGreaterThan(0);
  expect(live.unsplitTop).toBe("7");
  await page.getByRole("button", { name: "Clear drawing" }).click();
});

test("bad uploads get a sentence and the app keeps working", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/?backend=wasm&sample=test-0");
  const before = await readLive(page, { sample: "test-0" });
  const upload = page.getByLabel("Upload image");

  await upload.setInputFiles({ name: "notes.png", mimeType: "image/png", buffer: Buffer.from("these are not pixels") });
  await expect(page.getByRole("alert").filter({ hasText: "notes.png" })).toContainText('"notes.png" is not an image this browser can read');

  await upload.setInputFiles({ name: "empty.jpg", mimeType: "image/jpeg", buffer: Buffer.alloc(0) });
  await expect(page.getByRole("alert").filter({ hasText: "empty.jpg" })).toContainText('"empty.jpg" is empty');

  // 6000 x 6000 pixels: downscaled in the browser's resampler, then run.
  await upload.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: inkOne(6000, 6000) });
  await expect(page.getByTestId("upload-preview")).toContainText("huge.png: 6000 × 6000", { timeout: 60_000 });
  const huge = await readLive(page, { sample: "upload" });
  expect(huge.unsplitTop).toBe("1");

  // Still working: back to a sample.
  await page.getByRole("button", { name: /^Sample test-0 / }).click();
  const again = await readLive(page, { sample: "test-0" });
  expect(again.bytes).toBe(before.bytes);
});

test("a photo uploaded to the digits model gets a hint to switch to the photo model", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0");
  await readLive(page, { sample: "test-0" });
  await expect(page.getByTestId("photo-hint")).toHaveCount(0);
  const rgb = new Uint8Array(64 * 48 * 3).map((_, i) => (i * 37) % 256);
  await page.getByLabel("Upload image").setInputFiles({ name: "street.png", mimeType: "image/png", buffer: Buffer.from(encodePng(rgb, 64, 48, 3)) });
  await readLive(page, { sample: "upload" });
  const hint = page.getByTestId("photo-hint");
  await expect(hint).toContainText("If this is a photo");
  await hint.getByRole("button", { name: "switch to Photos: COCO object detector (CenterNet, MobileNetV3)" }).click();
  await expect(page.getByRole("combobox", { name: "Model", exact: true })).toHaveValue("centernet");
  await readLive(page, { split: "head-taps" });
});

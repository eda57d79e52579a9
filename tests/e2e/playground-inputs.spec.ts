import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { encodePng } from "@/lib/baselines/png";
import { MAX_STREAM_BYTES } from "@/lib/view/stream-file";
import { hugeBlackPng, rgbaOf, rgbaPng } from "../image-files";
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
  // The mouse draws in viewport coordinates: the pad must be on screen.
  await pad.scrollIntoViewIfNeeded();
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
  await expect(page.getByRole("alert").filter({ hasText: "notes.png" })).toContainText('"notes.png" is not an image this app can read');

  await upload.setInputFiles({ name: "empty.jpg", mimeType: "image/jpeg", buffer: Buffer.alloc(0) });
  await expect(page.getByRole("alert").filter({ hasText: "empty.jpg" })).toContainText('"empty.jpg" is empty');

  // 6000 x 6000 pixels: downscaled in the browser's resampler, then run.
  await upload.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: inkOne(6000, 6000) });
  await expect(page.getByTestId("upload-preview")).toContainText("huge.png: 6000 × 6000", { timeout: 60_000 });
  const huge = await readLive(page, { sample: "upload" });
  expect(huge.unsplitTop).toBe("1");

  // Still working: back to a sample.
  await page.getByRole("radio", { name: /^Sample test-0 / }).click();
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

type Rgba = [number, number, number, number];

/** A handwritten-looking "7" (a top bar and a diagonal, strokes 1/10 of the side thick) in `ink` on `paper`. */
function seven(side: number, ink: Rgba, paper: Rgba): Buffer {
  const segments = [
    [0.25, 0.2, 0.75, 0.2],
    [0.75, 0.2, 0.45, 0.85],
  ];
  const near = (px: number, py: number) =>
    segments.some(([ax, ay, bx, by]) => {
      const t = Math.max(0, Math.min(1, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
      return Math.hypot(px - ax - t * (bx - ax), py - ay - t * (by - ay)) < 0.05;
    });
  return Buffer.from(
    rgbaPng(
      side,
      side,
      rgbaOf(side, side, (x, y) => (near(x / side, y / side) ? ink : paper)),
    ),
  );
}

const uploaded = (page: Page) => page.getByRole("img", { name: "the uploaded picture as the model sees it" });

/** The largest pixel value of the uploaded picture as the model sees it (0 means all black). */
function brightest(page: Page): Promise<number> {
  return uploaded(page).evaluate((el) => {
    const c = el as HTMLCanvasElement;
    return Math.max(
      ...c
        .getContext("2d")!
        .getImageData(0, 0, c.width, c.height)
        .data.filter((_, i) => i % 4 === 0),
    );
  });
}

test("strokes on a transparent PNG are read as strokes, black ones or white ones, not as an all-black input", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0");
  await readLive(page, { sample: "test-0" });
  const clear: Rgba = [0, 0, 0, 0];
  for (const [name, ink] of [
    ["black-seven.png", [0, 0, 0, 255]],
    ["white-seven.png", [255, 255, 255, 255]],
  ] as const) {
    await page.getByLabel("Upload image").setInputFiles({ name, mimeType: "image/png", buffer: seven(200, [...ink], clear) });
    await expect(page.getByTestId("upload-preview")).toContainText(`${name}: 200 × 200`);
    expect(await brightest(page), name).toBe(255);
    await expect(page.getByRole("status").filter({ hasText: "blank" })).toHaveCount(0);
    const live = await readLive(page, { sample: "upload" });
    expect(live.unsplitTop, name).toBe("7");
  }
  await expect(page.getByTestId("upload-preview")).toContainText("transparency on black");
});

test("a blank input gets a warning instead of a silent prediction", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0");
  await readLive(page, { sample: "test-0" });
  await page
    .getByLabel("Upload image")
    .setInputFiles({ name: "clear.png", mimeType: "image/png", buffer: Buffer.from(rgbaPng(40, 30, new Uint8Array(40 * 30 * 4))) });
  await expect(page.getByRole("status").filter({ hasText: "blank" })).toContainText("This input is blank once prepared for the model");
  // Back to a sample: the warning goes with the blank input.
  await page.getByRole("radio", { name: /^Sample test-0 / }).click();
  await expect(page.getByRole("status").filter({ hasText: "blank" })).toHaveCount(0);
});

test("huge pictures are refused from their header as too large, the app keeps working", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0");
  const before = await readLive(page, { sample: "test-0" });
  const upload = page.getByLabel("Upload image");
  await upload.setInputFiles({ name: "wall.png", mimeType: "image/png", buffer: Buffer.from(hugeBlackPng(30000, 30000)) });
  await expect(page.getByRole("alert").filter({ hasText: "wall.png" })).toHaveText(
    '"wall.png" is too large (30000 × 30000 pixels; the limit is 40 megapixels).',
  );
  await upload.setInputFiles({ name: "poster.png", mimeType: "image/png", buffer: Buffer.from(hugeBlackPng(12000, 12000)) });
  await expect(page.getByRole("alert").filter({ hasText: "poster.png" })).toHaveText(
    '"poster.png" is too large (12000 × 12000 pixels; the limit is 40 megapixels).',
  );
  await page.getByRole("radio", { name: /^Sample test-0 / }).click();
  expect((await readLive(page, { sample: "test-0" })).bytes).toBe(before.bytes);
});

test("uploads can be fitted whole (letterboxed) or cropped to the centre square, and switching re-reads the same file", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0");
  await readLive(page, { sample: "test-0" });
  // 300 x 100: white paper, a black bar in the middle third. Fitted, the square input has paper bands above and below.
  const wide = rgbaPng(
    300,
    100,
    rgbaOf(300, 100, (x, y) => (x >= 140 && x < 160 && y >= 10 && y < 90 ? [0, 0, 0, 255] : [255, 255, 255, 255])),
  );
  await page.getByRole("radio", { name: /^Fit/ }).check();
  await page.getByLabel("Upload image").setInputFiles({ name: "wide.png", mimeType: "image/png", buffer: Buffer.from(wide) });
  await expect(page.getByTestId("upload-preview")).toContainText("wide.png: 300 × 100, whole picture fitted (letterboxed) to 28 × 28, inverted");
  const fitted = await readLive(page, { sample: "upload" });
  await page.getByRole("radio", { name: /^Crop/ }).check();
  await expect(page.getByTestId("upload-preview")).toContainText("wide.png: 300 × 100, centre 100 × 100 crop resized to 28 × 28, inverted");
  const cropped = await readLive(page, { sample: "upload", newerThan: fitted.token });
  // The crop shows the bar 3 times larger than the fit: a different input, so a different stream.
  expect(cropped.bytes).not.toBe(fitted.bytes);
});

test("the decode panel refuses a file larger than any stream by its size, and says so when a file cannot be read", async ({ page }) => {
  // A read that fails as Chromium's does when a chosen file is changed or removed before it is read.
  await page.addInitScript(() => {
    const read = Blob.prototype.arrayBuffer;
    Blob.prototype.arrayBuffer = function (this: Blob) {
      if (this instanceof File && this.name === "unreadable.bin")
        return Promise.reject(new DOMException("The requested file could not be read.", "NotReadableError"));
      return read.call(this);
    };
  });
  await page.goto("/?backend=wasm&sample=test-0");
  await readLive(page, { sample: "test-0" });
  const decode = page.getByLabel("Decode a bitstream");
  await expect(decode).toBeEnabled();
  // 5 GiB, sparse on disk: refused by its size, never read.
  const dir = path.join(process.cwd(), ".tmp", "e2e", "files");
  mkdirSync(dir, { recursive: true });
  const huge = path.join(dir, "huge.bin");
  writeFileSync(huge, "");
  truncateSync(huge, 5 * 1024 ** 3);
  await decode.setInputFiles(huge);
  await expect(page.getByRole("alert").filter({ hasText: "huge.bin" })).toContainText(
    `huge.bin: at 5,120.0 MB it is larger than any bitstream can be (at most ${(MAX_STREAM_BYTES / 1048576).toFixed(1)} MB), so it is not one.`,
  );
  await decode.setInputFiles({ name: "unreadable.bin", mimeType: "application/octet-stream", buffer: Buffer.from("SP") });
  await expect(page.getByRole("alert").filter({ hasText: "unreadable.bin" })).toContainText("the file could not be read (NotReadableError)");
  await expect(page.getByText(/^Decoding /)).toHaveCount(0);
});

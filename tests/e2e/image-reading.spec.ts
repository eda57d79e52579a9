/**
 * The page and Node prepare the same model input from the same file: the gallery photos and uploads of every
 * kind Node also reads (PNG with transparency, 16-bit PNG, JPEG and PNG with each EXIF orientation, WebP), in
 * both framings, compared pixel for pixel with lib/image/read-image-node in the test process.
 */
import path from "node:path";
import type { Locator, Page } from "@playwright/test";
import { webpRoundTrip } from "@/lib/baselines/webp-node";
import type { Framing } from "@/lib/image/prepare";
import { readImageBytes, readImageFileNode } from "@/lib/image/read-image-node";
import { exifTiff, jpegFile, pngChunk, pngFile, rgbaOf, rgbaPng } from "../image-files";
import { expect, test } from "./fixtures";
import { centernetManifest, digitsManifest, readSiteJson, SITE_DIR } from "./reference";

/** The 8-bit pixels a PixelImage canvas shows (opaque, so read back exactly), as the model's channels. */
async function canvasPixels(canvas: Locator, channels: number): Promise<number[]> {
  return canvas.evaluate((el, channels) => {
    const c = el as HTMLCanvasElement;
    const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    const out: number[] = [];
    for (let i = 0; i < data.length; i += 4) for (let k = 0; k < channels; k++) out.push(data[i + k]);
    return out;
  }, channels);
}

/** Waits until the canvas shows exactly `want` (it is drawn in an effect after the render that shows the note). */
async function expectShows(canvas: Locator, want: Uint8Array, channels: number, what: string): Promise<void> {
  await expect
    .poll(
      async () => {
        const got = await canvasPixels(canvas, channels);
        if (got.length !== want.length) return `${got.length} values, expected ${want.length}`;
        let differ = 0;
        let worst = 0;
        for (let i = 0; i < got.length; i++) {
          const d = Math.abs(got[i] - want[i]);
          if (d) differ++;
          worst = Math.max(worst, d);
        }
        return differ ? `${differ} values differ, by up to ${worst}` : "identical";
      },
      { message: what, timeout: 20_000 },
    )
    .toBe("identical");
}

async function upload(page: Page, name: string, bytes: Uint8Array, mimeType: string, framing: "Crop" | "Fit"): Promise<void> {
  await page.getByRole("radio", { name: new RegExp(`^${framing}`) }).check();
  await page.getByLabel("Upload image").setInputFiles({ name, mimeType, buffer: Buffer.from(bytes) });
  await expect(page.getByTestId("upload-preview")).toContainText(`${name}: `);
}

async function nodeRead(bytes: Uint8Array, size: { width: number; height: number; channels: 1 | 3 }, framing: Framing): Promise<Uint8Array> {
  const read = await readImageBytes(bytes, { size, framing });
  if (!read.ok) throw new Error(read.message);
  return read.pixels;
}

/** Odd-sized RGBA with every alpha from opaque to clear: a diagonal ink stroke over a colour ramp that fades out. */
const translucent = rgbaOf(301, 187, (x, y) => (Math.abs(x - 1.6 * y) < 9 ? [20, 10, 5, 255] : [(x * 7) % 256, (y * 5) % 256, 128, (x + 2 * y) % 256]));

test("the gallery photos reach the detector as the same pixels in the page as in Node", async ({ page }) => {
  test.setTimeout(180_000);
  const manifest = centernetManifest();
  const size = manifest.input;
  const { samples } = readSiteJson<{ samples: { id: string; title: string; file: string }[] }>("samples/photos/photos.json");
  await page.goto("/?model=centernet&backend=wasm");
  const seen = page.getByRole("img", { name: "the input as the model sees it" });
  for (const s of samples) {
    await page.getByRole("radio", { name: `Sample ${s.id} (${s.title})` }).click();
    await expect(page.getByText(`sample ${s.id} (${s.title})`)).toBeVisible();
    const node = await readImageFileNode(path.join(SITE_DIR, "samples/photos", s.file), { size, framing: "stretch" });
    if (!node.ok) throw new Error(node.message);
    await expectShows(seen, node.pixels, 3, s.file);
  }
});

test("uploads reach the model as the same pixels in the page as in Node: PNG with transparency, 16-bit PNG, rotated JPEG, WebP", async ({ page }) => {
  test.setTimeout(180_000);
  const preview = page.getByRole("img", { name: "the uploaded picture as the model sees it" });

  await page.goto("/?model=digits&backend=wasm");
  const digits = digitsManifest().input;
  for (const framing of ["Crop", "Fit"] as const) {
    const png = rgbaPng(301, 187, translucent);
    await upload(page, `ink-${framing}.png`, png, "image/png", framing);
    await expectShows(preview, await nodeRead(png, digits, framing === "Crop" ? "crop" : "fit"), 1, `digits, translucent PNG, ${framing}`);
  }

  await page.goto("/?model=centernet&backend=wasm");
  const photos = centernetManifest().input;
  const cases: { name: string; bytes: Uint8Array; type: string; framing: "Crop" | "Fit" }[] = [
    { name: "translucent.png", bytes: rgbaPng(301, 187, translucent), type: "image/png", framing: "Fit" },
    {
      name: "deep.png",
      bytes: pngFile({
        width: 97,
        height: 131,
        colorType: 2,
        bitDepth: 16,
        rows: Uint8Array.from({ length: 97 * 131 * 6 }, (_, i) => (i * 131 + (i >> 7)) % 256),
      }),
      type: "image/png",
      framing: "Crop",
    },
    { name: "turned.jpg", bytes: jpegFile(640, 400, gradient(640, 400), { orientation: 6 }), type: "image/jpeg", framing: "Fit" },
    {
      name: "photo.webp",
      bytes: (await webpRoundTrip({ pixels: rgbOf(gradient(333, 250)), width: 333, height: 250, channels: 3 }, 70)).bytes,
      type: "image/webp",
      framing: "Crop",
    },
  ];
  for (const c of cases) {
    await upload(page, c.name, c.bytes, c.type, c.framing);
    await expectShows(preview, await nodeRead(c.bytes, photos, c.framing === "Crop" ? "crop" : "fit"), 3, `detector, ${c.name}, ${c.framing}`);
  }
});

test("every EXIF orientation of a JPEG or PNG comes out in Node as Chromium shows it", async ({ page }) => {
  test.setTimeout(180_000);
  // Four quadrants of distinct greys (after the digits' grey, inversion and stretch too): any wrong turn or flip
  // moves them. The page decodes with Chromium, which applies the orientation itself; Node with applyOrientation.
  const quadrants = rgbaOf(64, 48, (x, y) => (y < 24 ? (x < 32 ? [250, 0, 0, 255] : [0, 250, 0, 255]) : x < 32 ? [0, 0, 250, 255] : [250, 250, 250, 255]));
  await page.goto("/?model=digits&backend=wasm");
  const preview = page.getByRole("img", { name: "the uploaded picture as the model sees it" });
  const digits = digitsManifest().input;
  for (let o = 1; o <= 8; o++) {
    const files = [
      { name: `o${o}.jpg`, bytes: jpegFile(64, 48, quadrants, { orientation: o }), type: "image/jpeg" },
      { name: `o${o}.png`, bytes: rgbaPng(64, 48, quadrants, [pngChunk("eXIf", exifTiff(o))]), type: "image/png" },
    ];
    for (const f of files) {
      await upload(page, f.name, f.bytes, f.type, "Fit");
      await expect(page.getByTestId("upload-preview")).toContainText(`${f.name}: ${o >= 5 ? "48 × 64" : "64 × 48"}`);
      await expectShows(preview, await nodeRead(f.bytes, digits, "fit"), 1, `orientation ${o}, ${f.name}`);
    }
  }
});

/** A smooth colour picture (RGBA). */
function gradient(w: number, h: number): Uint8Array {
  return rgbaOf(w, h, (x, y) => [Math.round((255 * x) / w), Math.round((255 * y) / h), (x * y) % 256, 255]);
}

function rgbOf(rgba: Uint8Array): Uint8Array {
  return rgba.filter((_, i) => i % 4 !== 3);
}

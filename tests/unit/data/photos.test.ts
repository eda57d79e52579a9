import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeJpeg, photoPixels, type PhotoIndex } from "@/lib/data/photos";
import { readImageBytes } from "@/lib/image/read-image-node";

const PHOTOS = path.resolve(import.meta.dirname, "../../../public/samples/photos");

describe("gallery photos in Node", () => {
  it("are the model input the page's reading path gives (lib/image, stretch), for every photo", async () => {
    const { samples } = JSON.parse(readFileSync(path.join(PHOTOS, "photos.json"), "utf8")) as PhotoIndex;
    for (const s of samples) {
      const bytes = new Uint8Array(readFileSync(path.join(PHOTOS, s.file)));
      const page = await readImageBytes(bytes, { size: { width: 512, height: 512, channels: 3 }, framing: "stretch" });
      if (!page.ok) throw new Error(page.message);
      const img = decodeJpeg(bytes);
      expect([img.width, img.height], s.file).toEqual([s.width, s.height]);
      expect(Buffer.from(photoPixels(img, 512)).equals(Buffer.from(page.pixels)), s.file).toBe(true);
    }
  });
});

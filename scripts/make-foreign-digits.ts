/**
 * Builds the foreign digits fixture (tests/fixtures/foreign-digits/): digits that are not MNIST, for checking that
 * the digits model and its bottleneck units generalise. No training and no model choice reads it.
 *
 *   - fonts: every digit in 19 fonts of Debian packages (11 handwriting-like, 8 text faces; the list below was fixed
 *     before any model saw the set), rendered by Chromium on canvases of random size, grey levels and polarity,
 *     the digit's ink 50-85 % of the picture's height, with random offset, rotation and blur, two renderings per
 *     font and digit;
 *   - drawn: digits drawn with the mouse on the playground's own draw pad (the built site, served locally), from
 *     stroke templates with random size, slant, rotation, offset and wobble, ten per digit.
 * Seeded: the same fonts and Chromium give the same files. Authoring time only (needs the fonts installed, see
 * CREDITS.md in the fixture folder, and `npm run build` for the draw pad); CI only reads the files.
 *
 *   npm run fixture:foreign-digits [-- --port 3200]
 */
import { spawn } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { chromium, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { encodePng } from "@/lib/baselines/png";
import { createRng } from "@/lib/util/prng";
import { readOptions } from "./args";

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "tests/fixtures/foreign-digits");
const SEED = 9;
const opts = readOptions("fixture:foreign-digits", { port: { type: "number", integer: true, min: 1, help: "port for serving out/ (default 3200)" } });
const port = opts.port ?? 3200;

/** Font families (fontconfig names) and the Debian package each comes from. */
export const FONTS: { family: string; pkg: string; handwriting: boolean }[] = [
  { family: "Comic Neue", pkg: "fonts-comic-neue", handwriting: true },
  { family: "DkgHandwriting", pkg: "fonts-dkg-handwriting", handwriting: true },
  { family: "Breip", pkg: "fonts-breip", handwriting: true },
  { family: "Humor Sans", pkg: "fonts-humor-sans", handwriting: true },
  { family: "femkeklaver", pkg: "fonts-femkeklaver", handwriting: true },
  { family: "Because We Build", pkg: "fonts-bwht", handwriting: true },
  { family: "Because We Connect", pkg: "fonts-bwht", handwriting: true },
  { family: "Because We Create", pkg: "fonts-bwht", handwriting: true },
  { family: "Because We Learn", pkg: "fonts-bwht", handwriting: true },
  { family: "Because We Mentor", pkg: "fonts-bwht", handwriting: true },
  { family: "Because We Organize", pkg: "fonts-bwht", handwriting: true },
  { family: "DejaVu Sans", pkg: "fonts-dejavu-core", handwriting: false },
  { family: "DejaVu Serif", pkg: "fonts-dejavu-core", handwriting: false },
  { family: "Liberation Sans", pkg: "fonts-liberation", handwriting: false },
  { family: "Liberation Serif", pkg: "fonts-liberation", handwriting: false },
  { family: "FreeSans", pkg: "fonts-freefont-ttf", handwriting: false },
  { family: "FreeSerif", pkg: "fonts-freefont-ttf", handwriting: false },
  { family: "Cantarell", pkg: "fonts-cantarell", handwriting: false },
  { family: "Lato", pkg: "fonts-lato", handwriting: false },
];
const RENDERINGS_PER_FONT_DIGIT = 2;
const DRAWINGS_PER_DIGIT = 10;

type Pt = [number, number];
/** Points of an ellipse arc in the unit box (y down; 0 deg = right, 90 deg = down). */
function arc(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number, n = 14): Pt[] {
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = ((a0 + ((a1 - a0) * i) / n) * Math.PI) / 180;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)] as Pt;
  });
}

/** Stroke templates per digit (alternatives people write), each a list of strokes (polylines in the unit box). */
const TEMPLATES: Pt[][][][] = [
  [[arc(0.5, 0.5, 0.3, 0.42, -90, 270, 24)]],
  [
    [
      [
        [0.5, 0.1],
        [0.5, 0.9],
      ],
    ],
    [
      [
        [0.33, 0.28],
        [0.52, 0.1],
        [0.52, 0.9],
      ],
    ],
  ],
  [[[...arc(0.5, 0.32, 0.27, 0.22, 190, 390), [0.22, 0.9], [0.82, 0.9]]]],
  [[[...arc(0.47, 0.3, 0.25, 0.2, 200, 450), ...arc(0.47, 0.7, 0.29, 0.2, 270, 520)]]],
  [
    [
      [
        [0.62, 0.1],
        [0.2, 0.62],
        [0.85, 0.62],
      ],
      [
        [0.64, 0.35],
        [0.64, 0.92],
      ],
    ],
    [
      [
        [0.27, 0.1],
        [0.22, 0.55],
        [0.8, 0.55],
      ],
      [
        [0.68, 0.12],
        [0.68, 0.92],
      ],
    ],
  ],
  [
    [[[0.76, 0.1], [0.32, 0.1], [0.28, 0.46], ...arc(0.5, 0.66, 0.27, 0.24, 215, 510)]],
    [
      [[0.3, 0.1], [0.27, 0.46], ...arc(0.5, 0.66, 0.27, 0.24, 215, 510)],
      [
        [0.3, 0.1],
        [0.76, 0.1],
      ],
    ],
  ],
  [[[[0.7, 0.1], [0.5, 0.2], [0.34, 0.38], [0.26, 0.62], ...arc(0.5, 0.68, 0.24, 0.21, 180, -180)]]],
  [
    [
      [
        [0.2, 0.12],
        [0.8, 0.12],
        [0.42, 0.9],
      ],
    ],
    [
      [
        [0.2, 0.12],
        [0.8, 0.12],
        [0.42, 0.9],
      ],
      [
        [0.36, 0.5],
        [0.74, 0.5],
      ],
    ],
  ],
  [[[...arc(0.5, 0.3, 0.22, 0.2, 90, 450), ...arc(0.5, 0.7, 0.27, 0.21, 270, 630)]]],
  [[[...arc(0.48, 0.32, 0.25, 0.22, 0, 360), [0.73, 0.32], [0.7, 0.9]]], [[...arc(0.48, 0.32, 0.25, 0.22, 0, 360), [0.73, 0.4], [0.6, 0.9]]]],
];

function greyPng(dataUrl: string): Uint8Array {
  const png = PNG.sync.read(Buffer.from(dataUrl.split(",")[1], "base64"));
  const grey = new Uint8Array(png.width * png.height);
  for (let i = 0; i < grey.length; i++) grey[i] = Math.round(0.299 * png.data[4 * i] + 0.587 * png.data[4 * i + 1] + 0.114 * png.data[4 * i + 2]);
  return encodePng(grey, png.width, png.height, 1);
}

async function renderFonts(page: Page, rows: string[]) {
  const rng = createRng(SEED);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
  await page.setContent("<!doctype html><html><body></body></html>");
  for (const font of FONTS) {
    const ok = await page.evaluate(async (family) => {
      await document.fonts.load(`40px "${family}"`, "0123456789");
      return document.fonts.check(`40px "${family}"`, "0123456789") && [...document.fonts].length >= 0;
    }, font.family);
    if (!ok) throw new Error(`font "${font.family}" is not installed: apt-get install ${font.pkg}`);
    for (let digit = 0; digit < 10; digit++) {
      for (let k = 0; k < RENDERINGS_PER_FONT_DIGIT; k++) {
        const size = Math.round(u(40, 120));
        const darkOnLight = rng.next() < 0.75;
        const light = Math.round(u(190, 255));
        const dark = Math.round(u(0, 70));
        const params = {
          family: font.family,
          text: String(digit),
          size,
          bg: darkOnLight ? light : dark,
          fg: darkOnLight ? dark : light,
          /** Height of the digit's ink as a share of the picture, as in a photo cropped around one digit. */
          inkHeight: u(0.5, 0.85),
          bold: rng.next() < 0.3,
          rotate: u(-10, 10),
          dx: u(-0.08, 0.08) * size,
          dy: u(-0.08, 0.08) * size,
          blur: rng.next() < 0.3 ? u(0.3, 1.2) : 0,
        };
        const url = await page.evaluate((p) => {
          const c = document.createElement("canvas");
          c.width = c.height = p.size;
          const ctx = c.getContext("2d")!;
          ctx.fillStyle = `rgb(${p.bg},${p.bg},${p.bg})`;
          ctx.fillRect(0, 0, p.size, p.size);
          ctx.translate(p.size / 2 + p.dx, p.size / 2 + p.dy);
          ctx.rotate((p.rotate * Math.PI) / 180);
          ctx.filter = p.blur ? `blur(${p.blur}px)` : "none";
          // (No helper functions in here: the bundler's name wrappers do not exist in the page.)
          const weight = p.bold ? "bold " : "";
          ctx.font = `${weight}100px "${p.family}"`;
          const probe = ctx.measureText(p.text);
          ctx.font = `${weight}${(100 * p.inkHeight * p.size) / (probe.actualBoundingBoxAscent + probe.actualBoundingBoxDescent)}px "${p.family}"`;
          ctx.fillStyle = `rgb(${p.fg},${p.fg},${p.fg})`;
          ctx.textAlign = "center";
          // Centre the glyph's ink box, not the em box: fonts place digits at different heights.
          const m = ctx.measureText(p.text);
          const yMid = (m.actualBoundingBoxAscent - m.actualBoundingBoxDescent) / 2;
          ctx.fillText(p.text, 0, yMid);
          return c.toDataURL("image/png");
        }, params);
        const file = `font-${font.family.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${digit}-${k}.png`;
        await writeFile(path.join(OUT, file), greyPng(url));
        rows.push(`${file},${digit}`);
      }
    }
  }
}

async function drawOnPad(page: Page, rows: string[]) {
  const rng = createRng(SEED + 1);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.next();
  await page.goto(`http://127.0.0.1:${port}/?backend=wasm`);
  const pad = page.getByTestId("draw-pad");
  await pad.waitFor();
  // The pad paints itself black once React has hydrated it; draw only after that.
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid="draw-pad"]') as HTMLCanvasElement | null;
    return !!c && c.getContext("2d")!.getImageData(0, 0, 1, 1).data[3] === 255;
  });
  const box = (await pad.boundingBox())!;
  for (let digit = 0; digit < 10; digit++) {
    for (let k = 0; k < DRAWINGS_PER_DIGIT; k++) {
      const variants = TEMPLATES[digit];
      const strokes = variants[Math.floor(rng.next() * variants.length)];
      const scale = u(0.55, 0.85);
      const aspect = u(-0.15, 0.15);
      const shear = u(-0.2, 0.2);
      const rot = (u(-8, 8) * Math.PI) / 180;
      const [ox, oy] = [u(-0.08, 0.08), u(-0.08, 0.08)];
      const map = ([x, y]: Pt): Pt => {
        const px = (x - 0.5 + shear * (0.5 - y)) * scale * (1 + aspect) + u(-0.015, 0.015);
        const py = (y - 0.5) * scale * (1 - aspect) + u(-0.015, 0.015);
        return [0.5 + ox + px * Math.cos(rot) - py * Math.sin(rot), 0.5 + oy + px * Math.sin(rot) + py * Math.cos(rot)];
      };
      await page.getByRole("button", { name: "Clear drawing" }).click();
      for (const stroke of strokes) {
        const pts = stroke.map(map);
        await page.mouse.move(box.x + box.width * pts[0][0], box.y + box.height * pts[0][1]);
        await page.mouse.down();
        for (const [x, y] of pts.slice(1)) await page.mouse.move(box.x + box.width * x, box.y + box.height * y, { steps: 3 });
        await page.mouse.up();
      }
      const url = await pad.evaluate((c) => (c as HTMLCanvasElement).toDataURL("image/png"));
      const file = `drawn-${digit}-${k}.png`;
      await writeFile(path.join(OUT, file), greyPng(url));
      rows.push(`${file},${digit}`);
    }
  }
}

await rm(OUT, { recursive: true, force: true });
await mkdir(OUT, { recursive: true });
const server = spawn(process.execPath, [path.join(ROOT, "scripts/serve-static.mjs"), "--dir", path.join(ROOT, "out"), "--port", String(port)], {
  stdio: "ignore",
});
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const rows: string[] = [];
  await renderFonts(page, rows);
  await drawOnPad(page, rows);
  await writeFile(path.join(OUT, "labels.csv"), ["file,label", ...rows].join("\n") + "\n");
  console.log(`wrote ${rows.length} digits to ${OUT}`);
} finally {
  await browser.close();
  server.kill();
}

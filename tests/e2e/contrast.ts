import type { Page } from "@playwright/test";

export interface ContrastFailure {
  text: string;
  ratio: number;
  needed: number;
  color: string;
  background: string;
  where: string;
}

/**
 * WCAG 2 contrast of every visible text node of the page against its effective background, computed in the page:
 * the text colour (CSS color, or fill for SVG text) and the background colours of its ancestors are read through a
 * 1x1 canvas (so any CSS colour syntax, Tailwind's oklch included, becomes sRGB), alpha and opacity are composited
 * over the page's own background, and the ratio is compared with 4.5:1 (3:1 for large text: 24 px, or 18.66 px
 * bold). Disabled controls are exempt (WCAG 1.4.3), and so is text clipped to nothing (screen-reader only).
 */
export function contrastFailures(page: Page): Promise<ContrastFailure[]> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    type Rgba = [number, number, number, number];
    const parse = (css: string): Rgba => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = "rgba(0, 0, 0, 0)";
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      return [d[0], d[1], d[2], d[3] / 255];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const a = top[3] + bottom[3] * (1 - top[3]);
      if (a === 0) return [0, 0, 0, 0];
      const mix = (i: number) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
      return [mix(0), mix(1), mix(2), a];
    };
    const luminance = ([r, g, b]: Rgba) => {
      const lin = (c: number) => {
        const s = c / 255;
        return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const canvasColor = parse(
      getComputedStyle(document.documentElement).colorScheme.includes("dark") && matchMedia("(prefers-color-scheme: dark)").matches ? "black" : "white",
    );
    /** The opaque colour behind an element: its and its ancestors' backgrounds composited over the canvas. */
    const backgroundOf = (el: Element): Rgba => {
      // SVG text on a label: the shape drawn just before it is its background (taken as opaque: what lies under a
      // label, a photo, is unknown).
      const prev = el instanceof SVGTextElement ? el.previousElementSibling : null;
      if (prev instanceof SVGRectElement) {
        const fill = parse(getComputedStyle(prev).fill);
        if (fill[3] > 0) return [fill[0], fill[1], fill[2], 1];
      }
      const layers: Rgba[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
      }
      let color = canvasColor;
      for (const layer of layers.reverse()) color = over(layer, color);
      return color;
    };
    const opacityOf = (el: Element) => {
      let o = 1;
      for (let e: Element | null = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
      return o;
    };
    const failures: { text: string; ratio: number; needed: number; color: string; background: string; where: string }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const el = n.parentElement;
      if (!text || !el || el.closest("script, style, noscript, :disabled, [aria-disabled='true']")) continue;
      if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const rect = range.getBoundingClientRect();
      if (rect.width <= 1 || rect.height <= 1) continue;
      const style = getComputedStyle(el);
      const svg = el instanceof SVGElement;
      const fg = parse(svg ? style.fill : style.color);
      const bg = backgroundOf(el);
      const shown = over([fg[0], fg[1], fg[2], fg[3] * opacityOf(el)], bg);
      const [hi, lo] = [luminance(shown), luminance(bg)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const needed = large ? 3 : 4.5;
      if (ratio < needed - 0.005) {
        const testid = el.closest("[data-testid]")?.getAttribute("data-testid");
        const section = el.closest("section")?.querySelector("h2")?.textContent;
        failures.push({
          text: text.slice(0, 60),
          ratio: Math.round(ratio * 100) / 100,
          needed,
          color: `rgba(${fg.map((v) => Math.round(v * 100) / 100).join(",")})`,
          background: `rgb(${bg.slice(0, 3).map(Math.round).join(",")})`,
          where: `${el.tagName.toLowerCase()}.${(el.getAttribute("class") ?? "").split(" ").slice(0, 6).join(".")}${testid ? ` [${testid}]` : ""}${section ? ` in "${section}"` : ""}`,
        });
      }
    }
    return failures;
  });
}

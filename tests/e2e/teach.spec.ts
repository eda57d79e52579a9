/**
 * Teaching with the playground: the glossary on hover and focus, the pipeline diagram with live figures that opens
 * each stage's panel, the step-through of the current run, the guided lesson (every step a link that sets the
 * view and points at its panel) and presentation mode at a projector's 1280x720.
 */
import { expect, test } from "./fixtures";
import { contrastFailures } from "./contrast";
import { readLive } from "./playground-helpers";
import { digitsManifest } from "./reference";
import { LESSON } from "@/lib/teaching/lesson";
import { STAGES } from "@/lib/teaching/stages";

const PANEL_ORDER = ["input", "seen", "features", "latent", "bitstream", "reconstruction", "prediction", "rd"];

test("glossary terms explain themselves on hover and on keyboard focus", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0");
  await readLive(page, { sample: "test-0" });
  const term = page.locator('[data-term="rate-level"]');
  await expect(page.getByRole("tooltip")).toHaveCount(0);
  await term.hover();
  await expect(page.getByRole("tooltip")).toContainText("r0 (fewest bytes)");
  await page.mouse.move(0, 0);
  await expect(page.getByRole("tooltip")).toHaveCount(0);
  await page.locator('[data-term="lambda"]').focus();
  const tip = page.getByRole("tooltip");
  await expect(tip).toContainText("price of a bit");
  // The definition is the term's accessible description.
  await expect(page.locator('[data-term="lambda"]')).toHaveAccessibleDescription(/price of a bit/);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("tooltip")).toHaveCount(0);
  // The control keeps its plain name.
  await expect(page.getByRole("slider", { name: "Rate level", exact: true })).toBeVisible();
});

test("the pipeline diagram shows this run's figures and opens each stage's panel; the panels follow the pipeline", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-2&split=stage2&rate=r2");
  const live = await readLive(page, { split: "stage2", rate: "r2", sample: "test-2" });
  const diagram = page.getByRole("navigation", { name: "Pipeline" });
  await expect(diagram.getByRole("button")).toHaveText(STAGES.map((s) => s.label));
  const symbols = Number(await page.getByTestId("symbols").getAttribute("data-value"));
  await expect(page.getByTestId("stage-figure-quantizer")).toHaveText(`${symbols.toLocaleString("en-US")} symbols`);
  await expect(page.getByTestId("stage-figure-wire")).toHaveText(`${live.bytes.toLocaleString("en-US")} bytes`);
  await expect(page.getByTestId("stage-figure-head")).toHaveText("14×14×32");
  await expect(page.getByTestId("stage-figure-prediction")).toHaveText(live.splitTop);

  const order = await page.locator("[data-block=panels] > [data-panel]").evaluateAll((els) => els.map((e) => e.getAttribute("data-panel")));
  expect(order.slice(0, PANEL_ORDER.length)).toEqual(PANEL_ORDER);

  for (const [label, region] of [
    ["Bytes on the wire", "Bitstream"],
    ["BU decoder", "Reconstruction"],
    ["Quantizer", "Latent symbols"],
    ["Tail (server)", "Prediction"],
  ]) {
    await diagram.getByRole("button", { name: `${label}: show its panel` }).click();
    const panel = page.getByRole("region", { name: region, exact: true });
    await expect(panel).toBeFocused();
    await expect(panel).toBeInViewport();
  }
});

test("step through walks the current run stage by stage: tensor -> symbols -> bytes -> symbols -> tensor", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0&split=stage3&rate=r1");
  const live = await readLive(page, { split: "stage3", rate: "r1" });
  await page.getByRole("button", { name: "Step through" }).click();
  const card = page.getByTestId("step-through");
  await expect(card.getByTestId("step-stage")).toHaveText("Input");
  await expect(page.getByRole("button", { name: "Previous stage" })).toBeDisabled();
  const seen: string[] = [];
  for (const s of STAGES) {
    await expect(card.getByTestId("step-stage")).toHaveText(s.label);
    await expect(page.locator(`[data-stage="${s.id}"]`)).toHaveAttribute("data-active", "true");
    await expect(page.locator("[data-panel][data-highlight=true]")).toHaveAttribute("data-panel", s.panel);
    seen.push(`${await card.getByTestId("flow-enters").getAttribute("data-kind")}>${await card.getByTestId("flow-leaves").getAttribute("data-kind")}`);
    if (s.id === "entropy-encoder") await expect(card.getByTestId("flow-leaves")).toContainText(`${live.bytes} bytes`);
    if (s.id !== "prediction") await page.getByRole("button", { name: "Next stage" }).click();
  }
  expect(seen).toEqual(STAGES.map(() => expect.any(String)));
  expect(seen.slice(2, 8)).toEqual(["tensor>tensor", "tensor>symbols", "symbols>bytes", "bytes>bytes", "bytes>symbols", "symbols>tensor"]);
  await expect(page.getByRole("button", { name: "Next stage" })).toBeDisabled();
  await page.getByRole("button", { name: "Previous stage" }).click();
  await expect(card.getByTestId("step-stage")).toHaveText("Tail (server)");
  // Play at the fastest speed moves on by itself.
  await page.getByLabel("Speed", { exact: true }).selectOption({ index: 2 });
  await page.getByRole("button", { name: "Previous stage" }).click();
  await page.getByRole("button", { name: "Play" }).click();
  await expect(card.getByTestId("step-stage")).toHaveText("Tail (server)", { timeout: 5_000 });
  await expect(card.getByTestId("step-stage")).toHaveText("Prediction", { timeout: 5_000 });
  await expect(page.getByRole("button", { name: "Play" })).toBeVisible();
});

test("the lesson walks every step by Next and Back, each a link that sets the view and points at its panel", async ({ page }) => {
  test.setTimeout(180_000);
  const manifest = digitsManifest();
  await page.goto("/?backend=wasm");
  await readLive(page);
  await page.getByRole("button", { name: "Lesson" }).click();
  for (const [i, step] of LESSON.entries()) {
    const n = i + 1;
    if (i > 0) await page.getByRole("button", { name: "Next", exact: true }).click();
    const card = page.getByTestId("lesson");
    await expect(card).toHaveAttribute("data-step", String(n));
    await expect(card.getByRole("heading")).toContainText(`step ${n} of ${LESSON.length}: ${step.title}`);
    const url = new URL(page.url());
    expect(url.searchParams.get("lesson"), `step ${n}`).toBe(String(n));
    expect(url.searchParams.get("split"), `step ${n}`).toBe(step.view.split);
    expect(url.searchParams.get("rate"), `step ${n}`).toBe(step.view.rate);
    await expect(page.getByLabel("Split point")).toHaveValue(step.view.split);
    const split = manifest.splits.find((s) => s.id === step.view.split)!;
    await expect(page.getByLabel("Rate level")).toHaveValue(String(split.rates.findIndex((r) => r.id === step.view.rate)));
    await expect(page.locator("[data-panel][data-highlight=true]")).toHaveAttribute("data-panel", step.panel);
    await expect(page.locator(`#panel-${step.panel}`)).toBeInViewport();
    await expect(card.getByTestId("lesson-body")).toContainText(/[0-9]/);
    await expect(card.getByTestId("lesson-question")).toContainText("?");
    await readLive(page, { split: step.view.split, rate: step.view.rate, sample: step.view.sample });
  }
  await expect(page.getByRole("button", { name: "Next", exact: true })).toBeDisabled();
  await page.getByRole("button", { name: "Back", exact: true }).click();
  await expect(page.getByTestId("lesson")).toHaveAttribute("data-step", String(LESSON.length - 1));
  expect(new URL(page.url()).searchParams.get("lesson")).toBe(String(LESSON.length - 1));
  // Its view's run finishes (its units downloaded) before the page is left, so no request is cut off.
  const back = LESSON[LESSON.length - 2].view;
  await readLive(page, { split: back.split, rate: back.rate });

  // A step is a link: it opens with its own view.
  const frame = LESSON.findIndex((s) => s.view.split === "pooled") + 1;
  await page.goto(`/?backend=wasm&lesson=${frame}`);
  await expect(page.getByTestId("lesson")).toHaveAttribute("data-step", String(frame));
  await readLive(page, { split: "pooled", rate: LESSON[frame - 1].view.rate });
  // With the live run of its own view, the step quotes this digit's bytes.
  const live = await readLive(page);
  await expect(page.getByTestId("lesson-body")).toContainText(`became ${live.bytes} bytes`);
  await page.getByRole("button", { name: "Close lesson" }).click();
  await expect(page.getByTestId("lesson")).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get("lesson")).toBeNull();
});

test("presentation mode at 1280x720: large type, no developer details, one screen, the keyboard steps rate and lesson", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto("/?backend=wasm&sample=test-0&split=stage2&rate=r2&present=1");
  await expect(page.locator("[data-testid=live][data-rate=r2]")).toBeAttached();
  await expect(page.getByTestId("bitstream-bytes")).toBeVisible();
  const inView = async (what: string, box: { x: number; y: number; width: number; height: number } | null) => {
    expect(box, what).not.toBeNull();
    expect(box!.y, what).toBeGreaterThanOrEqual(0);
    expect(box!.x, what).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height, what).toBeLessThanOrEqual(720);
    expect(box!.x + box!.width, what).toBeLessThanOrEqual(1280);
  };
  await inView("rate control", await page.getByLabel("Rate level").boundingBox());
  await inView("bitstream size", await page.getByTestId("bitstream-bytes").boundingBox());
  await inView("prediction", await page.getByTestId("split-prediction").boundingBox());
  await inView("RD chart", await page.getByTestId("rd-chart").boundingBox());
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  const bodyPx = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  expect(bodyPx).toBeGreaterThanOrEqual(20);
  const notePx = await page.getByTestId("bitstream-bytes").evaluate((el) => parseFloat(getComputedStyle(el.parentElement!.querySelector("dt")!).fontSize));
  expect(notePx).toBeGreaterThanOrEqual(18);
  // Developer details are hidden: tensor counts, library version, backend.
  await expect(page.getByTestId("live")).toBeHidden();
  await expect(page.getByTestId("backend")).toBeHidden();
  await expect(page.getByLabel("Backend")).toBeHidden();

  // Arrow keys change the rate level (not while a control that uses them has the focus), PageDown/PageUp the lesson step.
  await page.getByRole("button", { name: "Presentation mode" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByLabel("Rate level")).toHaveValue("3");
  await expect(page.locator("[data-testid=live][data-rate=r3]")).toBeAttached();
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByLabel("Rate level")).toHaveValue("1");
  expect(new URL(page.url()).searchParams.get("rate")).toBe("r1");
  // Every lesson step's words share the screen with the four.
  for (let n = 1; n <= LESSON.length; n++) {
    await page.keyboard.press("PageDown");
    await expect(page.getByTestId("lesson")).toHaveAttribute("data-step", String(n));
    const view = LESSON[n - 1].view;
    await expect(page.locator(`[data-testid=live][data-split=${view.split}][data-rate=${view.rate}]`)).toBeAttached();
    for (const [what, loc] of [
      ["lesson", page.getByTestId("lesson-question")],
      ["rate control", page.getByLabel("Rate level")],
      ["bitstream size", page.getByTestId("bitstream-bytes")],
      ["prediction", page.getByTestId("split-prediction")],
      ["RD chart", page.getByTestId("rd-chart")],
    ] as const)
      await inView(`${what} at lesson step ${n}`, await loc.boundingBox());
  }
  await page.keyboard.press("PageDown");
  await expect(page.getByTestId("lesson")).toHaveAttribute("data-step", String(LESSON.length));
  await page.keyboard.press("PageUp");
  await expect(page.getByTestId("lesson")).toHaveAttribute("data-step", String(LESSON.length - 1));
  expect(new URL(page.url()).searchParams.get("present")).toBe("1");
  expect(await page.evaluate(() => window.scrollY)).toBe(0);

  await page.getByRole("button", { name: "Presentation mode" }).click();
  expect(await page.evaluate(() => document.documentElement.hasAttribute("data-present"))).toBe(false);
  await expect(page.getByTestId("backend")).toBeVisible();
  expect(new URL(page.url()).searchParams.get("present")).toBeNull();
});

test("the lesson, the step-through and presentation mode keep every text at 4.5:1 (3:1 large) in both themes", async ({ page }) => {
  test.setTimeout(120_000);
  const failures: Record<string, unknown[]> = {};
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    for (const present of [false, true]) {
      await page.goto(`/?backend=wasm&lesson=4${present ? "&present=1" : ""}`);
      await expect(page.locator("[data-testid=live][data-split=pooled]")).toBeAttached();
      await page.getByRole("button", { name: "Step through" }).click();
      await page.getByRole("button", { name: "Next stage" }).click();
      await expect(page.getByTestId("step-stage")).toHaveText("Head (device)");
      // Nothing dimmed: the shown result is the current one.
      await expect(page.locator("[data-testid=live]")).toBeAttached();
      await page.waitForTimeout(400);
      failures[`${colorScheme}${present ? ", presentation" : ""}`] = await contrastFailures(page);
    }
  }
  expect(failures).toEqual({ light: [], "light, presentation": [], dark: [], "dark, presentation": [] });
});

/**
 * The worker as the page uses it: work computed once per input, superseded runs dropped, loads cancelled and
 * retried, the decoder's own model slot, and the address bar (notices, one history entry per slider drag).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "@playwright/test";
import { decodeJpeg, photoInput } from "@/lib/data/photos";
import { initNodeTf } from "@/lib/tf/node";
import { expect, test } from "./fixtures";
import { pickRate, readLive } from "./playground-helpers";
import { referenceRunOf, SITE_DIR } from "./reference";

/** The worker's counters as the live result shows them. */
async function counters(page: Page) {
  const el = page.getByTestId("live");
  const n = async (name: string) => Number(await el.getAttribute(`data-${name}`));
  return {
    requested: await n("runs-requested"),
    computed: await n("runs-computed"),
    dropped: await n("runs-dropped"),
    head: await n("head-runs"),
    unsplit: await n("unsplit-runs"),
  };
}

/** Error sentences on the page (Next's empty route announcer also has the alert role). */
const alerts = (page: Page) => page.getByRole("alert").filter({ hasText: /\S/ });

/** Removes the problems a test provoked on purpose (failed downloads), so the fixture checks only the rest. */
function expectProvoked(problems: string[], ...patterns: RegExp[]): void {
  for (let i = problems.length - 1; i >= 0; i--) if (patterns.some((p) => p.test(problems[i]))) problems.splice(i, 1);
}

test("a rate change reuses the head and the unsplit model; a split or an input runs the head once", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0&split=stage2&rate=r0");
  let live = await readLive(page, { rate: "r0" });
  const first = await counters(page);
  for (const r of [1, 2, 3]) {
    await pickRate(page, r);
    live = await readLive(page, { rate: `r${r}`, newerThan: live.token });
  }
  const afterRates = await counters(page);
  expect(afterRates.computed - first.computed).toBe(3);
  expect(afterRates.head).toBe(first.head);
  expect(afterRates.unsplit).toBe(first.unsplit);

  await page.getByLabel("Split point").selectOption("stage3");
  live = await readLive(page, { split: "stage3", newerThan: live.token });
  expect((await counters(page)).head).toBe(first.head + 1);
  expect((await counters(page)).unsplit).toBe(first.unsplit);

  await page.getByRole("radio", { name: /^Sample test-5 / }).click();
  await readLive(page, { sample: "test-5", newerThan: live.token });
  expect((await counters(page)).head).toBe(first.head + 2);
  expect((await counters(page)).unsplit).toBe(first.unsplit + 1);
});

test("a burst of five rate changes on the photo model ends on the last choice and costs about one run", async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto("/?model=centernet&backend=wasm&rate=r0");
  await expect(page.getByLabel("Split point")).toHaveValue("head-taps");
  const first = await readLive(page, { split: "head-taps", rate: "r0" });
  const before = await counters(page);
  // Five slider steps a frame apart, as a quick drag produces them (five separate fills would be as slow as the
  // test harness, not as a hand).
  await page.getByLabel("Rate level").evaluate(
    async (el: HTMLInputElement, values) => {
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")!.set!;
      for (const v of values) {
        setValue.call(el, String(v));
        el.dispatchEvent(new Event("input", { bubbles: true }));
        await new Promise((r) => setTimeout(r, 16));
      }
    },
    [3, 1, 4, 2, 1],
  );
  // The busy indicator sits with the results, not only at the top.
  await expect(page.getByRole("region", { name: "Prediction" }).getByTestId("running")).toBeVisible();
  const last = await readLive(page, { rate: "r1", newerThan: first.token });
  const after = await counters(page);
  expect(after.requested - before.requested).toBe(5);
  expect(after.computed - before.computed).toBeLessThanOrEqual(2);
  expect(after.head).toBe(before.head);
  expect(after.unsplit).toBe(before.unsplit);
  await page.waitForTimeout(1000);
  expect((await readLive(page)).token).toBe(last.token);
  await expect(page.getByLabel("Rate level")).toHaveValue("1");
  // One more change, once everything has settled: every run of the burst was computed or dropped.
  await pickRate(page, 4);
  await readLive(page, { rate: "r4", newerThan: last.token });
  const settled = await counters(page);
  expect(settled.requested - before.requested).toBe(6);
  expect(settled.computed - before.computed).toBeLessThanOrEqual(3);
  expect(settled.requested - settled.computed - settled.dropped).toBe(before.requested - before.computed - before.dropped);
});

test("choosing another model while the photo model downloads cancels that download, and the digits run at once", async ({ page, problems }) => {
  let release = () => {};
  const held = new Promise<void>((r) => (release = r));
  await page.route("**/models/centernet/centernet.bin", async (route) => {
    await held;
    await route.continue().catch(() => {});
  });
  await page.goto("/?model=centernet&backend=wasm");
  await expect(page.getByRole("progressbar", { name: /Loading the backbone weights/ })).toBeVisible();
  const aborted = page.waitForEvent("requestfailed", (r) => r.url().includes("centernet.bin"));
  await page.getByRole("combobox", { name: "Model", exact: true }).selectOption("digits");
  await aborted;
  const live = await readLive(page, {});
  expect(live.splitTop).toMatch(/^\d$/);
  release();
  await page.waitForTimeout(500);
  await expect(alerts(page)).toHaveCount(0);
  expectProvoked(problems, /centernet\.bin/);
});

test("decoding another model's stream while the controls move: no error, the page's model keeps running, tensors return to their count", async ({ page }) => {
  test.setTimeout(180_000);
  // A bitstream of the photo model, made in this process from a sample photo.
  const tf = await initNodeTf();
  const img = decodeJpeg(new Uint8Array(readFileSync(path.join(SITE_DIR, "samples/photos/chelsea.jpg"))));
  const x = tf.tidy(() => tf.round(photoInput(tf, img, 512)));
  const rgb = Uint8Array.from(await x.data());
  x.dispose();
  const photoStream = (await referenceRunOf("centernet", rgb, 1, 0)).bytes;

  await page.goto("/?backend=wasm&sample=test-1&split=stage2&rate=r0");
  let live = await readLive(page, { rate: "r0" });
  for (const r of [1, 2]) {
    await pickRate(page, r);
    live = await readLive(page, { rate: `r${r}`, newerThan: live.token });
  }
  const baseline = live.numTensors;
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download bitstream" }).click()]);
  const digitsStream = readFileSync((await download.path())!);

  const decodeInput = page.getByLabel("Decode a bitstream");
  await decodeInput.setInputFiles({ name: "cat.bin", mimeType: "application/octet-stream", buffer: Buffer.from(photoStream) });
  for (const r of [0, 1, 2, 0]) await pickRate(page, r);
  await expect(page.getByTestId("decoded")).toContainText(
    "cat.bin (" + photoStream.length.toLocaleString("en-US") + " bytes) is a stream for Photos: COCO object detector (CenterNet, MobileNetV3)",
  );
  await expect(page.getByTestId("decoded")).toContainText("rate level r0");
  live = await readLive(page, { rate: "r0", newerThan: live.token });
  expect(live.splitTop).toMatch(/^\d$/);

  // The decoder's slot goes back to digits: the photo model is released, and the worker holds what it held before.
  await decodeInput.setInputFiles({ name: "digit.bin", mimeType: "application/octet-stream", buffer: digitsStream });
  await expect(page.getByTestId("decoded")).toContainText("digit.bin");
  await pickRate(page, 2);
  live = await readLive(page, { rate: "r2", newerThan: live.token });
  expect(live.numTensors).toBe(baseline);
  await expect(alerts(page)).toHaveCount(0);
});

test("a failed download says which file failed and why, offers Retry, and the page recovers without a reload", async ({ page, problems }) => {
  const weights = "**/models/digits/backbone/weights.bin";
  await page.route(weights, (route) => route.fulfill({ status: 500, body: "Internal Server Error" }));
  await page.goto("/?backend=wasm&sample=test-0");
  const alert = alerts(page);
  await expect(alert).toContainText(/^Could not download the model weights \(\/models\/digits\/backbone\/weights\.bin\): the server answered HTTP 500/);
  await page.unroute(weights);
  await page.route(weights, (route) => route.abort("connectionreset"));
  await alert.getByRole("button", { name: "Retry" }).click();
  await expect(alert).toContainText("Could not download the model weights (/models/digits/backbone/weights.bin): the connection failed or was refused.");
  await page.unroute(weights);
  await alert.getByRole("button", { name: "Retry" }).click();
  await readLive(page, { sample: "test-0" });
  await expect(alerts(page)).toHaveCount(0);
  expectProvoked(problems, /weights\.bin/);
});

test("a failed model list says so, and Retry brings the page up", async ({ page, problems }) => {
  await page.route("**/models/index.json", (route) => route.fulfill({ status: 503, body: "busy" }));
  await page.goto("/?backend=wasm&sample=test-0");
  await expect(alerts(page)).toContainText("Could not download the model list (/models/index.json): the server answered HTTP 503");
  await page.unroute("**/models/index.json");
  await page.getByRole("button", { name: "Retry" }).click();
  await readLive(page, { sample: "test-0" });
  expectProvoked(problems, /index\.json/);
});

test("values in the address that do not exist are named in a notice, and the address shows what is shown", async ({ page }) => {
  await page.goto("/?model=digits&split=nope&rate=r9&sample=zzz&backend=quantum");
  await readLive(page, {});
  const notices = page.getByTestId("notice");
  await expect(notices).toHaveText([
    'The address asks for the split point "nope", which Digits: handwritten digit classifier (ResNet trained here) does not have; showing "After stage 2" instead.',
    'The address asks for the rate level "r9", which "After stage 2" does not have; showing r2 instead.',
    'The address asks for the sample "zzz", which Digits: handwritten digit classifier (ResNet trained here) does not have; showing sample test-0 instead.',
    'The address asks for the backend "quantum", which does not exist; choosing one automatically instead.',
  ]);
  expect(new URL(page.url()).search).toBe("?model=digits&split=stage2&rate=r2&sample=test-0");
  await page.goto("/?model=resnet9000");
  await expect(page.getByTestId("notice")).toHaveText(
    'The address asks for the model "resnet9000", which this site does not have; showing Digits: handwritten digit classifier (ResNet trained here) instead.',
  );
});

test("dragging the rate slider makes one history entry: Back returns to the level before the drag", async ({ page }) => {
  await page.goto("/?backend=wasm&sample=test-0&split=stage2&rate=r0");
  const start = await readLive(page, { rate: "r0" });
  const entries = await page.evaluate(() => history.length);
  const slider = page.getByLabel("Rate level");
  const box = (await slider.boundingBox())!;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + 2, y);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 2 + ((box.width - 4) * i) / 10, y, { steps: 2 });
  await page.mouse.up();
  await expect(slider).toHaveValue("5");
  await readLive(page, { rate: "r5", newerThan: start.token });
  expect(await page.evaluate(() => history.length)).toBe(entries + 1);
  expect(page.url()).toContain("rate=r5");
  await page.goBack();
  await expect(slider).toHaveValue("0");
  await readLive(page, { rate: "r0" });
});

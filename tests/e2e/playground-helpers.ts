import { readFileSync } from "node:fs";
import { expect, type Page } from "@playwright/test";
import { firstDifference } from "@/lib/util/bytes";
import { hexOf, type Reference } from "./reference";

export interface Live {
  split: string;
  rate: string;
  sample: string;
  token: number;
  bytes: number;
  splitTop: string;
  unsplitTop: string;
  numTensors: number;
}

/** Waits for the live result of the given split/rate (and sample, if given) and reads it off the page. */
export async function readLive(page: Page, want: { split?: string; rate?: string; sample?: string; newerThan?: number } = {}): Promise<Live> {
  let sel = '[data-testid="live"]';
  if (want.split) sel += `[data-split="${want.split}"]`;
  if (want.rate) sel += `[data-rate="${want.rate}"]`;
  if (want.sample) sel += `[data-sample="${want.sample}"]`;
  const el = page.locator(sel);
  await expect(el).toBeVisible();
  if (want.newerThan !== undefined) {
    await expect.poll(async () => Number(await page.locator(sel).getAttribute("data-token"))).toBeGreaterThan(want.newerThan);
  }
  const a = async (name: string) => (await el.getAttribute(name)) ?? "";
  return {
    split: await a("data-split"),
    rate: await a("data-rate"),
    sample: await a("data-sample"),
    token: Number(await a("data-token")),
    bytes: Number(await a("data-bytes")),
    splitTop: await a("data-split-top"),
    unsplitTop: await a("data-unsplit-top"),
    numTensors: Number(await a("data-num-tensors")),
  };
}

export async function shownHex(page: Page): Promise<string> {
  return (await page.getByTestId("hex-bytes").textContent()) ?? "";
}

export async function shownBytes(page: Page): Promise<number> {
  return Number(await page.getByTestId("bitstream-bytes").getAttribute("data-value"));
}

export async function pickRate(page: Page, index: number): Promise<void> {
  await page.getByLabel("Rate level").fill(String(index));
}

/** The bitstream exactly as the page's "Download bitstream" button hands it over. */
export async function downloadedStream(page: Page): Promise<Uint8Array> {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download bitstream" }).click()]);
  const bytes = new Uint8Array(readFileSync(await download.path()));
  await download.delete();
  return bytes;
}

/**
 * The page shows what an independent run of the pipeline gives for the same input: the whole bitstream byte for
 * byte (as downloaded; its size in the live result and in the "Bitstream size" figure, its first bytes in hex) and
 * both top results.
 */
export async function expectSameAsReference(page: Page, live: Live, ref: Reference, where: string): Promise<void> {
  expect(live.bytes, where).toBe(ref.bytes.length);
  expect(await shownBytes(page), where).toBe(ref.bytes.length);
  expect(await shownHex(page), where).toBe(hexOf(ref.bytes));
  expect(firstDifference(await downloadedStream(page), ref.bytes), `${where}: first byte where the page's stream differs`).toBe(-1);
  expect(live.splitTop, where).toBe(ref.splitTop);
  expect(live.unsplitTop, where).toBe(ref.unsplitTop);
  await expect(page.getByTestId("split-prediction"), where).toHaveAttribute("data-value", ref.splitTop);
}

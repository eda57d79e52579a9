import { expect, test } from "./fixtures";
import { readLive } from "./playground-helpers";
import { CHROMIUM_ARGS } from "./sites";

// A browser without WebGL: no GPU and no software rasterizer (SwiftShader) to stand in for one. Its own
// browser instance, hence its own file.
const args = [...CHROMIUM_ARGS.filter((a) => !a.includes("swiftshader")), "--disable-software-rasterizer"];
test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args } });

test("without WebGL the playground falls back to wasm and says why", async ({ page }) => {
  await page.goto("/?sample=test-0");
  await expect(page.getByTestId("backend")).toHaveText("wasm");
  await expect(page.getByText(/^webgl was not used:/)).toBeVisible();
  await readLive(page, { sample: "test-0" });
});

import { expect, expectConsistent, readDemo, test } from "./fixtures";
import { BASE_PATH_URL, E2E_BASE_PATH } from "./sites";

// .tmp/out-base/ is built with BASE_PATH=/splitscope and served only under that prefix, so any script,
// font, worker chunk or .wasm fetched from the root would 404 (and the fixture fails on any 404).
test("the site works when hosted under a base path", async ({ page }) => {
  const wasmRequests: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith(".wasm")) wasmRequests.push(new URL(r.url()).pathname);
  });
  await page.goto(`${BASE_PATH_URL}/codec/?backend=wasm`);
  await expect(page.getByTestId("backend")).toHaveText("wasm");
  expectConsistent(await readDemo(page));
  expect(wasmRequests.length).toBeGreaterThan(0);
  for (const path of wasmRequests) expect(path.startsWith(`${E2E_BASE_PATH}/wasm/`)).toBe(true);
});

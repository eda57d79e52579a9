import { expect, expectConsistent, readDemo, test } from "./fixtures";

test("the codec page runs the round trip on the wasm backend", async ({ page }) => {
  await page.goto("/codec/?backend=wasm");
  await expect(page.getByRole("heading", { name: "Codec round trip", level: 1 })).toBeVisible();
  await expect(page.getByTestId("backend")).toHaveText("wasm");
  const first = await readDemo(page);
  expectConsistent(first);

  // A new seed gives a new tensor, so a different bitstream that still decodes exactly.
  await page.getByRole("button", { name: "Run again" }).click();
  await expect(page.getByText("seed 2")).toBeVisible();
  const second = await readDemo(page);
  expectConsistent(second);
  expect(second.hex).not.toBe(first.hex);
});

test("the webgl backend computes the same reconstruction error", async ({ page }) => {
  await page.goto("/codec/?backend=webgl");
  await expect(page.getByTestId("backend")).toHaveText("webgl");
  const r = await readDemo(page);
  expectConsistent(r);
  // The same seed on wasm: the bitstream is the same bytes, and the MSE matches within float32 precision.
  await page.goto("/codec/?backend=wasm");
  await expect(page.getByTestId("backend")).toHaveText("wasm");
  const w = await readDemo(page);
  expect(w.hex).toBe(r.hex);
  expect(w.actualBytes).toBe(r.actualBytes);
  expect(Math.abs(w.mse - r.mse)).toBeLessThanOrEqual(1e-3 * r.mse);
});

test("an unknown ?backend value is reported and a backend is still chosen", async ({ page }) => {
  await page.goto("/codec/?backend=quantum");
  await expect(page.getByText('Unknown backend "quantum"')).toBeVisible();
  await expect(page.getByTestId("backend")).toHaveText(/^(webgl|wasm|cpu)$/);
  expectConsistent(await readDemo(page));
});

/** Where the e2e static servers listen (started by playwright.config.ts). */
export const PORT = Number(process.env.E2E_PORT ?? 3100);
export const BASE_PORT = PORT + 1;
/** Must match E2E_BASE_PATH in tests/e2e/prepare-builds.mjs, which builds .tmp/out-base/ with it. */
export const E2E_BASE_PATH = "/splitscope";
export const ROOT_URL = `http://127.0.0.1:${PORT}`;
export const BASE_PATH_URL = `http://127.0.0.1:${BASE_PORT}${E2E_BASE_PATH}`;

/** Flags for Debian's Chromium in a container: headless, software WebGL (SwiftShader), nothing phoning home. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
];

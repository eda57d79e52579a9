/**
 * URLs of files the static site serves from public/ (wasm binaries, model weights, RD data).
 * The site may be hosted under a base path (BASE_PATH at build time), so every runtime fetch goes through
 * assetUrl. next.config.js inlines NEXT_PUBLIC_BASE_PATH into page and worker bundles alike.
 */
export const BASE_PATH: string = process.env.NEXT_PUBLIC_BASE_PATH ?? "";

/** assetUrl("/wasm/") -> "/splitscope/wasm/" when built with BASE_PATH=/splitscope. */
export function assetUrl(path: string): string {
  return BASE_PATH + (path.startsWith("/") ? path : "/" + path);
}

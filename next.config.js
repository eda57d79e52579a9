/**
 * Static export only: the whole app is HTML + JS + assets that any file server can host.
 * BASE_PATH (build time, e.g. "/splitscope") hosts the site under a sub-path; runtime fetches read it back
 * through NEXT_PUBLIC_BASE_PATH (see lib/worker/asset-url.ts). OUT_DIR (build time, default "out") puts the
 * exported site elsewhere, so a base-path build can sit next to the normal one.
 */
const basePath = normalizeBasePath(process.env.BASE_PATH ?? "");
const outDir = process.env.OUT_DIR?.trim();

function normalizeBasePath(raw) {
  const trimmed = raw.trim().replace(/\/+$/, "");
  if (trimmed === "") return "";
  if (!/^\/[A-Za-z0-9._~\-/]+$/.test(trimmed)) {
    throw new Error(`BASE_PATH must look like "/some/path", got ${JSON.stringify(raw)}`);
  }
  return trimmed;
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  output: "export",
  // With output "export", a distDir other than ".next" names the export folder; build files stay in .next.
  ...(outDir ? { distDir: outDir } : {}),
  images: { unoptimized: true },
  trailingSlash: true,
  basePath,
  assetPrefix: basePath || undefined,
  env: { NEXT_PUBLIC_BASE_PATH: basePath },
  reactStrictMode: true,
  // `next dev` serves http://localhost:3000; also let http://127.0.0.1:3000 load dev resources (HMR).
  allowedDevOrigins: ["127.0.0.1"],
  // Type errors are checked once, by `npm run typecheck` (tsc over the whole repo, run by CI), not a second
  // time inside every build.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;

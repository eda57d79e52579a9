/** Types of scripts/copy-assets.mjs for the TypeScript scripts and tests that call it. */
export interface AssetCopy {
  /** Relative to the repository root. */
  from: string;
  /** Relative to public/. */
  to: string;
}
export const COPIES: AssetCopy[];
export function copyAssets(options?: { copies?: AssetCopy[]; publicDir?: string }): number;

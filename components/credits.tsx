import type { ModelManifest } from "@/lib/models/manifest";

/** Where the model, its data and its samples come from, as the manifest records it. */
export function Credits({ manifest }: { manifest: ModelManifest }) {
  return (
    <ul className="space-y-1 text-xs text-zinc-600 dark:text-zinc-400">
      {manifest.credits.map((c) => (
        <li key={c.what}>
          <span className="text-zinc-700 dark:text-zinc-300">{c.what}</span>: {c.source} ({c.license})
        </li>
      ))}
    </ul>
  );
}

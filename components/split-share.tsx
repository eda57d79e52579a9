import type { ModelManifest } from "@/lib/models/manifest";
import { formatFixed, formatInt } from "./format";

/** Where the cut sits: every split point of the model along its depth, and the compute each side runs. */
export function SplitShare({ manifest, split, rate: rateIndex }: { manifest: ModelManifest; split: number; rate: number }) {
  const s = manifest.splits[split];
  const rate = s.rates[rateIndex] ?? s.rates[0];
  return (
    <div className="space-y-2">
      <div
        className="flex h-5 w-full overflow-hidden rounded-sm text-[10px] font-medium"
        role="img"
        aria-label={`Client ${formatFixed(s.clientShare * 100, 1)} % of the compute, server ${formatFixed((1 - s.clientShare) * 100, 1)} %`}
      >
        <span className="flex items-center justify-start bg-sky-700 pl-1 text-white" style={{ width: `${s.clientShare * 100}%` }}>
          {s.clientShare > 0.12 ? "client" : ""}
        </span>
        <span className="flex flex-1 items-center justify-end bg-orange-700 pr-1 text-white">server</span>
      </div>
      <ol className="flex flex-wrap gap-1 text-xs">
        {manifest.splits.map((sp) => (
          <li key={sp.id} className={`rounded px-1.5 py-0.5 ${sp.index === split ? "bg-sky-700 text-white" : "bg-zinc-100 dark:bg-zinc-800"}`}>
            {sp.label} · {formatFixed(sp.clientShare * 100, 1)} %
          </li>
        ))}
      </ol>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        The head runs {formatInt(s.headMacs)} of the model&apos;s {formatInt(manifest.backbone.macs)} multiply-accumulates on the client (
        {formatFixed(s.clientShare * 100, 1)} %); the bottleneck unit adds {formatInt(rate.encoderMacs)} on the client and {formatInt(rate.decoderMacs)} on the
        server.
      </p>
    </div>
  );
}

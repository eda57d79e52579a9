"use client";

import { memo } from "react";
import type { LatentSummary, SymbolHistogram } from "@/lib/worker/playground-protocol";
import { ChannelCanvas } from "./channel-canvas";

/** Bars: how often each symbol occurred (as a fraction); dots: the probability the entropy model gives it. */
function Histogram({ h, channel }: { h: SymbolHistogram; channel: number }) {
  const total = h.counts.reduce((a, b) => a + b, 0) + h.outside || 1;
  const freq = h.counts.map((n) => n / total);
  const top = Math.max(...freq, ...h.pmf, 1e-9);
  const W = 160;
  const H = 56;
  const bw = W / h.counts.length;
  const y = (p: number) => H - (p / top) * (H - 2);
  return (
    <svg viewBox={`0 0 ${W} ${H + 12}`} className="w-40" role="img" aria-label={`Channel ${channel}: symbols ${h.lo} to ${h.lo + h.counts.length - 1}`}>
      {freq.map((f, b) => (
        <rect key={b} x={b * bw + 0.5} y={y(f)} width={Math.max(bw - 1, 0.5)} height={H - y(f)} className="fill-sky-500/70" />
      ))}
      <polyline
        fill="none"
        strokeWidth={1.2}
        className="stroke-amber-600 dark:stroke-amber-400"
        points={h.pmf.map((p, b) => `${b * bw + bw / 2},${y(p)}`).join(" ")}
      />
      <text x={0} y={H + 10} className="fill-zinc-600 dark:fill-zinc-400 text-[9px]">
        {h.lo}
      </text>
      <text x={W} y={H + 10} textAnchor="end" className="fill-zinc-600 dark:fill-zinc-400 text-[9px]">
        {h.lo + h.counts.length - 1}
      </text>
    </svg>
  );
}

/**
 * The quantized latent: each of its first channels' symbols as an image, with its histogram against the coder's
 * PMF, and figures over all its symbols.
 */
export const LatentView = memo(function LatentView({ latent, step }: { latent: LatentSummary; step: number }) {
  const [h, w, c] = latent.shape;
  const k = latent.shownChannels;
  const count = h * w * c;
  return (
    <div className="space-y-2">
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Latent {h} × {w} × {c}, quantizer step {step}: {count} symbols from {latent.lo} to {latent.hi}, {((latent.zeros / count) * 100).toFixed(0)} % zeros
        {k < c ? `; the first ${k} channels shown` : ""}. Bars: this image&apos;s symbol frequencies; line: the entropy model&apos;s probabilities, which the
        rANS coder uses.
      </p>
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-2">
        {Array.from({ length: k }, (_, ch) => (
          <div key={ch} className="flex items-center gap-2" data-testid="latent-channel">
            <span className="w-6 text-right font-mono text-xs text-zinc-600 dark:text-zinc-400">{ch}</span>
            {h * w > 1 ? (
              <ChannelCanvas data={latent.shown} shape={[h, w, k]} channel={ch} lo={latent.lo} hi={latent.hi} size={48} label={`symbols of channel ${ch}`} />
            ) : (
              <span className="w-12 text-center font-mono text-xs">{latent.shown[ch]}</span>
            )}
            <Histogram h={latent.histograms[ch]} channel={ch} />
          </div>
        ))}
      </div>
    </div>
  );
});

"use client";

import { useEffect, useRef } from "react";
import { channelToRgba } from "@/lib/view/colormap";

export interface ChannelCanvasProps {
  data: ArrayLike<number>;
  /** Channels-last [H, W, C]. */
  shape: number[];
  channel: number;
  lo: number;
  hi: number;
  /** CSS size of the longer side. */
  size: number;
  label: string;
  onHover?: (value: { x: number; y: number; v: number } | null) => void;
}

/** One channel as a colour-mapped image, scaled up with crisp pixels. */
export function ChannelCanvas({ data, shape, channel, lo, hi, size, label, onHover }: ChannelCanvasProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [h, w, c] = shape;
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext("2d");
    if (!canvas || !ctx) return;
    ctx.putImageData(new ImageData(channelToRgba(data, shape, channel, lo, hi), w, h), 0, 0);
  }, [data, shape, channel, lo, hi, w, h]);
  const scale = size / Math.max(w, h);
  return (
    <canvas
      ref={ref}
      width={w}
      height={h}
      role="img"
      aria-label={label}
      // Never wider than its container (a long 1-pixel-high strip on a phone); the aspect ratio stays.
      style={{ width: w * scale, maxWidth: "100%", height: "auto", aspectRatio: `${w} / ${h}`, imageRendering: "pixelated" }}
      className="block rounded-sm"
      onPointerMove={
        onHover
          ? (e) => {
              const r = e.currentTarget.getBoundingClientRect();
              const x = Math.min(w - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * w)));
              const y = Math.min(h - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * h)));
              onHover({ x, y, v: data[(y * w + x) * c + channel] });
            }
          : undefined
      }
      onPointerLeave={onHover ? () => onHover(null) : undefined}
    />
  );
}

/** The colour scale with its end values. */
export function ColorLegend({ lo, hi, gradient, label }: { lo: number; hi: number; gradient: string; label: string }) {
  return (
    <div className="flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400" aria-label={`${label}: ${lo.toPrecision(3)} to ${hi.toPrecision(3)}`}>
      <span className="font-mono tabular-nums">{lo.toPrecision(3)}</span>
      <span className="h-3 w-32 rounded-sm" style={{ background: gradient }} aria-hidden />
      <span className="font-mono tabular-nums">{hi.toPrecision(3)}</span>
      <span>{label}</span>
    </div>
  );
}

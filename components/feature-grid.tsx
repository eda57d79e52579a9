"use client";

import { memo, useId, useMemo, useState } from "react";
import { minMax, viridisGradient } from "@/lib/view/colormap";
import type { PlainTensor } from "@/lib/worker/playground-protocol";
import { ChannelCanvas, ColorLegend } from "./channel-canvas";

const MAX_CHANNELS = 64;

/**
 * The channels of a split tensor as a grid of small images, on one shared colour scale or (option "Per-channel
 * scale") each on its own range, where channels of very different magnitudes would otherwise look blank; a click
 * (or Enter) enlarges a channel and shows its range and the value under the pointer. A flat [1, 1, C] tensor is
 * shown as one strip of C cells. Memoised: a rate change keeps the same tensor, and the grid is not redrawn.
 */
export const FeatureGrid = memo(function FeatureGrid({ tensor, title, detail }: { tensor: PlainTensor; title: string; detail?: string }) {
  const [h, w, c] = tensor.shape;
  const [lo, hi] = useMemo(() => minMax(tensor.data), [tensor.data]);
  const [perChannel, setPerChannel] = useState(false);
  const ranges = useMemo(() => (perChannel ? Array.from({ length: c }, (_, k) => minMax(tensor.data, k, c)) : null), [perChannel, tensor.data, c]);
  const rangeOf = (k: number): [number, number] => ranges?.[k] ?? [lo, hi];
  const checkboxId = useId();
  const [picked, setPicked] = useState<number | null>(null);
  const [hover, setHover] = useState<{ x: number; y: number; v: number } | null>(null);

  if (h * w === 1) {
    const strip = { data: tensor.data, shape: [1, c, 1] };
    return (
      <figure className="space-y-2">
        <figcaption className="text-sm font-medium">
          {title} <span className="font-normal text-zinc-600 dark:text-zinc-400">(a vector of {c} values)</span>
          {detail ? <span className="block font-mono text-xs font-normal text-zinc-600 dark:text-zinc-400">{detail}</span> : null}
        </figcaption>
        <ChannelCanvas
          data={strip.data}
          shape={strip.shape}
          channel={0}
          lo={lo}
          hi={hi}
          size={Math.min(640, c * 8)}
          label={`${title}: ${c} values`}
          onHover={setHover}
        />
        <p className="h-4 font-mono text-xs text-zinc-600 dark:text-zinc-400">{hover ? `value ${hover.x}: ${hover.v.toPrecision(4)}` : ""}</p>
        <ColorLegend lo={lo} hi={hi} gradient={viridisGradient()} label="value" />
      </figure>
    );
  }

  const shown = Math.min(c, MAX_CHANNELS);
  const cell = w >= 14 ? 44 : 36;
  const sel = picked !== null && picked < c ? picked : null;
  const selRange = sel !== null ? minMax(tensor.data, sel, c) : null;
  return (
    <figure className="space-y-2">
      <figcaption className="text-sm font-medium">
        {title}{" "}
        <span className="font-normal text-zinc-600 dark:text-zinc-400">
          ({h} × {w} × {c}
          {shown < c ? `, first ${shown} channels` : ""})
        </span>
        {detail ? <span className="block font-mono text-xs font-normal text-zinc-600 dark:text-zinc-400">{detail}</span> : null}
      </figcaption>
      <label htmlFor={checkboxId} className="flex items-center gap-1.5 text-xs">
        <input id={checkboxId} type="checkbox" checked={perChannel} onChange={(e) => setPerChannel(e.target.checked)} />
        Per-channel scale
      </label>
      <div className="flex flex-wrap gap-1">
        {Array.from({ length: shown }, (_, k) => (
          <button
            key={k}
            type="button"
            aria-label={`Channel ${k}`}
            aria-pressed={sel === k}
            onClick={() => setPicked(sel === k ? null : k)}
            className={`rounded-sm p-px outline-offset-1 ${sel === k ? "ring-2 ring-sky-500" : ""}`}
          >
            <ChannelCanvas data={tensor.data} shape={tensor.shape} channel={k} lo={rangeOf(k)[0]} hi={rangeOf(k)[1]} size={cell} label={`channel ${k}`} />
          </button>
        ))}
      </div>
      {perChannel ? (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">Each channel from its own minimum (dark) to its own maximum (bright).</p>
      ) : (
        <ColorLegend lo={lo} hi={hi} gradient={viridisGradient()} label="shared scale" />
      )}
      {sel !== null && selRange ? (
        <div className="flex flex-wrap items-start gap-3 rounded-md border border-zinc-200 p-2 dark:border-zinc-800">
          <ChannelCanvas
            data={tensor.data}
            shape={tensor.shape}
            channel={sel}
            lo={rangeOf(sel)[0]}
            hi={rangeOf(sel)[1]}
            size={168}
            label={`channel ${sel}, enlarged`}
            onHover={setHover}
          />
          <dl className="space-y-1 text-xs">
            <div>
              <dt className="inline text-zinc-600 dark:text-zinc-400">Channel </dt>
              <dd className="inline font-mono">{sel}</dd>
            </div>
            <div>
              <dt className="inline text-zinc-600 dark:text-zinc-400">min </dt>
              <dd className="inline font-mono">{selRange[0].toPrecision(4)}</dd>
            </div>
            <div>
              <dt className="inline text-zinc-600 dark:text-zinc-400">max </dt>
              <dd className="inline font-mono">{selRange[1].toPrecision(4)}</dd>
            </div>
            <div className="h-4">
              <dt className="inline text-zinc-600 dark:text-zinc-400">{hover ? `at (${hover.x}, ${hover.y}) ` : "point at a pixel"}</dt>
              <dd className="inline font-mono">{hover ? hover.v.toPrecision(4) : ""}</dd>
            </div>
          </dl>
        </div>
      ) : (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">Click a channel to enlarge it.</p>
      )}
    </figure>
  );
});

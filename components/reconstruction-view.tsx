"use client";

import { useMemo } from "react";
import { minMax, viridisGradient } from "@/lib/view/colormap";
import type { PlainTensor } from "@/lib/worker/playground-protocol";
import { ChannelCanvas, ColorLegend } from "./channel-canvas";
import { formatFixed } from "./format";
import { GlossaryTerm } from "./glossary-term";

const SHOWN = 8;

function errorMap(a: PlainTensor, b: PlainTensor): PlainTensor {
  const [h, w, c] = a.shape;
  const out = new Float32Array(h * w);
  for (let i = 0; i < h * w; i++) {
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.abs(a.data[i * c + k] - b.data[i * c + k]);
    out[i] = s / c;
  }
  return { data: out, shape: [h, w, 1] };
}

/** The server's decoded features next to the client's, on one colour scale, with the error between them. */
export function ReconstructionView({
  original,
  decoded,
  mse,
  psnr,
  names = { sent: "Sent (head output)", decoded: "Decoded on the server", mse: "Feature MSE" },
}: {
  original: PlainTensor;
  decoded: PlainTensor;
  mse: number;
  psnr: number;
  /** What the two tensors are (a comparison also shows an image and its decoded JPEG). */
  names?: { sent: string; decoded: string; mse: string };
}) {
  const flat = original.shape[0] * original.shape[1] === 1;
  const view = (t: PlainTensor) => (flat ? { data: t.data, shape: [1, t.shape[2], 1] } : t);
  const o = view(original);
  const d = view(decoded);
  const [lo, hi] = useMemo(() => {
    const [a, b] = minMax(original.data);
    const [c, e] = minMax(decoded.data);
    return [Math.min(a, c), Math.max(b, e)];
  }, [original.data, decoded.data]);
  const err = useMemo(() => errorMap(o, d), [o, d]);
  const [, errHi] = minMax(err.data);
  const channels = flat ? 1 : Math.min(SHOWN, original.shape[2]);
  const size = flat ? Math.min(480, original.shape[2] * 6) : 52;
  return (
    <div className="space-y-3">
      <dl className="flex flex-wrap gap-6 text-sm">
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
            <GlossaryTerm term="feature-mse">{names.mse}</GlossaryTerm>
          </dt>
          <dd className="font-mono" data-testid="feature-mse" data-value={mse}>
            {mse.toExponential(3)}
          </dd>
        </div>
        <div>
          <dt className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
            <GlossaryTerm term="psnr">PSNR</GlossaryTerm>
          </dt>
          <dd className="font-mono" data-testid="feature-psnr" data-value={psnr}>
            {Number.isFinite(psnr) ? `${formatFixed(psnr, 2)} dB` : "∞ (exact)"}
          </dd>
        </div>
      </dl>
      {[names.sent, names.decoded].map((title, row) => (
        <div key={title}>
          <p className="mb-1 text-xs text-zinc-600 dark:text-zinc-400">
            {title}
            {!flat && original.shape[2] > SHOWN ? `, channels 0–${SHOWN - 1}` : ""}
          </p>
          <div className="flex flex-wrap gap-1">
            {Array.from({ length: channels }, (_, k) => (
              <ChannelCanvas
                key={k}
                data={(row ? d : o).data}
                shape={(row ? d : o).shape}
                channel={k}
                lo={lo}
                hi={hi}
                size={size}
                label={`${title}, channel ${k}`}
              />
            ))}
          </div>
        </div>
      ))}
      <ColorLegend lo={lo} hi={hi} gradient={viridisGradient()} label="features" />
      <div>
        <p className="mb-1 text-xs text-zinc-600 dark:text-zinc-400">Error map: mean |sent − decoded| over channels</p>
        <ChannelCanvas data={err.data} shape={err.shape} channel={0} lo={0} hi={errHi} size={flat ? size : 112} label="error map" />
        <ColorLegend lo={0} hi={errHi} gradient={viridisGradient()} label="absolute error" />
      </div>
    </div>
  );
}

"use client";

import { useEffect, useId, useMemo, useRef, useState } from "react";
import {
  agreementOf,
  agreementText,
  CANDIDATE_SCORE_FLOOR,
  DETECTION_SCORE_THRESHOLD,
  detectionsAbove,
  LABEL_FONT_PX,
  placeLabels,
  type Detection,
} from "@/lib/view/detections";
import { formatFixed } from "./format";
import { PixelImage } from "./pixel-image";
import { AgreementBadge } from "./agreement-badge";

const SIZE = 288;

function Boxes({
  title,
  detections,
  classes,
  pixels,
  input,
  testId,
}: {
  title: string;
  detections: Detection[];
  classes: string[];
  pixels: Uint8Array;
  input: { width: number; height: number; channels: number };
  testId: string;
}) {
  // Drawn in the picture's own CSS pixels (one viewBox unit = one pixel), so labels keep their font size when the
  // picture is narrower than SIZE.
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(SIZE);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.max(1, Math.round(entry.contentRect.width))));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const sx = width / input.width;
  const height = (width * input.height) / input.width;
  const name = (d: Detection) => classes[d.cls] ?? `class ${d.cls}`;
  const scaled = detections.map((d) => ({ box: d.box.map((v) => v * sx) as Detection["box"], text: `${name(d)} ${formatFixed(d.score * 100, 0)}%` }));
  const labels = placeLabels(scaled, width, height);
  return (
    <figure className="min-w-0 flex-1 space-y-1" data-testid={testId} data-value={detections[0] ? name(detections[0]) : "none"} data-count={detections.length}>
      <figcaption className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">{title}</figcaption>
      <div ref={box} className="relative" style={{ width: SIZE, maxWidth: "100%" }}>
        <PixelImage
          pixels={pixels}
          width={input.width}
          height={input.height}
          channels={input.channels}
          size={SIZE}
          label={`${title}: ${detections.length} detections`}
        />
        <svg viewBox={`0 0 ${width} ${height}`} className="absolute inset-0 h-full w-full" aria-hidden>
          {scaled.map((d, i) => (
            <rect key={i} x={d.box[0]} y={d.box[1]} width={d.box[2] - d.box[0]} height={d.box[3] - d.box[1]} fill="none" stroke="#f43f5e" strokeWidth={1.5} />
          ))}
          {labels.map((l, i) =>
            l ? (
              <g key={i}>
                <rect x={l.x} y={l.y} width={l.width} height={l.height} rx={2} fill="#be123c" fillOpacity={0.85} />
                <text x={l.x + 3} y={l.y + l.height - 4} fill="white" fontSize={LABEL_FONT_PX} fontWeight={500}>
                  {scaled[i].text}
                </text>
              </g>
            ) : null,
          )}
        </svg>
      </div>
      <ol className="text-xs">
        {detections.slice(0, 5).map((d, i) => (
          <li key={i} className="flex justify-between gap-2">
            <span>{name(d)}</span>
            <span className="font-mono">{formatFixed(d.score * 100, 0)} %</span>
          </li>
        ))}
        {detections.length > 5 ? <li className="text-zinc-600 dark:text-zinc-400">and {detections.length - 5} more</li> : null}
        {detections.length === 0 ? <li className="text-zinc-600 dark:text-zinc-400">nothing above the score threshold</li> : null}
      </ol>
    </figure>
  );
}

/**
 * The split detector's boxes next to the unsplit detector's, above a score threshold the reader sets, duplicates
 * removed (NMS), and how many of the unsplit model's boxes the split model found again.
 */
export function DetectionView({
  split,
  unsplit,
  classes,
  pixels,
  input,
  splitTitle = "Split model (decoded bitstream)",
}: {
  /** What produced `split` (a comparison also shows the whole model on a decoded JPEG). */
  splitTitle?: string;
  /** Candidates above the lowest offered threshold, best first. */
  split: Detection[];
  unsplit: Detection[];
  classes: string[];
  pixels: Uint8Array;
  input: { width: number; height: number; channels: number };
}) {
  const [threshold, setThreshold] = useState(DETECTION_SCORE_THRESHOLD);
  const id = useId();
  const shownSplit = useMemo(() => detectionsAbove(split, threshold), [split, threshold]);
  const shownUnsplit = useMemo(() => detectionsAbove(unsplit, threshold), [unsplit, threshold]);
  const a = agreementOf(shownSplit, shownUnsplit);
  const all = a.found === a.of && a.extra === 0;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <label htmlFor={id} className="font-medium">
          Score threshold
        </label>
        <input
          id={id}
          type="range"
          min={CANDIDATE_SCORE_FLOOR}
          max={0.95}
          step={0.05}
          value={threshold}
          onChange={(e) => setThreshold(Number(e.target.value))}
          className="w-40 accent-rose-600"
          aria-valuetext={`${formatFixed(threshold * 100, 0)} %`}
        />
        <span className="font-mono text-xs tabular-nums">{formatFixed(threshold * 100, 0)} %</span>
      </div>
      <p>
        <AgreementBadge agree={all} label={agreementText(a)} counts={{ found: a.found, of: a.of, extra: a.extra }} />
        <span className="ml-2 text-sm text-zinc-600 dark:text-zinc-400">
          of the unsplit model&apos;s boxes, the split model finds the same class at IoU ≥ 0.5
          {a.extra > 0 ? `; "extra" are its boxes that match none of them` : ""}
        </span>
      </p>
      <div className="flex flex-col gap-4 sm:flex-row">
        <Boxes title={splitTitle} detections={shownSplit} classes={classes} pixels={pixels} input={input} testId="split-prediction" />
        <Boxes title="Unsplit model" detections={shownUnsplit} classes={classes} pixels={pixels} input={input} testId="unsplit-prediction" />
      </div>
    </div>
  );
}

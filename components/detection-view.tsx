import { matchedCount, type Detection } from "@/lib/view/detections";
import { formatFixed } from "./format";
import { PixelImage } from "./pixel-image";
import { AgreementBadge } from "./agreement-badge";

const SIZE = 240;

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
  const sx = SIZE / input.width;
  return (
    <figure className="min-w-0 flex-1 space-y-1" data-testid={testId} data-value={detections[0] ? classes[detections[0].cls] : "none"}>
      <figcaption className="text-xs uppercase tracking-wide text-zinc-500 dark:text-zinc-400">{title}</figcaption>
      <div className="relative" style={{ width: SIZE, maxWidth: "100%" }}>
        <PixelImage
          pixels={pixels}
          width={input.width}
          height={input.height}
          channels={input.channels}
          size={SIZE}
          label={`${title}: ${detections.length} detections`}
        />
        <svg viewBox={`0 0 ${SIZE} ${(SIZE * input.height) / input.width}`} className="absolute inset-0 h-full w-full" aria-hidden>
          {detections.map((d, i) => (
            <g key={i}>
              <rect
                x={d.box[0] * sx}
                y={d.box[1] * sx}
                width={(d.box[2] - d.box[0]) * sx}
                height={(d.box[3] - d.box[1]) * sx}
                fill="none"
                stroke="#f43f5e"
                strokeWidth={1.5}
              />
              <text x={d.box[0] * sx + 2} y={d.box[1] * sx + 10} className="fill-rose-500 text-[9px] font-medium">
                {classes[d.cls] ?? d.cls}
              </text>
            </g>
          ))}
        </svg>
      </div>
      <ol className="text-xs">
        {detections.slice(0, 5).map((d, i) => (
          <li key={i} className="flex justify-between gap-2">
            <span>{classes[d.cls] ?? `class ${d.cls}`}</span>
            <span className="font-mono">{formatFixed(d.score * 100, 0)} %</span>
          </li>
        ))}
        {detections.length === 0 ? <li className="text-zinc-500">nothing above 20 % confidence</li> : null}
      </ol>
    </figure>
  );
}

/** The split detector's boxes next to the unsplit detector's, and how many it found again. */
export function DetectionView({
  split,
  unsplit,
  classes,
  pixels,
  input,
}: {
  split: Detection[];
  unsplit: Detection[];
  classes: string[];
  pixels: Uint8Array;
  input: { width: number; height: number; channels: number };
}) {
  const matched = matchedCount(split, unsplit);
  const agree = matched === unsplit.length && split.length === unsplit.length;
  return (
    <div className="space-y-3">
      <p>
        <AgreementBadge agree={agree} />
        <span className="ml-2 text-sm text-zinc-600 dark:text-zinc-400">
          the split model finds {matched} of the unsplit model&apos;s {unsplit.length} detections (same class, IoU ≥ 0.5)
          {split.length > matched ? ` and ${split.length - matched} others` : ""}
        </span>
      </p>
      <div className="flex flex-col gap-4 sm:flex-row">
        <Boxes title="Split model (decoded bitstream)" detections={split} classes={classes} pixels={pixels} input={input} testId="split-prediction" />
        <Boxes title="Unsplit model" detections={unsplit} classes={classes} pixels={pixels} input={input} testId="unsplit-prediction" />
      </div>
    </div>
  );
}

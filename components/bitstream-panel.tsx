"use client";

import { useEffect, useRef } from "react";
import type { RunResult } from "@/lib/worker/playground-protocol";
import { formatFixed, formatInt } from "./format";
import { HexBytes } from "./hex-bytes";
import { StatList, type Stat } from "./stat-list";

/** "44× smaller" or, when the bitstream is the bigger one, "1.3× larger". */
function times(ratio: number): string {
  const x = ratio >= 1 ? ratio : 1 / ratio;
  return `${x >= 10 ? formatFixed(x, 0) : formatFixed(x, 1)}× ${ratio >= 1 ? "smaller" : "larger"}`;
}

function statsOf(r: RunResult, jpegBytes: number | null): Stat[] {
  const bytes = r.bitstream.length;
  const symbols = r.symbolCount;
  return [
    {
      label: "Bitstream size",
      term: "bitstream",
      value: `${formatInt(bytes)} bytes`,
      note: `${formatInt(r.payloadBytes)} bytes of rANS payload + ${bytes - r.payloadBytes} of framing (header and CRC)`,
      testId: "bitstream-bytes",
      raw: bytes,
    },
    {
      label: "Estimated bits",
      term: "estimated-bits",
      value: formatFixed(r.estimatedBits, 1),
      note: `${formatFixed(r.estimatedBits / 8, 1)} bytes by the entropy model's −log₂ P`,
      testId: "estimated-bits",
      raw: r.estimatedBits,
    },
    {
      label: "Symbols sent",
      term: "symbols",
      value: formatInt(symbols),
      note: `${formatFixed((r.payloadBytes * 8) / symbols, 3)} bits per symbol after rANS`,
      testId: "symbols",
      raw: symbols,
    },
    {
      label: "Bits per input pixel",
      value: formatFixed((bytes * 8) / r.inputPixels, 3),
      note: `${formatInt(r.inputPixels)} input pixels`,
      testId: "bits-per-pixel",
      raw: (bytes * 8) / r.inputPixels,
    },
    {
      label: "Versus float32 features",
      value: times(r.float32Bytes / bytes),
      note: `${formatInt(r.float32Bytes)} bytes as raw float32`,
      testId: "ratio-float32",
      raw: r.float32Bytes / bytes,
    },
    jpegBytes === null
      ? { label: "Versus the input as JPEG", value: "…", note: `encoding this image as JPEG (quality ${r.jpegQuality})`, testId: "ratio-jpeg", raw: NaN }
      : {
          label: "Versus the input as JPEG",
          value: times(jpegBytes / bytes),
          note: `this image as JPEG (quality ${r.jpegQuality}): ${formatInt(jpegBytes)} bytes`,
          testId: "ratio-jpeg",
          raw: jpegBytes / bytes,
        },
  ];
}

/**
 * What crosses the network: the real bitstream's size and first bytes, and a way to take it home. `jpegBytes`: the
 * input's size as JPEG, null while the worker is still encoding it.
 */
export function BitstreamPanel({
  result,
  jpegBytes,
  names,
}: {
  result: RunResult;
  jpegBytes: number | null;
  names: { model: string; split: string; rate: string };
}) {
  const urls = useRef<string[]>([]);
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);
  const download = () => {
    const url = URL.createObjectURL(new Blob([result.bitstream as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }));
    urls.current.push(url);
    const a = document.createElement("a");
    a.href = url;
    a.download = `splitscope-${names.model}-${names.split}-${names.rate}.bin`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    // Give the browser a moment to start the download before the URL goes away.
    setTimeout(() => {
      URL.revokeObjectURL(url);
      urls.current = urls.current.filter((u) => u !== url);
    }, 10_000);
  };
  return (
    <div className="space-y-3">
      <StatList stats={statsOf(result, jpegBytes)} />
      <HexBytes bytes={result.bitstream} />
      <button
        type="button"
        onClick={download}
        className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        Download bitstream
      </button>
    </div>
  );
}

import type { CodecDemoResult } from "@/lib/worker/protocol";
import { formatFixed, formatInt } from "./format";
import { HexBytes } from "./hex-bytes";
import { StatList, type Stat } from "./stat-list";

function statsOf(r: CodecDemoResult): Stat[] {
  const actualBytes = r.bitstream.length;
  const containerBytes = actualBytes - r.payloadBytes;
  const payloadVsEstimate = (r.payloadBytes * 8) / r.estimatedBits - 1;
  return [
    { label: "Symbols", value: formatInt(r.symbolCount), note: `tensor ${r.shape.join(" × ")}, step ${r.step}`, testId: "symbol-count", raw: r.symbolCount },
    {
      label: "Estimated bits",
      value: formatFixed(r.estimatedBits, 1),
      note: `${formatFixed(r.estimatedBits / r.symbolCount, 3)} bits per symbol, from the entropy tables`,
      testId: "estimated-bits",
      raw: r.estimatedBits,
    },
    {
      label: "Payload bytes",
      value: formatInt(r.payloadBytes),
      note: `rANS stream, ${payloadVsEstimate >= 0 ? "+" : ""}${formatFixed(payloadVsEstimate * 100, 2)} % vs. the estimate`,
      testId: "payload-bytes",
      raw: r.payloadBytes,
    },
    {
      label: "Actual bytes",
      value: formatInt(actualBytes),
      note: `the whole bitstream: payload + ${containerBytes} bytes of header, shape and CRC`,
      testId: "actual-bytes",
      raw: actualBytes,
    },
    {
      label: "Round trip",
      value: r.exact ? "exact" : "MISMATCH",
      note: r.exact ? "decoded symbols equal the encoded ones" : "the decoder did not reproduce the symbols",
      testId: "roundtrip",
      raw: r.exact ? "exact" : "mismatch",
    },
    {
      label: `Reconstruction MSE (${r.backend})`,
      value: r.reconstructionMse.toExponential(3),
      note: `plain JS: ${r.referenceMse.toExponential(3)}; tensor sum ${formatFixed(r.tensorSum, 2)} (JS ${formatFixed(r.referenceSum, 2)})`,
      testId: "mse",
      raw: r.reconstructionMse,
    },
  ];
}

export function CodecDemoStats({ result }: { result: CodecDemoResult }) {
  const t = result.timingsMs;
  return (
    <div>
      <StatList stats={statsOf(result)} />
      <HexBytes bytes={result.bitstream} />
      <p className="mt-2 text-xs text-zinc-600 dark:text-zinc-400">
        Encode {formatFixed(t.encode, 1)} ms, decode {formatFixed(t.decode, 1)} ms, tfjs {formatFixed(t.tf, 1)} ms.
      </p>
    </div>
  );
}

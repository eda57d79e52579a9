"use client";

import { useState } from "react";
import type { Outcome } from "@/lib/worker/protocol";
import type { DecodeResult } from "@/lib/worker/playground-protocol";
import { MAX_STREAM_BYTES } from "@/lib/view/stream-file";
import { ErrorMessage } from "./error-message";
import { formatFixed, formatInt } from "./format";

/** The worker's decoder: a bitstream file's bytes in, the server side's answer (named) out. */
export type DecodeFn = (bytes: Uint8Array) => Promise<Outcome<DecodeResult>>;

function formatMegabytes(bytes: number): string {
  return `${formatFixed(bytes / (1024 * 1024), 1)} MB`;
}

/** The edge server on its own: a .bin file in, the BU decoder and tail run, a prediction out. */
export function DecodePanel({ decode: decodeBytes }: { decode: DecodeFn | null }) {
  const [state, setState] = useState<
    { kind: "idle" } | { kind: "busy"; name: string } | { kind: "done"; name: string; r: DecodeResult } | { kind: "error"; name: string; message: string }
  >({ kind: "idle" });

  const decode = async (file: File | undefined) => {
    if (!file || !decodeBytes) return;
    const fail = (message: string) => setState({ kind: "error", name: file.name, message });
    // No valid stream is larger than the container allows, so a larger file is refused unread.
    if (file.size > MAX_STREAM_BYTES) {
      fail(`at ${formatMegabytes(file.size)} it is larger than any bitstream can be (at most ${formatMegabytes(MAX_STREAM_BYTES)}), so it is not one.`);
      return;
    }
    setState({ kind: "busy", name: file.name });
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (e) {
      // NotReadableError and friends: the file went away or changed after it was chosen, or the disk failed.
      fail(`the file could not be read (${e instanceof Error ? e.name : String(e)}); it may have been moved or changed since it was chosen. Choose it again.`);
      return;
    }
    const out = await decodeBytes(bytes);
    if (out.ok) setState({ kind: "done", name: file.name, r: out.value });
    // A worker replaced mid-decode (another backend) answers "terminated": nothing to show, but no "Decoding..." forever.
    else if (out.error.code === "terminated") setState({ kind: "idle" });
    else fail(out.error.message);
  };

  const answer = (r: DecodeResult): { label: string; p: number } => r.top ?? { label: "nothing", p: 0 };
  const names = (r: DecodeResult) => `${r.modelName}, ${r.split.label}, rate level ${r.rate.id}`;
  return (
    <div className="space-y-3">
      <label className="block text-sm font-medium" htmlFor="decode-bitstream">
        Decode a bitstream
      </label>
      <input
        id="decode-bitstream"
        type="file"
        accept=".bin,application/octet-stream"
        disabled={!decodeBytes}
        className="block text-sm file:mr-3 file:rounded-md file:border-0 file:bg-zinc-200 file:px-3 file:py-1.5 dark:file:bg-zinc-800 dark:file:text-zinc-100"
        onChange={(e) => {
          void decode(e.currentTarget.files?.[0]);
          e.currentTarget.value = "";
        }}
      />
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        Runs only the server side (rANS decoder, BU decoder, tail) on the bytes of a downloaded .bin file.
      </p>
      {state.kind === "busy" ? (
        <p className="text-sm" aria-live="polite">
          Decoding {state.name}…
        </p>
      ) : null}
      {state.kind === "error" ? <ErrorMessage message={`${state.name}: ${state.message}`} /> : null}
      {state.kind === "done" ? (
        <div className="rounded-md border border-zinc-200 p-3 text-sm dark:border-zinc-800" data-testid="decoded">
          <p>
            {state.name} ({formatInt(state.r.bytes)} bytes) is a stream for {names(state.r)}. The server predicts{" "}
            <strong data-testid="decoded-class" data-value={answer(state.r).label}>
              {answer(state.r).label}
            </strong>{" "}
            ({formatFixed(answer(state.r).p * 100, 1)} %{state.r.detections > 1 ? `, and ${state.r.detections - 1} more detections` : ""}).
          </p>
          <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
            rANS decode {formatFixed(state.r.ms.entropyDecode, 1)} ms, BU decoder {formatFixed(state.r.ms.buDecoder, 1)} ms, tail{" "}
            {formatFixed(state.r.ms.tail, 1)} ms.
          </p>
        </div>
      ) : null}
    </div>
  );
}

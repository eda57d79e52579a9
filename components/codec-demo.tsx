"use client";

import { useCallback, useEffect, useState } from "react";
import { isBackendName, type BackendName } from "@/lib/tf/browser-backend";
import type { CodecDemoParams, CodecDemoResult, InitResult } from "@/lib/worker/protocol";
import { BackendStatus } from "./backend-status";
import { CodecDemoStats } from "./codec-demo-stats";
import { ErrorMessage } from "./error-message";
import { useSplitscopeWorker } from "./use-worker";

const RUN_BUTTON = [
  "rounded-md bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-40",
  "dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-zinc-300",
].join(" ");

const SHAPE: CodecDemoParams["shape"] = [16, 16, 8];
const STEP = 0.125;

type DemoState =
  { kind: "waiting" } | { kind: "running"; seed: number } | { kind: "done"; seed: number; result: CodecDemoResult } | { kind: "error"; message: string };

/** ?backend=wasm|webgl|cpu forces the first backend tried; anything else is reported and ignored. */
function backendFromUrl(): { backend?: BackendName; warning?: string } {
  const value = new URLSearchParams(window.location.search).get("backend");
  if (value === null || value === "") return {};
  if (isBackendName(value)) return { backend: value };
  return { warning: `Unknown backend "${value}" in the address; choosing one automatically.` };
}

export function CodecDemo() {
  const client = useSplitscopeWorker();
  const [init, setInit] = useState<InitResult | null>(null);
  const [warning, setWarning] = useState<string | null>(null);
  const [demo, setDemo] = useState<DemoState>({ kind: "waiting" });

  const run = useCallback(
    async (seed: number) => {
      if (!client) return;
      setDemo({ kind: "running", seed });
      const outcome = await client.call("codec-demo", { seed, shape: SHAPE, step: STEP });
      if (outcome.ok) setDemo({ kind: "done", seed, result: outcome.value });
      else if (outcome.error.code !== "terminated") setDemo({ kind: "error", message: outcome.error.message });
    },
    [client],
  );

  useEffect(() => {
    if (!client) return;
    let live = true;
    const { backend, warning } = backendFromUrl();
    void client.call("init", { backend }).then((outcome) => {
      if (!live) return;
      setWarning(warning ?? null);
      if (!outcome.ok) {
        if (outcome.error.code !== "terminated") setDemo({ kind: "error", message: outcome.error.message });
        return;
      }
      setInit(outcome.value);
      void run(1);
    });
    return () => {
      live = false;
    };
  }, [client, run]);

  const seed = demo.kind === "running" || demo.kind === "done" ? demo.seed : 1;
  return (
    <section aria-labelledby="codec-demo-title" className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 id="codec-demo-title" className="text-xl font-semibold">
            Codec round trip
          </h2>
          <p className="mt-1 max-w-xl text-sm text-zinc-600 dark:text-zinc-400">
            A synthetic ReLU feature map (seed {seed}) is quantized, entropy coded with rANS into a real bitstream, decoded and dequantized — all in a Web
            Worker.
          </p>
        </div>
        <button type="button" onClick={() => void run(seed + 1)} disabled={!init || demo.kind === "running"} className={RUN_BUTTON}>
          Run again
        </button>
      </div>
      <BackendStatus init={init} />
      {warning ? <p className="text-sm text-amber-700 dark:text-amber-400">{warning}</p> : null}
      {demo.kind === "error" ? <ErrorMessage message={demo.message} /> : null}
      {demo.kind === "done" ? <CodecDemoStats result={demo.result} /> : null}
      {demo.kind === "waiting" || demo.kind === "running" ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400" aria-live="polite">
          {demo.kind === "waiting" ? "Starting the worker…" : "Encoding and decoding…"}
        </p>
      ) : null}
    </section>
  );
}

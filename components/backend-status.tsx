import type { InitResult } from "@/lib/worker/protocol";

export function BackendStatus({ init }: { init: InitResult | null }) {
  return (
    <div className="text-sm text-zinc-600 dark:text-zinc-400">
      <p>
        TensorFlow.js backend:{" "}
        <span data-testid="backend" className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100">
          {init ? init.backend : "starting…"}
        </span>
        {init ? <span className="ml-2">(tfjs {init.tfVersion}, in a Web Worker)</span> : null}
      </p>
      {init?.failures.map((f) => (
        <p key={f.backend} className="mt-1 text-xs">
          {f.backend} was not used: {f.reason}
        </p>
      ))}
    </div>
  );
}

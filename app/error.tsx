"use client";

import { ErrorMessage } from "@/components/error-message";

/** Shown instead of a blank page if rendering throws. */
export default function RouteError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <main className="mx-auto max-w-3xl px-6 py-12">
      <ErrorMessage message={`This page failed to render: ${error.message}`} />
      <button type="button" onClick={reset} className="mt-4 rounded-md border border-zinc-300 px-3 py-1.5 text-sm dark:border-zinc-700">
        Try again
      </button>
    </main>
  );
}

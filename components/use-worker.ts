"use client";

import { useEffect, useState } from "react";
import type { WorkerClient } from "@/lib/worker/client";
import { startSplitscopeWorker } from "@/lib/worker/start";

/**
 * The Splitscope worker for as long as the calling component is mounted; null before the first effect.
 * A new `key` (e.g. another backend choice) terminates the worker and starts a fresh one; a null key
 * starts none yet (so a page that must first read its settings does not start one only to replace it).
 */
export function useSplitscopeWorker(key: string | null = ""): WorkerClient | null {
  const [client, setClient] = useState<WorkerClient | null>(null);
  useEffect(() => {
    if (key === null) return;
    const c = startSplitscopeWorker();
    setClient(c);
    return () => {
      c.terminate();
      setClient(null);
    };
  }, [key]);
  return client;
}

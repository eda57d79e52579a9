"use client";

import { useEffect, useState } from "react";
import type { WorkerClient } from "@/lib/worker/client";
import { startSplitscopeWorker } from "@/lib/worker/start";

/** The Splitscope worker for as long as the calling component is mounted; null before the first effect. */
export function useSplitscopeWorker(): WorkerClient | null {
  const [client, setClient] = useState<WorkerClient | null>(null);
  useEffect(() => {
    const c = startSplitscopeWorker();
    setClient(c);
    return () => {
      c.terminate();
      setClient(null);
    };
  }, []);
  return client;
}

"use client";

/**
 * The playground's state for React: one PlaygroundController (lib/view/playground-controller.ts) per mounted
 * page, its state read through useSyncExternalStore, the worker and the address bar of this browser tab plugged in.
 */
import { useEffect, useState, useSyncExternalStore } from "react";
import { PlaygroundController, type AddressBar, type PlaygroundState } from "@/lib/view/playground-controller";
import { startSplitscopeWorker } from "@/lib/worker/start";
import type { InputChoice } from "./input-panel";
import { readSampleImage } from "./read-image-file";

/** The inputs that live only in this tab. */
export type CustomChoice = Exclude<InputChoice, { kind: "sample" }>;

const browserAddress: AddressBar = {
  search: () => window.location.search,
  push: (search) => window.history.pushState(null, "", window.location.pathname + search),
  replace: (search) => window.history.replaceState(null, "", window.location.pathname + search),
  onPop(listener) {
    window.addEventListener("popstate", listener);
    return () => window.removeEventListener("popstate", listener);
  },
};

export function usePlayground(): [PlaygroundState<CustomChoice>, PlaygroundController<CustomChoice>] {
  // Created once per mount; the constructor does nothing, start() (in the effect) does the work.
  const [controller] = useState(
    () =>
      new PlaygroundController<CustomChoice>({
        startWorker: startSplitscopeWorker,
        address: browserAddress,
        readSample: async (url, spec) => (await readSampleImage(url, spec)).pixels,
      }),
  );
  const state = useSyncExternalStore(controller.subscribe, controller.getState, controller.getState);
  useEffect(() => {
    controller.start();
    return () => controller.stop();
  }, [controller]);
  return [state, controller];
}

/** FileSource over a folder on disk, for scripts and tests (the browser uses fetch). */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { FileSource } from "./units";

export function folderSource(root: string): FileSource {
  return {
    json: async (p) => JSON.parse(await readFile(path.join(root, p), "utf8")),
    bytes: async (p) => new Uint8Array(await readFile(path.join(root, p))),
  };
}

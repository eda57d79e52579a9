/**
 * The golden vectors (scripts/golden-vectors.ts): each committed stream is made again from its fixed input, byte
 * for byte, and decodes to the recorded prediction. When a model's units are retrained on purpose, the message
 * says to run `npm run golden`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readContainer } from "@/lib/codec";
import { decodeTop } from "@/lib/pipeline/model-folder";
import { firstDifference } from "@/lib/util/bytes";
import { computeGolden, GOLDEN_DIR, GOLDEN_INDEX, REGENERATE, type GoldenIndex, type GoldenRun } from "@/scripts/golden-vectors";

let index: GoldenIndex;
let runs: GoldenRun[];
const name = (c: { model: string; split: string; rate: string }) => `${c.model}/${c.split}/${c.rate}`;
const stored = (file: string) => new Uint8Array(readFileSync(path.join(GOLDEN_DIR, file)));

beforeAll(async () => {
  index = JSON.parse(readFileSync(GOLDEN_INDEX, "utf8")) as GoldenIndex;
  runs = await computeGolden();
}, 300_000);

describe("golden vectors", () => {
  it("cover every model and split point the manifests name, at its middle rate level", () => {
    expect(
      runs.map((r) => name(r.case)),
      `the models' split points or rate levels changed since the golden vectors were made; ` +
        `if on purpose, run \`${REGENERATE}\` and commit tests/fixtures/golden/`,
    ).toEqual(index.cases.map(name));
    expect(index.cases.map((c) => c.model)).toEqual(expect.arrayContaining(["digits", "centernet"]));
  });

  it("are made again byte for byte from their fixed inputs", () => {
    const problems: string[] = [];
    for (const run of runs) {
      const was = index.cases.find((c) => c.file === run.case.file);
      if (!was) continue; // reported by the coverage test
      if (run.case.inputSha256 !== was.inputSha256) problems.push(`${name(was)}: the input (${was.input}) is not the one the stream was made from`);
      const golden = stored(was.file);
      const at = firstDifference(run.stream, golden);
      if (at === -1) continue;
      const why =
        run.case.modelFilesSha256 !== was.modelFilesSha256
          ? "The model's files (backbone or this rate level's units) changed since the golden vectors were made"
          : "The model's files are the ones the golden vectors were made with, so the code changed the bytes (codec, quantizer, BU or pipeline)";
      problems.push(
        `${name(was)}: the stream (${run.stream.length} bytes) differs from tests/fixtures/golden/${was.file} (${golden.length} bytes) from byte ${at} on. ` +
          `${why}: if that is on purpose, run \`${REGENERATE}\` and commit tests/fixtures/golden/.`,
      );
    }
    expect(problems).toEqual([]);
  });

  it("name their model, split and rate in the header, and decode on the server side to the recorded prediction", async () => {
    for (const run of runs) {
      const was = index.cases.find((c) => c.file === run.case.file)!;
      const golden = stored(was.file);
      expect(golden.length, name(was)).toBe(was.bytes);
      expect(readContainer(golden).header, name(was)).toEqual({
        model: run.model.manifest.index,
        split: run.splitIndex,
        rate: run.rateIndex,
        shapes: undefined,
      });
      expect(
        await decodeTop(run.model, golden, run.splitIndex, run.rateIndex),
        `${name(was)}: prediction from the committed stream (if the units changed on purpose, run \`${REGENERATE}\`)`,
      ).toBe(was.splitTop);
      expect(run.case.unsplitTop, `${name(was)}: the unsplit model's prediction (if the backbone changed on purpose, run \`${REGENERATE}\`)`).toBe(
        was.unsplitTop,
      );
    }
  });
});

import { describe, expect, it } from "vitest";
import { LIMITS, readContainer, writeContainer } from "@/lib/codec";
import { MAX_STREAM_BYTES } from "@/lib/view/stream-file";

describe("MAX_STREAM_BYTES", () => {
  it("is at least the largest container the codec writes and reads, and barely more", () => {
    // Every limit at once: the most tensors of the highest rank with large dimensions, the largest payload.
    const shapes = Array.from({ length: LIMITS.maxTensors }, (_, t) => [
      ...Array(LIMITS.maxRank - 1).fill(1),
      t === 0 ? LIMITS.maxElements - LIMITS.maxTensors + 1 : 1,
    ]);
    const stream = writeContainer({ model: 2 ** 32 - 1, split: 2 ** 32 - 1, rate: 2 ** 32 - 1, shapes }, new Uint8Array(LIMITS.maxPayloadBytes));
    expect(readContainer(stream).payload.length).toBe(LIMITS.maxPayloadBytes);
    expect(stream.length).toBeLessThanOrEqual(MAX_STREAM_BYTES);
    // The margin is the room for padded varints in the header, not a guess: a few hundred bytes.
    expect(MAX_STREAM_BYTES - stream.length).toBeLessThan(600);
  });
});

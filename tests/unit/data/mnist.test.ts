import { describe, expect, it } from "vitest";
import { DIGIT_PIXELS, loadMnist, mnistSplitIndices } from "@/lib/data/mnist";
import { createRng, seededPermutation, shuffleInPlace } from "@/lib/util/prng";

describe("seeded PRNG and shuffle", () => {
  it("repeats for a seed and differs between seeds", () => {
    const a = createRng(7).next;
    const b = createRng(7).next;
    const c = createRng(8).next;
    const seqA = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(seqA);
    for (const v of seqA) expect(v >= 0 && v < 1).toBe(true);
  });

  it("a seeded permutation holds every index once", () => {
    const p = seededPermutation(1000, 3);
    expect(new Set(p).size).toBe(1000);
    expect(Math.max(...p)).toBe(999);
    expect(Array.from(p)).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(seededPermutation(1000, 3))).toEqual(Array.from(p));
  });

  it("shuffle keeps the multiset of items", () => {
    const items = ["a", "b", "c", "d", "e", "f"];
    const shuffled = shuffleInPlace([...items], createRng(1).next);
    expect([...shuffled].sort()).toEqual(items);
  });
});

describe("mnist split", () => {
  const data = loadMnist();

  it("has 8,000 training and 2,000 test digits of 28x28x1 in [0, 1]", () => {
    expect(data.trainImages.length).toBe(8000 * DIGIT_PIXELS);
    expect(data.trainLabels.length).toBe(8000);
    expect(data.testImages.length).toBe(2000 * DIGIT_PIXELS);
    expect(data.testLabels.length).toBe(2000);
    let min = Infinity;
    let max = -Infinity;
    for (const v of data.testImages) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.9);
  });

  it("train and test are disjoint and cover all 10,000 digits", () => {
    const { train, test } = mnistSplitIndices();
    const all = new Set([...train, ...test]);
    expect(all.size).toBe(10000);
  });

  it("no test image is also a training image (by pixels)", () => {
    const key = (images: Float32Array, i: number) => images.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS).join(",");
    const trainKeys = new Set(Array.from({ length: 8000 }, (_, i) => key(data.trainImages, i)));
    let shared = 0;
    for (let i = 0; i < 2000; i++) if (trainKeys.has(key(data.testImages, i))) shared++;
    // The package may hold a few byte-identical digits; a broken split would share thousands.
    expect(shared).toBeLessThan(5);
  });

  it("is deterministic across calls", () => {
    const again = loadMnist();
    expect(again.testLabels).toEqual(data.testLabels);
    expect(again.trainLabels).toEqual(data.trainLabels);
    expect(again.testImages.subarray(0, 5000)).toEqual(data.testImages.subarray(0, 5000));
  });

  it("labels are 0-9 and roughly balanced in both parts", () => {
    for (const labels of [data.trainLabels, data.testLabels]) {
      const counts = new Array(10).fill(0);
      for (const l of labels) counts[l]++;
      expect(counts.reduce((a, b) => a + b)).toBe(labels.length);
      for (const c of counts) {
        expect(c).toBeGreaterThan(labels.length * 0.07);
        expect(c).toBeLessThan(labels.length * 0.14);
      }
    }
  });

  it("is shuffled: the test labels are not sorted by class", () => {
    let changes = 0;
    for (let i = 1; i < data.testLabels.length; i++) if (data.testLabels[i] !== data.testLabels[i - 1]) changes++;
    expect(changes).toBeGreaterThan(1000);
  });
});

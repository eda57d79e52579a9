// Seeded randomness for data splits, shuffles and augmentation, as plain `() => number` generators built on
// the project's mulberry32 (lib/util/prng.ts).
import { createRng as createUtilRng } from "@/lib/util/prng";

/** Uniform numbers in [0, 1), the same sequence for the same seed. */
export type RandomSource = () => number;

export function createRng(seed: number): RandomSource {
  const rng = createUtilRng(seed);
  return () => rng.next();
}

/** Fisher-Yates shuffle in place, driven by `random`; returns the same array. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(items: T, random: RandomSource): T {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
  }
  return items;
}

/** A random permutation of 0..n-1 determined by `seed`. */
export function seededPermutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return shuffleInPlace(order, createRng(seed));
}

/**
 * A small seeded PRNG (mulberry32) and the few distributions tests and benchmarks draw from, so that any
 * failing case can be reproduced from its seed. Not for anything security-related.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] (inclusive; both ends must be safe integers). */
  int(lo: number, hi: number): number;
  /** Laplacian with location mu and scale b. */
  laplace(mu: number, b: number): number;
  /** Cauchy with location mu and scale gamma: heavy tails, no mean. */
  cauchy(mu: number, gamma: number): number;
  /** Gaussian with mean mu and standard deviation sigma (Box-Muller). */
  normal(mu: number, sigma: number): number;
}

export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Strictly inside (0, 1), for the logarithms and tangents below.
  const open = (): number => (next() * 4294967295 + 0.5) / 4294967296;
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    laplace: (mu, b) => {
      const u = open() - 0.5;
      return mu - b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
    },
    cauchy: (mu, gamma) => mu + gamma * Math.tan(Math.PI * (open() - 0.5)),
    normal: (mu, sigma) => mu + sigma * Math.sqrt(-2 * Math.log(open())) * Math.cos(2 * Math.PI * next()),
  };
}

/** Uniform numbers in [0, 1): what shuffles, data splits and weight initialisers draw from (`createRng(seed).next`). */
export type RandomSource = () => number;

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
  return shuffleInPlace(order, createRng(seed).next);
}

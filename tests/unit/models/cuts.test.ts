// Every cut the Layer picker lists must be exact: the model cut there gives the unsplit model's output, bit for bit.
// Digits: every listed cut on real digits; CenterNet: a sample of single- and multi-tensor cuts on a real photo.
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { layersBackbone } from "@/lib/models/backbone";
import { CENTERNET_CUTS, CENTERNET_INPUT, CENTERNET_OUTPUTS, CENTERNET_PACKAGE_MODEL } from "@/lib/models/centernet";
import { cutId, markPrepared } from "@/lib/models/cuts";
import { graphBackbone } from "@/lib/models/graph-backbone";
import { graphCutsOf } from "@/lib/models/graph-cuts";
import type { GraphNode } from "@/lib/models/graph-macs";
import { layersCuts } from "@/lib/models/layer-cuts";
import { loadGraphModelFromFile } from "@/lib/models/load-graph-node";
import { loadLayersModelFromFile } from "@/lib/models/load-layers-node";
import { validateManifest } from "@/lib/models/manifest";
import { decodeJpeg, photoInput } from "@/lib/data/photos";
import { loadMnist } from "@/lib/data/mnist";
import { initNodeTf, type TF } from "@/lib/tf/node";

const root = path.resolve(import.meta.dirname, "../../..");
let tf: TF;

beforeAll(async () => {
  tf = await initNodeTf();
});

describe("digits cuts (every layer boundary no skip connection crosses)", () => {
  it("lists the chain points with shapes, signs and growing device shares, the prepared splits marked, each exact", async () => {
    const model = await loadLayersModelFromFile(tf, path.join(root, "public/models/digits/backbone/model.json"));
    const manifest = validateManifest(JSON.parse(readFileSync(path.join(root, "public/models/digits/manifest.json"), "utf8")));
    const cuts = markPrepared(layersCuts(model), manifest);
    const nodes = cuts.map((c) => c.tensors[0].node);
    // Inside a residual block nothing is a cut (its shortcut jumps over it); from its add on, everything is.
    expect(nodes).toContain("stem_conv1");
    expect(nodes).toContain("stage1_block1_out");
    expect(nodes).not.toContain("stage1_block2_conv1");
    expect(nodes).toContain("stage2_block1_add");
    expect(nodes).not.toContain("stage2_block1_bn2");
    expect(nodes).not.toContain("logits");
    // Every prepared split is among them, marked.
    expect(cuts.filter((c) => c.prepared).map((c) => c.prepared)).toEqual(manifest.splits.map((s) => s.id));
    for (const s of manifest.splits) {
      const c = cuts.find((x) => x.prepared === s.id)!;
      expect(c.tensors[0].shape).toEqual(s.tensors[0].shape);
      expect(c.clientShare).toBeCloseTo(s.clientShare, 6);
    }
    for (let i = 1; i < cuts.length; i++) expect(cuts[i].clientShare).toBeGreaterThanOrEqual(cuts[i - 1].clientShare);
    expect(cuts.find((c) => c.tensors[0].node === "stem_relu1")!.tensors[0].nonNegative).toBe(true);
    expect(cuts.find((c) => c.tensors[0].node === "stem_bn1")!.tensors[0].nonNegative).toBe(false);

    const backbone = layersBackbone(model);
    const mnist = loadMnist();
    const x = tf.tensor4d(mnist.testImages.slice(0, 8 * 784), [8, 28, 28, 1]);
    const [full] = backbone.predict(x);
    const want = Array.from(full.dataSync());
    const before = tf.memory().numTensors;
    for (const c of cuts) {
      const head = backbone.head(x, c.tensors);
      expect(head[0].shape.slice(1)).toEqual(c.tensors[0].shape);
      if (c.tensors[0].nonNegative) expect(Math.min(...head[0].dataSync())).toBeGreaterThanOrEqual(0);
      const [out] = backbone.tail(head, c.tensors);
      expect(Array.from(out.dataSync()), c.id).toEqual(want);
      tf.dispose([...head, out]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, full]);
    backbone.dispose();
  }, 120_000);
});

describe("CenterNet cuts (each block output, with the head's taps where it needs them)", () => {
  it("lists single- and multi-tensor cuts, the prepared ones among them, and a sample of them is exact", async () => {
    const json = JSON.parse(readFileSync(path.join(root, CENTERNET_PACKAGE_MODEL), "utf8"));
    const model = await loadGraphModelFromFile(tf, path.join(root, CENTERNET_PACKAGE_MODEL));
    const topology = {
      nodes: json.modelTopology.node as GraphNode[],
      weightSpecs: (json.weightsManifest as { weights: { name: string; shape: number[] }[] }[]).flatMap((g) => g.weights),
    };
    const size = CENTERNET_INPUT.size;
    const cuts = graphCutsOf(tf, model, topology, { node: CENTERNET_INPUT.node, shape: [1, size, size, 3] }, CENTERNET_OUTPUTS);
    expect(cuts.length).toBe(15);
    const ids = cuts.map((c) => c.id);
    for (const prepared of CENTERNET_CUTS) expect(ids).toContain(cutId(prepared.tensors));
    const deep = cuts.find((c) => c.id === cutId(CENTERNET_CUTS[1].tensors))!;
    expect(deep.tensors.map((t) => t.shape)).toEqual(CENTERNET_CUTS[1].tensors.map((t) => t.shape));
    expect(cuts.filter((c) => c.tensors.length === 1).length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < cuts.length; i++) expect(cuts[i].clientShare).toBeGreaterThan(cuts[i - 1].clientShare);

    const backbone = graphBackbone(model, CENTERNET_OUTPUTS);
    const photo = photoInput(tf, decodeJpeg(readFileSync(path.join(root, "public/samples/photos/astronaut.jpg"))), size);
    const [full] = backbone.predict(photo);
    const want = Array.from(full.dataSync());
    const before = tf.memory().numTensors;
    // A single-tensor cut, cuts carrying one, two and three taps (blocks 3, 5, 12), and the last.
    for (const k of [0, 3, 5, 12, 14]) {
      const c = cuts[k];
      const head = backbone.head(photo, c.tensors);
      expect(head.map((h) => h.shape.slice(1))).toEqual(c.tensors.map((t) => t.shape));
      const [out] = backbone.tail(head, c.tensors);
      expect(Array.from(out.dataSync()), c.id).toEqual(want);
      tf.dispose([...head, out]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([photo, full]);
    backbone.dispose();
  }, 300_000);
});

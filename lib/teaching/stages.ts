/**
 * The split pipeline as a learner walks it: ten stages from the input to the prediction, each with the side it
 * runs on, the page panel that shows it, its live figure in the diagram, what enters and leaves it, and one or two
 * sentences. Every figure comes from the current run (RunFacts); the text marks glossary terms as [[term]].
 */
import type { TermId } from "./glossary";
import { fixed, int, ms, shape } from "./format";
import type { RunFacts } from "./run-facts";

/** The page's panels a stage or a lesson step can point at (each a section with id `panel-<id>`). */
export const PANELS = ["input", "seen", "features", "latent", "bitstream", "reconstruction", "prediction", "rd"] as const;
export type PanelId = (typeof PANELS)[number];

export type StageId = "input" | "head" | "bu-encoder" | "quantizer" | "entropy-encoder" | "wire" | "entropy-decoder" | "bu-decoder" | "tail" | "prediction";

/** What flows between stages, as the step-through names it. */
export type Carrier = "image" | "tensor" | "symbols" | "bytes" | "answer";

export interface Flow {
  kind: Carrier;
  /** The live figure: "14×14×32 tensor", "1,568 symbols", "88 bytes". */
  what: string;
}

export interface Stage {
  id: StageId;
  label: string;
  side: "device" | "network" | "server";
  panel: PanelId;
  term: TermId;
  /** The diagram's short figure for this stage, or "…" before the first run. */
  figure(f: RunFacts | null): string;
  /** Its measured time, where the pipeline measures one (quantizer and encoder share one measurement). */
  time(f: RunFacts): number | null;
  enters(f: RunFacts): Flow;
  leaves(f: RunFacts): Flow;
  explain(f: RunFacts): string;
}

const shapes = (list: number[][]) => list.map(shape).join(" + ");
const tensor = (list: number[][], values: number): Flow => ({
  kind: "tensor",
  what: `${shapes(list)} tensor${list.length > 1 ? "s" : ""} (${int(values)} values)`,
});
const symbols = (f: RunFacts): Flow => ({ kind: "symbols", what: `${int(f.symbols)} symbols` });
const bytes = (f: RunFacts): Flow => ({ kind: "bytes", what: `${int(f.bytes)} bytes` });
const answer = (f: RunFacts): Flow => ({ kind: "answer", what: f.task === "detection" ? f.answer : `class ${f.answer}` });
const inputValues = (f: RunFacts) => f.inputShape.reduce((a, b) => a * b, 1);
const waiting = "…";

export const STAGES: Stage[] = [
  {
    id: "input",
    label: "Input",
    side: "device",
    panel: "input",
    term: "input",
    figure: (f) => (f ? shape(f.inputShape) : waiting),
    time: () => null,
    enters: () => ({ kind: "image", what: "a picture" }),
    leaves: (f) => tensor([f.inputShape], inputValues(f)),
    explain: (f) =>
      `The picture becomes a ${shape(f.inputShape)} [[tensor]] of ${int(inputValues(f))} numbers, exactly as the model was trained to read it. Nothing has been sent yet.`,
  },
  {
    id: "head",
    label: "Head (device)",
    side: "device",
    panel: "features",
    term: "head",
    figure: (f) => (f ? shapes(f.featureShapes) : waiting),
    time: (f) => f.ms.head,
    enters: (f) => tensor([f.inputShape], inputValues(f)),
    leaves: (f) => tensor(f.featureShapes, f.featureValues),
    explain: (f) =>
      `The [[head]] runs the first layers on the device, up to the [[split-point]], in ${ms(f.ms.head)}. Its output has ${int(f.featureValues)} values, ${fixed(f.featureValues / inputValues(f), 1)} times as many as the input.`,
  },
  {
    id: "bu-encoder",
    label: "BU encoder",
    side: "device",
    panel: "latent",
    term: "bu-encoder",
    figure: (f) => (f ? shapes(f.latentShapes) : waiting),
    time: (f) => f.ms.buEncoder,
    enters: (f) => tensor(f.featureShapes, f.featureValues),
    leaves: (f) => tensor(f.latentShapes, f.latentValues),
    explain: (f) =>
      `The [[bu-encoder]] maps the head's output to a [[latent]] of ${int(f.latentValues)} values in ${ms(f.ms.buEncoder)}. It was trained to keep what the tail needs in as few values as the [[rate-level]] allows.`,
  },
  {
    id: "quantizer",
    label: "Quantizer",
    side: "device",
    panel: "latent",
    term: "quantizer",
    figure: (f) => (f ? `${int(f.symbols)} symbols` : waiting),
    time: () => null,
    enters: (f) => tensor(f.latentShapes, f.latentValues),
    leaves: symbols,
    explain: (f) =>
      `The [[quantizer]] divides each latent value by the [[step]] (${fixed(f.step, 2)} at ${f.rateId}) and rounds it to a whole number: ${int(f.symbols)} [[symbols]]. The rounding is the only place information is thrown away.`,
  },
  {
    id: "entropy-encoder",
    label: "Entropy coder",
    side: "device",
    panel: "bitstream",
    term: "rans",
    figure: (f) => (f ? `${int(f.payloadBytes)} B payload` : waiting),
    time: (f) => f.ms.entropyEncode,
    enters: symbols,
    leaves: bytes,
    explain: (f) =>
      `[[rans]] codes the symbols with the [[entropy-model]]'s probabilities: it estimated ${fixed(f.estimatedBits, 1)} bits, and wrote ${int(f.payloadBytes)} bytes of payload, plus ${int(f.bytes - f.payloadBytes)} bytes of [[framing]]. Quantizing and coding together took ${ms(f.ms.entropyEncode)}.`,
  },
  {
    id: "wire",
    label: "Bytes on the wire",
    side: "network",
    panel: "bitstream",
    term: "bitstream",
    figure: (f) => (f ? `${int(f.bytes)} bytes` : waiting),
    time: () => null,
    enters: bytes,
    leaves: bytes,
    explain: (f) =>
      `These ${int(f.bytes)} bytes are all that crosses the network, ${fixed(f.float32Bytes / f.bytes, 0)} times fewer than the head's output as float32. How long they take depends on the link, not on this browser.`,
  },
  {
    id: "entropy-decoder",
    label: "Entropy decoder",
    side: "server",
    panel: "bitstream",
    term: "entropy-coder",
    figure: (f) => (f ? `${int(f.symbols)} symbols` : waiting),
    time: (f) => f.ms.entropyDecode,
    enters: bytes,
    leaves: symbols,
    explain: (f) =>
      `The server checks the [[framing]] and decodes the payload with the same [[entropy-model]], getting back all ${int(f.symbols)} symbols exactly, in ${ms(f.ms.entropyDecode)}. Coding loses nothing.`,
  },
  {
    id: "bu-decoder",
    label: "BU decoder",
    side: "server",
    panel: "reconstruction",
    term: "bu-decoder",
    figure: (f) => (f ? `PSNR ${fixed(f.featurePsnr, 1)} dB` : waiting),
    time: (f) => f.ms.buDecoder,
    enters: symbols,
    leaves: (f) => tensor(f.featureShapes, f.featureValues),
    explain: (f) =>
      `The [[bu-decoder]] turns the symbols back into a tensor of the head's shape in ${ms(f.ms.buDecoder)}. It is close to the original, not equal: [[feature-mse]] ${f.featureMse.toPrecision(3)}, [[psnr]] ${fixed(f.featurePsnr, 1)} dB.`,
  },
  {
    id: "tail",
    label: "Tail (server)",
    side: "server",
    panel: "prediction",
    term: "tail",
    figure: (f) => (f ? (f.task === "detection" ? "boxes" : "class scores") : waiting),
    time: (f) => f.ms.tail,
    enters: (f) => tensor(f.featureShapes, f.featureValues),
    leaves: answer,
    explain: (f) => `The [[tail]] runs the rest of the network on the reconstruction, in ${ms(f.ms.tail)}, as if the head had run on the server.`,
  },
  {
    id: "prediction",
    label: "Prediction",
    side: "server",
    panel: "prediction",
    term: "prediction",
    figure: (f) => (f ? f.answer : waiting),
    time: () => null,
    enters: answer,
    leaves: answer,
    explain: (f) =>
      f.agree
        ? `The split model answers ${f.answer}, the same as the whole model: the bytes kept what mattered ([[agreement]]).`
        : `The split model answers ${f.answer}, the whole model ${f.unsplitAnswer}: at this [[rate-level]] the bytes lost something the tail needed.`,
  },
];

export const stageIndex = (id: StageId): number => STAGES.findIndex((s) => s.id === id);

/** The page element a panel lives in. */
export const panelElementId = (p: PanelId): string => `panel-${p}`;

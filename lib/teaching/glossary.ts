/**
 * The words the page uses for split computing and rate-distortion, each defined once in a sentence or two. The
 * labels on the page, the lesson (lesson.ts) and the step-through (stages.ts) all point here, so a term means
 * the same thing wherever a learner meets it.
 */

export interface GlossaryEntry {
  /** How the term is written on the page. */
  term: string;
  definition: string;
}

export const GLOSSARY = {
  input: {
    term: "input",
    definition: "What the model reads: the picture resized to the model's input size, as a tensor of numbers (height × width × channels).",
  },
  tensor: {
    term: "tensor",
    definition: "A block of numbers with a shape, such as 14×14×32: height, width and channels. Every stage of a network reads one and writes one.",
  },
  "split-point": {
    term: "split point",
    definition:
      "The place where the network is cut in two. Everything before it runs on the device, everything after it on the server; only the tensor at the cut crosses the network.",
  },
  head: {
    term: "head",
    definition: "The first part of the network, from the input up to the split point. It runs on the device (the phone, the camera).",
  },
  tail: {
    term: "tail",
    definition: "The rest of the network, from the split point to the output. It runs on the server, on the tensor the device sent.",
  },
  bu: {
    term: "bottleneck unit (BU)",
    definition:
      "A small trained encoder and decoder placed at the split point: the encoder squeezes the head's output into few values worth sending, the decoder turns the received values back into a tensor the tail can read.",
  },
  "bu-encoder": {
    term: "BU encoder",
    definition: "The device half of the bottleneck unit: one small layer that maps the head's output to fewer latent channels, before quantization.",
  },
  "bu-decoder": {
    term: "BU decoder",
    definition: "The server half of the bottleneck unit: it maps the decoded symbols back to a tensor of the head's output shape for the tail.",
  },
  encoder: {
    term: "encoder",
    definition: "Anything that turns data into a more compact form for sending; here the BU encoder (values) and the entropy coder (bytes).",
  },
  latent: {
    term: "latent",
    definition: "The BU encoder's output: the values that will be quantized and sent, in place of the head's output.",
  },
  quantizer: {
    term: "quantizer",
    definition: "Rounds each latent value to a whole number of steps, so it can be written down exactly. This rounding is where information is lost.",
  },
  step: {
    term: "step",
    definition: "The size of one quantizer step. A larger step gives fewer distinct symbols, fewer bytes and a coarser reconstruction.",
  },
  symbols: {
    term: "symbols",
    definition: "The whole numbers that come out of the quantizer: one per latent value. The entropy coder turns them into bytes.",
  },
  "entropy-model": {
    term: "entropy model",
    definition:
      "A probability for every symbol value, learned during training and shipped with the unit. Likely symbols get short codes and rare ones long codes; both sides must use the same model.",
  },
  pmf: {
    term: "PMF",
    definition: "Probability mass function: the list of probabilities the entropy model gives to each symbol value of a channel.",
  },
  "entropy-coder": {
    term: "entropy coder",
    definition: "Turns symbols into as few bits as their probabilities allow (about −log₂ P bits per symbol), and back again without loss.",
  },
  rans: {
    term: "rANS",
    definition:
      "Range asymmetric numeral systems: the entropy coder used here. It packs symbols into one integer state and writes bytes as the state grows, within a few bytes of the entropy model's estimate.",
  },
  "estimated-bits": {
    term: "estimated bits",
    definition: "The sum of −log₂ P(symbol) under the entropy model: the size an ideal coder would reach. The real payload is a few bytes more.",
  },
  bitstream: {
    term: "bitstream",
    definition: "The real bytes sent from device to server for one input: the entropy coder's payload inside a small container.",
  },
  framing: {
    term: "framing",
    definition:
      "The bytes around the payload that let the server read it (the header and the checksum): a magic word, version and model ids, the payload's length and a checksum (CRC). They cost a fixed few bytes per input.",
  },
  lambda: {
    term: "lambda (λ)",
    definition:
      "The price of a bit during training: the unit minimises distortion + λ × rate. A large λ buys few bytes, a small one buys quality; it is the slope of the RD curve where the unit sits.",
  },
  rate: {
    term: "rate",
    definition: "How much is sent, in bytes (or bits) per input. Each rate level here is one unit trained with its own λ and step.",
  },
  "rate-level": {
    term: "rate level",
    definition: "One of the units trained for a split point, named r0 (fewest bytes) upwards; each has its own λ and quantizer step.",
  },
  distortion: {
    term: "distortion",
    definition: "How far what the server gets is from what the head produced; measured here as feature MSE, and in the end by the tail's answer.",
  },
  "feature-mse": {
    term: "feature MSE",
    definition: "Mean squared error between the head's output and the server's reconstruction of it, over every value of the cut tensor.",
  },
  psnr: {
    term: "PSNR",
    definition: "Peak signal-to-noise ratio in decibels: the feature MSE on a log scale relative to the largest value; higher means a closer reconstruction.",
  },
  "rd-curve": {
    term: "RD curve",
    definition: "Rate against distortion (or accuracy) for every setting of a method. A curve further up and to the left gives more quality for fewer bytes.",
  },
  "bd-rate": {
    term: "BD-rate",
    definition:
      "Bjøntegaard delta rate: how many percent more or fewer bytes one RD curve needs than another at equal quality, averaged over the quality range both reach.",
  },
  accuracy: {
    term: "accuracy",
    definition: "The share of held-out inputs whose top class equals the true label.",
  },
  agreement: {
    term: "agreement",
    definition: "Whether the split model (decoded bitstream) gives the same answer as the whole, unsplit model on the same input.",
  },
  map: {
    term: "mAP",
    definition:
      "Mean average precision: for a detector, how well its boxes match reference boxes, averaged over classes; mAP@0.5 counts a box as found when it overlaps its reference by at least half.",
  },
  baseline: {
    term: "sending the image",
    definition: "The simplest alternative to a split: compress the input picture (PNG, JPEG, WebP) and run the whole model on the server.",
  },
  "quant-rans": {
    term: "quantizing without a unit",
    definition: "The split tensor quantized and entropy coded directly, without a trained bottleneck unit: shows what the unit itself adds.",
  },
  "client-share": {
    term: "device share",
    definition: "The fraction of the model's multiply-accumulates that runs on the device: the head's, over the whole model's.",
  },
  prediction: {
    term: "prediction",
    definition: "The tail's answer: class probabilities for the digits, boxes with classes for the detector.",
  },
} satisfies Record<string, GlossaryEntry>;

export type TermId = keyof typeof GLOSSARY;

export function isTermId(id: string): id is TermId {
  return Object.hasOwn(GLOSSARY, id);
}

/** A piece of teaching text: plain words, or words that stand for a glossary term. */
export type TextPart = { text: string } | { text: string; term: TermId };

/**
 * Teaching text marks its terms as [[term-id]] (shown as the term's own words) or [[term-id|shown words]]. This
 * splits such text into parts; a mark naming no glossary term throws, so a typo cannot reach the page silently.
 */
export function termParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  const re = /\[\[([a-z0-9-]+)(?:\|([^\]]+))?\]\]/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    const id = m[1];
    if (!isTermId(id)) throw new Error(`"${id}" is not in the glossary (in: ${text.slice(0, 60)}…)`);
    parts.push({ text: m[2] ?? GLOSSARY[id].term, term: id });
    last = re.lastIndex;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

/** Every term id a text marks, valid or not (for tests). */
export function markedTerms(text: string): string[] {
  return [...text.matchAll(/\[\[([^\]|]+)(?:\|[^\]]+)?\]\]/g)].map((m) => m[1]);
}

/** The text as read aloud or searched: marks replaced by their words. */
export function plainText(text: string): string {
  return termParts(text)
    .map((p) => p.text)
    .join("");
}

/**
 * The teaching content as data: every glossary mark in the lesson and the step-through names a real term, every
 * lesson step's view exists in the shipped manifests and samples, and every step's text is filled with figures
 * read from the manifest and the RD file (no placeholders, no NaN), as is every stage's text for a run.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validateManifest, type ModelManifest } from "@/lib/models/manifest";
import type { RdFile } from "@/lib/metrics/rd-schema";
import { GLOSSARY, isTermId, markedTerms, plainText, termParts } from "@/lib/teaching/glossary";
import { fixed, int } from "@/lib/teaching/format";
import { LESSON, lessonStepOf, type LessonContext } from "@/lib/teaching/lesson";
import type { RunFacts } from "@/lib/teaching/run-facts";
import { PANELS, STAGES } from "@/lib/teaching/stages";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const read = (p: string) => JSON.parse(readFileSync(path.join(ROOT, p), "utf8"));
const index = read("public/models/index.json") as { models: { id: string; manifest: string }[] };
const manifests = new Map<string, ModelManifest>(index.models.map((m) => [m.id, validateManifest(read(`public/${m.manifest}`))]));
const samplesOf = (id: string) => (read(`public/models/${id}/samples.json`) as { samples: { id: string }[] }).samples.map((s) => s.id);
const rdOf = (id: string) => read(`public/rd/${id}.json`) as RdFile;

/** A run of stage2/r1 with figures a test can recognise in the text. */
const facts: RunFacts = {
  task: "classification",
  splitId: "stage2",
  rateId: "r1",
  inputShape: [28, 28, 1],
  featureShapes: [[14, 14, 32]],
  featureValues: 6272,
  latentShapes: [[7, 7, 12]],
  latentValues: 588,
  symbols: 588,
  step: 10,
  lambda: 9e-4,
  estimatedBits: 321.5,
  payloadBytes: 43,
  bytes: 54,
  float32Bytes: 25088,
  featureMse: 0.0123,
  featurePsnr: 27.25,
  ms: { head: 1.5, buEncoder: 0.25, entropyEncode: 0.125, entropyDecode: 0.375, buDecoder: 0.5, tail: 0.75, unsplit: 2 },
  answer: "9",
  unsplitAnswer: "9",
  agree: true,
};

function expectFilled(text: string, where: string) {
  expect(text, where).not.toMatch(/NaN|undefined|null|Infinity|\$\{|\{\{/);
  expect(() => termParts(text), where).not.toThrow();
  expect(plainText(text), where).not.toContain("[[");
}

const sentences = (text: string) =>
  plainText(text)
    .split(/(?<=[.?!])\s+(?=[A-Z0-9[])/)
    .filter((s) => s.trim()).length;

describe("the glossary", () => {
  it("has a short definition for every term", () => {
    for (const [id, e] of Object.entries(GLOSSARY)) {
      expect(e.term.length, id).toBeGreaterThan(0);
      expect(e.definition.length, id).toBeGreaterThan(20);
      expect(e.definition.length, id).toBeLessThan(260);
    }
  });

  it("splits marked text into words and terms, and refuses a mark that names no term", () => {
    expect(termParts("The [[head]] and [[bu|the unit]].")).toEqual([
      { text: "The " },
      { text: "head", term: "head" },
      { text: " and " },
      { text: "the unit", term: "bu" },
      { text: "." },
    ]);
    expect(() => termParts("a [[nonsense]] term")).toThrow(/not in the glossary/);
  });

  it("defines every term the lesson and the step-through mark", () => {
    const digits = manifests.get("digits")!;
    const texts = [
      ...LESSON.flatMap((s) => [s.body({ manifest: digits, rd: rdOf("digits"), run: facts }), s.question({ manifest: digits, rd: rdOf("digits"), run: null })]),
      ...STAGES.flatMap((s) => [s.explain(facts), s.explain({ ...facts, agree: false, unsplitAnswer: "4" })]),
    ];
    const marked = texts.flatMap(markedTerms);
    expect(marked.length).toBeGreaterThan(20);
    expect(marked.filter((t) => !isTermId(t))).toEqual([]);
    for (const s of STAGES) expect(isTermId(s.term), s.id).toBe(true);
  });
});

describe("the step-through's stages", () => {
  it("walk the pipeline in order: tensor -> symbols -> bytes -> symbols -> tensor -> answer, each with its panel", () => {
    expect(STAGES.map((s) => s.id)).toEqual([
      "input",
      "head",
      "bu-encoder",
      "quantizer",
      "entropy-encoder",
      "wire",
      "entropy-decoder",
      "bu-decoder",
      "tail",
      "prediction",
    ]);
    const kinds = STAGES.map((s) => `${s.enters(facts).kind}>${s.leaves(facts).kind}`);
    expect(kinds).toEqual([
      "image>tensor",
      "tensor>tensor",
      "tensor>tensor",
      "tensor>symbols",
      "symbols>bytes",
      "bytes>bytes",
      "bytes>symbols",
      "symbols>tensor",
      "tensor>answer",
      "answer>answer",
    ]);
    // What leaves one stage enters the next.
    for (let i = 1; i < STAGES.length; i++) expect(STAGES[i].enters(facts), STAGES[i].id).toEqual(STAGES[i - 1].leaves(facts));
    for (const s of STAGES) expect(PANELS).toContain(s.panel);
  });

  it("fill their figures and text from the run", () => {
    for (const s of STAGES) {
      const text = s.explain(facts);
      expectFilled(text, s.id);
      expect(sentences(text), s.id).toBeGreaterThanOrEqual(1);
      expect(sentences(text), s.id).toBeLessThanOrEqual(3);
      expect(s.figure(facts), s.id).not.toBe("…");
      expect(s.figure(null), s.id).toBe("…");
    }
    const byId = Object.fromEntries(STAGES.map((s) => [s.id, s]));
    expect(byId.quantizer.figure(facts)).toBe("588 symbols");
    expect(byId.wire.figure(facts)).toBe("54 bytes");
    expect(byId["entropy-encoder"].explain(facts)).toContain("11 bytes of [[framing]]");
    expect(byId.head.time(facts)).toBe(1.5);
    expect(byId["bu-decoder"].explain(facts)).toContain("27.3 dB");
  });
});

describe("the lesson", () => {
  it("has at least seven steps, each a view that exists in the shipped models", () => {
    expect(LESSON.length).toBeGreaterThanOrEqual(7);
    for (const [i, step] of LESSON.entries()) {
      const where = `step ${i + 1}`;
      const m = manifests.get(step.view.model);
      expect(m, where).toBeTruthy();
      const split = m!.splits.find((s) => s.id === step.view.split);
      expect(split, where).toBeTruthy();
      expect(
        split!.rates.map((r) => r.id),
        where,
      ).toContain(step.view.rate);
      expect(samplesOf(step.view.model), where).toContain(step.view.sample);
      expect(PANELS, where).toContain(step.panel);
      if (step.stage)
        expect(
          STAGES.map((s) => s.id),
          where,
        ).toContain(step.stage);
    }
    // Each step changes the view or the panel it points at, so stepping always shows something new.
    for (let i = 1; i < LESSON.length; i++) {
      const [a, b] = [LESSON[i - 1], LESSON[i]];
      expect(JSON.stringify([a.view, a.panel]), `step ${i + 1}`).not.toBe(JSON.stringify([b.view, b.panel]));
    }
  });

  it("fills every step's 2-4 sentences and its question from the manifest and the RD file, with and without a live run", () => {
    for (const [i, step] of LESSON.entries()) {
      const m = manifests.get(step.view.model)!;
      const base: LessonContext = { manifest: m, rd: rdOf(step.view.model), run: null };
      const live = { ...facts, splitId: step.view.split, rateId: step.view.rate };
      for (const c of [base, { ...base, run: live }]) {
        const body = step.body(c);
        const where = `step ${i + 1}${c.run ? " (live)" : ""}`;
        expectFilled(body, where);
        expect(body, where).toMatch(/[0-9]/);
        expect(sentences(body), `${where}: ${plainText(body)}`).toBeGreaterThanOrEqual(2);
        expect(sentences(body), `${where}: ${plainText(body)}`).toBeLessThanOrEqual(4);
        const q = step.question(c);
        expectFilled(q, where);
        expect(q.trim().endsWith("?"), where).toBe(true);
      }
    }
  });

  it("reads its figures from the RD file: the frame step quotes the pooled cut's mean bytes, payload and estimated bits", () => {
    const rd = rdOf("digits");
    const step = LESSON.find((s) => s.view.split === "pooled")!;
    const p = rd.points.find((x) => x.method === "bu" && x.split === "pooled" && x.rate === step.view.rate)!;
    const body = step.body({ manifest: manifests.get("digits")!, rd, run: null });
    expect(body).toContain(`${fixed(p.bytesMean, 1)} bytes in all`);
    expect(body).toContain(`${fixed(p.payloadBytesMean!, 1)} bytes of payload`);
    expect(body).toContain(`${fixed(p.estimatedBitsMean!, 1)} bits`);
    // A live run of the step's own view adds its own figures.
    const live = step.body({ manifest: manifests.get("digits")!, rd, run: { ...facts, splitId: "pooled", rateId: step.view.rate } });
    expect(live).toContain(`became ${int(facts.bytes)} bytes`);
    // ...but a run of another view does not.
    expect(step.body({ manifest: manifests.get("digits")!, rd, run: facts })).not.toContain("became");
  });

  it("numbers its steps from 1 in the address", () => {
    expect(lessonStepOf("1")).toBe(1);
    expect(lessonStepOf(String(LESSON.length))).toBe(LESSON.length);
    for (const bad of ["0", String(LESSON.length + 1), "2x", "-1", "", undefined]) expect(lessonStepOf(bad)).toBeNull();
  });
});

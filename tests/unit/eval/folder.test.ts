import { describe, expect, it } from "vitest";
import { parseLabelsCsv, rdTable } from "@/lib/eval/folder";
import { NO_DETAILS, type RdFile } from "@/lib/metrics/rd-schema";

const CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

describe("labels CSV", () => {
  it("reads file,label rows in either column order, with CRLF and blank lines", () => {
    const a = parseLabelsCsv("file,label\r\na.png,7\r\n\r\nb.jpg, 0\n", CLASSES);
    expect(a.ok && [...a.labels]).toEqual([
      ["a.png", 7],
      ["b.jpg", 0],
    ]);
    const b = parseLabelsCsv("label,file,note\n3,c.webp,x\n", CLASSES);
    expect(b.ok && [...b.labels]).toEqual([["c.webp", 3]]);
  });

  it.each([
    ["", /empty/],
    ["name,class\na.png,1\n", /header file,label/],
    ["file,label\na.png,seven\n", /line 2: "seven" is not one of the model's classes/],
    ["file,label\na.png\n", /line 2 .* needs a file and a label/],
    ["file,label\na.png,1\na.png,2\n", /line 3: a.png is labelled twice/],
  ])("says what is wrong with %j", (text, message) => {
    const r = parseLabelsCsv(text, CLASSES);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});

describe("RD table", () => {
  const rd: RdFile = {
    model: "digits",
    dataset: { name: "folder x", count: 4, labelled: true },
    unsplit: { accuracy: 0.75 },
    generatedBy: { command: "c", seconds: 1, at: "t" },
    points: [
      { ...NO_DETAILS, method: "input-png", bytesMean: 200, bytesMedian: 200, accuracy: 0.75, agreement: 1 },
      { ...NO_DETAILS, method: "bu", split: "stem", rate: "r0", param: 0.1, bytesMean: 31.25, bytesMedian: 31, accuracy: 0.5, agreement: 0.75 },
    ],
  };

  it("lists the unsplit model, each baseline and each level with bytes, accuracy and agreement", () => {
    const lines = rdTable(rd).split("\n");
    expect(lines[0]).toBe("digits on folder x: 4 images");
    expect(lines[1]).toMatch(/^method\s+split\s+level\s+bytes \(mean\)\s+accuracy\s+agreement$/);
    expect(lines[2]).toMatch(/^unsplit\s+75\.00 %\s+100\.00 %$/);
    expect(lines[3]).toMatch(/^input-png\s+200\.0\s+75\.00 %\s+100\.00 %$/);
    expect(lines[4]).toMatch(/^bu\s+stem\s+r0\s+31\.3\s+50\.00 %\s+75\.00 %$/);
  });

  it("shows agreement as the quality without labels", () => {
    const lines = rdTable({ ...rd, dataset: { ...rd.dataset, labelled: false } }).split("\n");
    expect(lines[1]).toMatch(/agreement$/);
    expect(lines[1]).not.toMatch(/accuracy/);
    expect(lines[4]).toMatch(/^bu\s+stem\s+r0\s+31\.3\s+75\.00 %$/);
  });
});

describe("RD table of a detector", () => {
  const rd: RdFile = {
    model: "centernet",
    dataset: { name: "folder p", count: 2, boxes: 9 },
    unsplit: { accuracy: 1 },
    generatedBy: { command: "c", seconds: 1, at: "t" },
    points: [
      { ...NO_DETAILS, method: "input-jpeg", param: 50, bytesMean: 3000, bytesMedian: 3000, accuracy: 0.8, agreement: 0.8, map50: 0.8, map5095: 0.6 },
      {
        ...NO_DETAILS,
        method: "bu",
        split: "head-taps",
        rate: "r0",
        bytesMean: 1000,
        bytesMedian: 1000,
        accuracy: 0.7,
        agreement: 0.7,
        map50: 0.7,
        map5095: 0.5,
      },
    ],
    bdRates: [
      { split: "head-taps", against: "input-jpeg", metric: "map50", rate: -0.254, range: [0.3, 0.8] },
      { split: "head-taps", against: "input-webp", metric: "map50", rate: null, range: null },
    ],
  };

  it("shows mAP@0.5 and mAP@[.5:.95], the reference boxes and the BD-rates", () => {
    const lines = rdTable(rd).split("\n");
    expect(lines[0]).toBe("centernet on folder p: 2 images, 9 reference boxes");
    expect(lines[1]).toMatch(/^method\s+split\s+level\s+bytes \(mean\)\s+mAP@0\.5\s+mAP@\[\.5:\.95\]$/);
    expect(lines[3]).toMatch(/^input-jpeg\s+q 50\s+3000\.0\s+80\.00 %\s+60\.00 %$/);
    expect(lines[4]).toMatch(/^bu\s+head-taps\s+r0\s+1000\.0\s+70\.00 %\s+50\.00 %$/);
    expect(lines[5]).toBe("BD-rate head-taps vs input-jpeg: -25.4 % bytes at equal map50 (over 0.300-0.800)");
    expect(lines[6]).toBe("BD-rate head-taps vs input-webp: no common map50 range");
  });
});

import { describe, expect, it } from "vitest";
import { parseOptions, UsageError } from "@/scripts/args";

const spec = {
  split: { type: "string", help: "" },
  "steps-scale": { type: "number", min: 0, help: "" },
  crops: { type: "number", min: 1, integer: true, help: "" },
  json: { type: "boolean", help: "" },
} as const;

describe("script options", () => {
  it("reads strings, numbers and flags", () => {
    expect(parseOptions(spec, ["--split", "stem", "--steps-scale", "0.5", "--crops=12", "--json"])).toEqual({
      split: "stem",
      "steps-scale": 0.5,
      crops: 12,
      json: true,
    });
    expect(parseOptions(spec, [])).toEqual({});
  });

  it("refuses a mistyped option instead of running with the defaults", () => {
    expect(() => parseOptions(spec, ["--step-scale", "0.1"])).toThrow(UsageError);
    expect(() => parseOptions(spec, ["--step-scale", "0.1"])).toThrow(/step-scale/);
  });

  it("refuses a missing value, a non-number, a number out of range and a fraction where an integer is due", () => {
    expect(() => parseOptions(spec, ["--steps-scale"])).toThrow(/argument missing/);
    expect(() => parseOptions(spec, ["--steps-scale", "abc"])).toThrow(/wants a number/);
    expect(() => parseOptions(spec, ["--steps-scale=-1"])).toThrow(/in \[0, inf\]/);
    expect(() => parseOptions(spec, ["--crops", "2.5"])).toThrow(/an integer/);
    expect(() => parseOptions(spec, ["stray"])).toThrow(UsageError);
  });
});

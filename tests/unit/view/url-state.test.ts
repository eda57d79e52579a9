import { describe, expect, it } from "vitest";
import type { ModelManifest } from "@/lib/models/manifest";
import { LESSON } from "@/lib/teaching/lesson";
import { readSettings, resolveModel, resolveSettings, settingsToSearch, type ViewSettings } from "@/lib/view/url-state";

/** A manifest with just what settings need: splits with rate levels, a name. */
function manifest(defaultView?: ModelManifest["defaultView"]): ModelManifest {
  const rates = ["r0", "r1", "r2", "r3"].map((id, index) => ({ id, index })) as ModelManifest["splits"][number]["rates"];
  const splits = ["a", "b", "c"].map((id, index) => ({ id, index, label: `Split ${id.toUpperCase()}`, rates })) as ModelManifest["splits"];
  return { id: "m", name: "Model M", splits, defaultView } as ModelManifest;
}
const samples = [
  { id: "s0", label: "zero" },
  { id: "s1", label: "one" },
];

describe("view settings in the address", () => {
  it("round-trips every field", () => {
    const s: ViewSettings = { model: "digits", split: "stage2", rate: "r3", sample: "test-7", backend: "wasm" };
    expect(readSettings(settingsToSearch(s))).toEqual(s);
  });

  it("leaves the automatic backend out of the link", () => {
    const search = settingsToSearch({ model: "digits", split: "stem", rate: "r0", sample: "draw", backend: "auto" });
    expect(search).not.toContain("backend");
    expect(readSettings(search).backend).toBeUndefined();
  });

  it("drops empty values and keeps the rest as written, for resolveSettings to check", () => {
    expect(readSettings("?backend=quantum&split=&rate=r9&model=digits")).toEqual({ backend: "quantum", rate: "r9", model: "digits" });
  });

  it("escapes ids so any id survives the trip", () => {
    const s: ViewSettings = { model: "a b&c", split: "x=y", rate: "r/1", sample: "é", backend: "cpu" };
    expect(readSettings(settingsToSearch(s))).toEqual(s);
  });
});

describe("resolving what the address asks for", () => {
  it("fills in what it lacks without a word: the model's default view, else the middle split and rate, the first sample", () => {
    expect(resolveSettings({}, manifest(), samples, null)).toEqual({
      settings: { model: "m", split: "b", rate: "r1", sample: "s0", backend: "auto" },
      notices: [],
    });
    expect(resolveSettings({}, manifest({ split: "c" }), samples, null).settings).toMatchObject({ split: "c", rate: "r1" });
    expect(resolveSettings({}, manifest({ split: "c", rate: "r3" }), samples, null).settings).toMatchObject({ split: "c", rate: "r3" });
    // The default rate of the default view applies to that split only.
    expect(resolveSettings({ split: "a" }, manifest({ split: "c", rate: "r3" }), samples, null).settings).toMatchObject({ split: "a", rate: "r1" });
  });

  it("says what it replaced for every unknown value", () => {
    const { settings, notices } = resolveSettings({ split: "zz", rate: "r9", sample: "cat", backend: "quantum" }, manifest(), samples, null);
    expect(settings).toEqual({ model: "m", split: "b", rate: "r1", sample: "s0", backend: "auto" });
    expect(notices).toEqual([
      'The address asks for the split point "zz", which Model M does not have; showing "Split B" instead.',
      'The address asks for the rate level "r9", which "Split B" does not have; showing r1 instead.',
      'The address asks for the sample "cat", which Model M does not have; showing sample s0 instead.',
      'The address asks for the backend "quantum", which does not exist; choosing one automatically instead.',
    ]);
    expect(resolveModel({ model: "nope" }, [{ id: "m", name: "Model M" }])).toEqual({
      model: "m",
      notice: 'The address asks for the model "nope", which this site does not have; showing Model M instead.',
    });
    expect(
      resolveModel({ model: "m" }, [
        { id: "x", name: "X" },
        { id: "m", name: "Model M" },
      ]),
    ).toEqual({ model: "m", notice: null });
  });

  it("keeps an upload or drawing this tab holds, and explains a link made with one elsewhere", () => {
    expect(resolveSettings({ sample: "upload" }, manifest(), samples, "upload")).toMatchObject({ settings: { sample: "upload" }, notices: [] });
    expect(resolveSettings({ sample: "draw" }, manifest(), samples, "upload").notices).toEqual([
      "This link was made with a drawing, which stays in the browser that made it; showing sample s0 (zero) instead.",
    ]);
  });

  it("opens a lesson step with its own view for whatever the address does not name, and keeps the presentation flag", () => {
    const step = LESSON[2];
    expect(readSettings("?lesson=3&present=1")).toEqual({ ...step.view, lesson: "3", present: "1" });
    // What the address names wins; the step's split and level only apply to its own model and split.
    expect(readSettings(`?lesson=3&split=other`)).toEqual({ model: step.view.model, split: "other", sample: step.view.sample, lesson: "3" });
    expect(readSettings("?lesson=99")).toEqual({ lesson: "99" });
    const s: ViewSettings = { model: "digits", split: "stage2", rate: "r3", sample: "test-7", backend: "wasm", lesson: "2", present: "1" };
    expect(readSettings(settingsToSearch(s))).toEqual(s);
  });

  it("checks the lesson step and the presentation flag", () => {
    const good = resolveSettings({ lesson: "2", present: "1" }, manifest(), samples, null);
    expect(good.settings).toMatchObject({ lesson: "2", present: "1" });
    expect(good.notices).toEqual([]);
    const bad = resolveSettings({ lesson: "0", present: "yes" }, manifest(), samples, null);
    expect(bad.settings.lesson).toBeUndefined();
    expect(bad.settings.present).toBeUndefined();
    expect(bad.notices).toEqual([`The address asks for lesson step "0"; the lesson has steps 1 to ${LESSON.length}.`]);
  });
});

import { describe, expect, it } from "vitest";
import { readSettings, settingsToSearch, type ViewSettings } from "@/lib/view/url-state";

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

  it("ignores an unknown backend and empty values, keeps the rest for the caller to check", () => {
    expect(readSettings("?backend=quantum&split=&rate=r9&model=digits")).toEqual({ rate: "r9", model: "digits" });
  });

  it("escapes ids so any id survives the trip", () => {
    const s: ViewSettings = { model: "a b&c", split: "x=y", rate: "r/1", sample: "é", backend: "cpu" };
    expect(readSettings(settingsToSearch(s))).toEqual(s);
  });
});

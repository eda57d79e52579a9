import { describe, expect, it } from "vitest";
import { backendOrder } from "@/lib/tf/browser-backend";

describe("the backend order", () => {
  it("tries webgl first on a real GPU, and when nothing can be read about the renderer", () => {
    expect(backendOrder(undefined, "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0)")).toEqual({
      order: ["webgl", "wasm", "cpu"],
      demoted: [],
    });
    expect(backendOrder(undefined, null).order).toEqual(["webgl", "wasm", "cpu"]);
  });

  it("puts software WebGL last and says why", () => {
    for (const renderer of [
      "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)",
      "llvmpipe (LLVM 15.0.6, 256 bits)",
      "Microsoft Basic Render Driver",
    ]) {
      const { order, demoted } = backendOrder(undefined, renderer);
      expect(order).toEqual(["wasm", "cpu", "webgl"]);
      expect(demoted).toHaveLength(1);
      expect(demoted[0].backend).toBe("webgl");
      expect(demoted[0].reason).toMatch(/^WebGL renders in software here \((SwiftShader|llvmpipe|Microsoft Basic Render)\), where wasm is faster$/);
    }
  });

  it("honours an explicit choice, software or not", () => {
    expect(backendOrder("webgl", "SwiftShader")).toEqual({ order: ["webgl", "wasm", "cpu"], demoted: [] });
    expect(backendOrder("cpu", null).order).toEqual(["cpu", "webgl", "wasm"]);
  });
});

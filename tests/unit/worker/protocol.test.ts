import { describe, expect, it } from "vitest";
import { transferablesOf } from "@/lib/worker/protocol";

describe("transferablesOf", () => {
  it("finds every typed array's buffer once, however deeply nested", () => {
    const shared = new Float32Array(8);
    const view = new Uint8Array(shared.buffer, 4, 8);
    const other = new Int32Array(3);
    const found = transferablesOf({ a: shared, nested: { list: [view, other, 7, "x", null] }, raw: other.buffer });
    expect(found).toHaveLength(2);
    expect(found).toContain(shared.buffer);
    expect(found).toContain(other.buffer);
  });

  it("returns nothing for plain data and skips shared memory and DataViews", () => {
    expect(transferablesOf({ id: 1, shape: [2, 3], name: "x" })).toEqual([]);
    expect(transferablesOf(new Float32Array(new SharedArrayBuffer(16)))).toEqual([]);
    expect(transferablesOf(new DataView(new ArrayBuffer(4)))).toEqual([]);
  });
});

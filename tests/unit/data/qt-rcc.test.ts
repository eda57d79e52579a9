import { deflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readQtRcc } from "@/lib/data/qt-rcc";

type Tree = { [name: string]: Tree | { bytes: Uint8Array; compress?: boolean } };
const isFile = (t: Tree[string]): t is { bytes: Uint8Array; compress?: boolean } => "bytes" in t;

/** A minimal writer of Qt's rcc layout (breadth-first nodes, as rcc lays them out), for the reader to read back. */
function writeRcc(root: Tree, version: 1 | 2 | 3): Uint8Array {
  const nodeSize = version === 1 ? 14 : 22;
  const names: number[] = [];
  const data: number[] = [];
  const u16 = (a: number[], v: number) => a.push((v >> 8) & 255, v & 255);
  const u32 = (a: number[], v: number) => a.push((v >>> 24) & 255, (v >> 16) & 255, (v >> 8) & 255, v & 255);
  const nameOffset = (s: string) => {
    const at = names.length;
    u16(names, s.length);
    u32(names, 0);
    for (const ch of s) u16(names, ch.charCodeAt(0));
    return at;
  };
  const nodes: number[][] = [];
  const queue: { name: string; node: Tree | { bytes: Uint8Array; compress?: boolean } }[] = [{ name: "", node: root }];
  // Breadth-first: a directory's children sit in consecutive slots.
  let next = 1;
  for (let i = 0; i < queue.length; i++) {
    const { name, node } = queue[i];
    const n: number[] = [];
    u32(n, i === 0 ? 0 : nameOffset(name));
    if (isFile(node)) {
      u16(n, node.compress ? 1 : 0);
      u16(n, 0);
      u16(n, 0);
      u32(n, data.length);
      const payload = node.compress ? [0, 0, 0, node.bytes.length, ...deflateSync(node.bytes)] : [...node.bytes];
      u32(data, payload.length);
      data.push(...payload);
    } else {
      const children = Object.entries(node);
      u16(n, 2);
      u32(n, children.length);
      u32(n, next);
      next += children.length;
      for (const [k, v] of children) queue.push({ name: k, node: v });
    }
    while (n.length < nodeSize) n.push(0);
    nodes.push(n);
  }
  const header: number[] = [..."qres"].map((c) => c.charCodeAt(0));
  const headerSize = version === 3 ? 24 : 20;
  const tree = headerSize;
  const dataAt = tree + nodes.length * nodeSize;
  const namesAt = dataAt + data.length;
  u32(header, version);
  u32(header, tree);
  u32(header, dataAt);
  u32(header, namesAt);
  if (version === 3) u32(header, 0);
  return Uint8Array.from([...header, ...nodes.flat(), ...data, ...names]);
}

describe("Qt resource bundles", () => {
  const photo = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
  const tree: Tree = {
    gcompris: { src: { "a.webp": { bytes: photo, compress: true }, "b.txt": { bytes: new TextEncoder().encode("plain") } } },
    "top.bin": { bytes: Uint8Array.of(1, 2, 3) },
  };

  it.each([1, 2, 3] as const)("reads every file of a version %i bundle, compressed or not, with its path", (version) => {
    const files = readQtRcc(writeRcc(tree, version));
    expect([...files.keys()].sort()).toEqual(["gcompris/src/a.webp", "gcompris/src/b.txt", "top.bin"]);
    expect(files.get("gcompris/src/a.webp")).toEqual(photo);
    expect(new TextDecoder().decode(files.get("gcompris/src/b.txt"))).toBe("plain");
    expect(files.get("top.bin")).toEqual(Uint8Array.of(1, 2, 3));
  });

  it("refuses what is not a bundle, or is cut short, with a sentence", () => {
    expect(() => readQtRcc(new TextEncoder().encode("PK\u0003\u0004 not a bundle at all"))).toThrow(/not a Qt resource file/);
    const whole = writeRcc(tree, 3);
    expect(() => readQtRcc(whole.subarray(0, whole.length - 10))).toThrow(/truncated/);
    expect(() => readQtRcc(whole.subarray(0, 12))).toThrow(/truncated header/);
  });
});

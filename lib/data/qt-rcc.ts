/**
 * Reads a Qt resource bundle (.rcc, the binary `rcc` writes; GCompris ships its activities' pictures this way) into
 * its files, so the photo set can name a picture inside one. Format (Qt's rcc, versions 1-3, big-endian): "qres",
 * version, then the offsets of the tree, the data and the names (version 3 adds a flags word). A tree node is 14
 * bytes (22 from version 2: a last-modified time follows): name offset (u32), flags (u16), then for a directory its
 * child count and first child index, for a file its locale (u16 x 2) and data offset (u32). A name is its length
 * (u16), a hash (u32) and UTF-16 characters; a file's data is its length (u32) and bytes, zlib-compressed after a
 * 4-byte length when flag 1 is set. Zstandard-compressed entries (flag 4) are refused with a sentence.
 */
import { inflateSync } from "node:zlib";

const COMPRESSED = 1;
const DIRECTORY = 2;
const COMPRESSED_ZSTD = 4;

/** Every file of the bundle, path (from its root, "/"-separated, no leading slash) -> bytes. */
export function readQtRcc(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (end: number, what: string) => {
    if (end > bytes.length) throw new Error(`qt-rcc: truncated ${what}`);
  };
  need(20, "header");
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== "qres") throw new Error("qt-rcc: not a Qt resource file (no qres magic)");
  const version = view.getUint32(4);
  if (version < 1 || version > 3) throw new Error(`qt-rcc: unknown version ${version}`);
  const tree = view.getUint32(8);
  const data = view.getUint32(12);
  const names = view.getUint32(16);
  const nodeSize = version === 1 ? 14 : 22;
  const nameAt = (offset: number) => {
    const o = names + offset;
    need(o + 6, "name");
    const n = view.getUint16(o);
    need(o + 6 + 2 * n, "name");
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(view.getUint16(o + 6 + 2 * i));
    return s;
  };
  const files = new Map<string, Uint8Array>();
  const walk = (index: number, prefix: string, depth: number) => {
    if (depth > 64) throw new Error("qt-rcc: directory tree too deep");
    const o = tree + index * nodeSize;
    need(o + 14, "tree");
    const flags = view.getUint16(o + 4);
    const name = index === 0 ? "" : nameAt(view.getUint32(o));
    const here = prefix && name ? `${prefix}/${name}` : prefix || name;
    if (flags & DIRECTORY) {
      const count = view.getUint32(o + 6);
      const first = view.getUint32(o + 10);
      for (let c = first; c < first + count; c++) walk(c, here, depth + 1);
      return;
    }
    if (flags & COMPRESSED_ZSTD) throw new Error(`qt-rcc: ${here} is zstd-compressed, which this reader does not handle`);
    const d = data + view.getUint32(o + 10);
    need(d + 4, "data");
    const size = view.getUint32(d);
    need(d + 4 + size, "data");
    const raw = bytes.subarray(d + 4, d + 4 + size);
    // qCompress: a 4-byte big-endian uncompressed length, then a zlib stream.
    files.set(here, flags & COMPRESSED ? new Uint8Array(inflateSync(raw.subarray(4))) : raw.slice());
  };
  walk(0, "", 0);
  return files;
}

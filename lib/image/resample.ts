/**
 * The one resampler: area averaging. Each output pixel is the mean of the source area it covers, fractional
 * pixels weighted by the part covered, so a 6000-pixel photo shrinks to 28 pixels without aliasing and
 * integer ratios give exact block means. Pure arithmetic in a fixed order, so Node and every browser get the same
 * bytes. Upscaling repeats pixels (blending at the seams): fine for the rare picture smaller than the model input.
 */
import type { RgbaImage } from "./rgba";

/** A region of the source in pixel units; it may be fractional and reach past the edges. */
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** For each of n output cells over [start, start + length): the source indices it covers (-1 = outside) and weights. */
function cover(start: number, length: number, n: number, size: number): { index: Int32Array; weight: Float64Array; first: Int32Array } {
  const index: number[] = [];
  const weight: number[] = [];
  const first = new Int32Array(n + 1);
  const step = length / n;
  for (let i = 0; i < n; i++) {
    first[i] = index.length;
    const lo = start + i * step;
    const hi = start + (i + 1) * step;
    for (let s = Math.floor(lo); s < hi; s++) {
      const w = Math.min(hi, s + 1) - Math.max(lo, s);
      if (w <= 0) continue;
      index.push(s >= 0 && s < size ? s : -1);
      weight.push(w);
    }
  }
  first[n] = index.length;
  return { index: Int32Array.from(index), weight: Float64Array.from(weight), first };
}

/**
 * The `rect` of an opaque RGBA picture (alpha is ignored) resampled to outW x outH RGB bytes; source area outside
 * the picture reads as `fill` (RGB).
 */
export function resampleArea(img: RgbaImage, rect: Rect, outW: number, outH: number, fill: [number, number, number] = [0, 0, 0]): Uint8Array {
  if (!(rect.w > 0 && rect.h > 0 && outW >= 1 && outH >= 1)) throw new RangeError("resampleArea: empty region or output");
  const xs = cover(rect.x, rect.w, outW, img.width);
  const ys = cover(rect.y, rect.h, outH, img.height);
  const src = img.data;
  const acc = new Float64Array(outW * outH * 3);
  const row = new Float64Array(outW * 3);
  // Source rows in order: each is resampled across once, then added into the output rows that cover it.
  const rowsOf = new Map<number, { j: number; w: number }[]>();
  for (let j = 0; j < outH; j++) {
    for (let t = ys.first[j]; t < ys.first[j + 1]; t++) {
      const s = ys.index[t];
      let list = rowsOf.get(s);
      if (!list) rowsOf.set(s, (list = []));
      list.push({ j, w: ys.weight[t] });
    }
  }
  const fillRow = new Float64Array(outW * 3);
  for (let i = 0; i < outW; i++) {
    const area = xs.weight.subarray(xs.first[i], xs.first[i + 1]).reduce((a, b) => a + b, 0);
    for (let k = 0; k < 3; k++) fillRow[3 * i + k] = fill[k] * area;
  }
  for (const [s, targets] of rowsOf) {
    let line = fillRow;
    if (s >= 0) {
      const base = s * img.width * 4;
      for (let i = 0; i < outW; i++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let t = xs.first[i]; t < xs.first[i + 1]; t++) {
          const w = xs.weight[t];
          const x = xs.index[t];
          if (x < 0) {
            r += w * fill[0];
            g += w * fill[1];
            b += w * fill[2];
          } else {
            const p = base + 4 * x;
            r += w * src[p];
            g += w * src[p + 1];
            b += w * src[p + 2];
          }
        }
        row[3 * i] = r;
        row[3 * i + 1] = g;
        row[3 * i + 2] = b;
      }
      line = row;
    }
    for (const { j, w } of targets) {
      const o = j * outW * 3;
      for (let q = 0; q < outW * 3; q++) acc[o + q] += w * line[q];
    }
  }
  const out = new Uint8Array(outW * outH * 3);
  for (let j = 0; j < outH; j++) {
    let hArea = 0;
    for (let t = ys.first[j]; t < ys.first[j + 1]; t++) hArea += ys.weight[t];
    for (let i = 0; i < outW; i++) {
      let wArea = 0;
      for (let t = xs.first[i]; t < xs.first[i + 1]; t++) wArea += xs.weight[t];
      const o = 3 * (j * outW + i);
      for (let k = 0; k < 3; k++) out[o + k] = Math.min(255, Math.max(0, Math.round(acc[o + k] / (hArea * wArea))));
    }
  }
  return out;
}

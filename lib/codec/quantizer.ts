/** Uniform scalar quantizer: symbol = round(x / step); reconstruction = step * symbol. */

/** Largest symbol magnitude we produce; keeps escape coding and int32 arithmetic safe. */
export const MAX_SYMBOL = 2 ** 30;

function checkStep(step: number): void {
  if (!(step > 0) || !Number.isFinite(step)) throw new RangeError(`quantizer step must be positive, got ${step}`);
}

export function quantize(values: ArrayLike<number>, step: number): Int32Array {
  checkStep(step);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    // Divide rather than multiply by 1 / step: for a subnormal step that reciprocal overflows to Infinity.
    const v = values[i] / step;
    // NaN maps to 0; infinities and huge values saturate instead of wrapping around.
    const r = Number.isNaN(v) ? 0 : Math.round(v);
    out[i] = r > MAX_SYMBOL ? MAX_SYMBOL : r < -MAX_SYMBOL ? -MAX_SYMBOL : r;
  }
  return out;
}

export function dequantize(symbols: Int32Array, step: number): Float32Array {
  checkStep(step);
  const out = new Float32Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) out[i] = symbols[i] * step;
  return out;
}

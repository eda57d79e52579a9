/** Number formats for teaching text (lib/ cannot use the components' helpers). */
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export const int = (n: number): string => integer.format(n);

export const fixed = (n: number, digits: number): string => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const pct = (fraction: number, digits = 1): string => `${fixed(fraction * 100, digits)} %`;

/** A shape as people write it: 14×14×32. */
export const shape = (s: number[]): string => s.join("×");

export const count = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** Milliseconds with enough digits for sub-millisecond stages. */
export const ms = (v: number): string => `${v >= 10 ? fixed(v, 0) : v >= 1 ? fixed(v, 1) : fixed(v, 2)} ms`;

/** λ in a short scientific form: 3.27e-4. */
export const lambda = (v: number): string => v.toExponential(2);

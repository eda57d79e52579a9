/**
 * Command-line options of the Node scripts, parsed strictly (node:util parseArgs): an unknown option, a missing
 * value or a malformed number stops the script with its usage, instead of silently running with defaults.
 */
import { parseArgs } from "node:util";

export type OptionSpec = { type: "string" | "boolean"; help: string } | { type: "number"; help: string; min?: number; max?: number; integer?: boolean };

type Values<S extends Record<string, OptionSpec>> = {
  [K in keyof S]?: S[K]["type"] extends "boolean" ? boolean : S[K]["type"] extends "number" ? number : string;
};

export class UsageError extends Error {}

export function usageText(script: string, spec: Record<string, OptionSpec>): string {
  const lines = Object.entries(spec).map(([name, o]) => `  --${name}${o.type === "boolean" ? "" : ` <${o.type === "number" ? "n" : "value"}>`}  ${o.help}`);
  return `usage: npm run ${script} -- [options]\n${lines.join("\n")}`;
}

function toNumber(name: string, value: string, o: Extract<OptionSpec, { type: "number" }>): number {
  const n = Number(value);
  const ok = value.trim() !== "" && Number.isFinite(n) && (!o.integer || Number.isInteger(n)) && n >= (o.min ?? -Infinity) && n <= (o.max ?? Infinity);
  if (!ok) {
    const range = o.min !== undefined || o.max !== undefined ? ` in [${o.min ?? "-inf"}, ${o.max ?? "inf"}]` : "";
    throw new UsageError(`--${name} wants ${o.integer ? "an integer" : "a number"}${range}, not "${value}"`);
  }
  return n;
}

/** Parses `argv` against `spec`; throws UsageError for an unknown option, a missing value or a bad number. */
export function parseOptions<S extends Record<string, OptionSpec>>(spec: S, argv: string[]): Values<S> {
  const options = Object.fromEntries(Object.entries(spec).map(([name, o]) => [name, { type: o.type === "boolean" ? "boolean" : "string" }])) as Record<
    string,
    { type: "string" | "boolean" }
  >;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const out: Record<string, string | boolean | number | undefined> = { ...values };
  for (const [name, o] of Object.entries(spec)) {
    if (o.type === "number" && typeof values[name] === "string") out[name] = toNumber(name, values[name], o);
  }
  return out as Values<S>;
}

/** This process's options, or its usage on stderr and exit code 2; --help prints the usage and exits 0. */
export function readOptions<S extends Record<string, OptionSpec>>(script: string, spec: S): Values<S> {
  const all: Record<string, OptionSpec> = { ...spec, help: { type: "boolean", help: "print this text" } };
  try {
    const values = parseOptions(all, process.argv.slice(2));
    if (values.help) {
      console.log(usageText(script, all));
      process.exit(0);
    }
    return values as Values<S>;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${script}: ${e.message}\n${usageText(script, all)}`);
    process.exit(2);
  }
}

/** The npm command that ran this script, with its options, for training logs and RD files. */
export function commandLine(script: string): string {
  return `npm run ${script}${process.argv.length > 2 ? " -- " + process.argv.slice(2).join(" ") : ""}`;
}

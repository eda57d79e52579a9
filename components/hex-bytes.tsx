import { hexBytes } from "./format";

/** The first bytes of a bitstream, so people can see it is real (it starts with "SP", 53 50). */
export function HexBytes({ bytes, count = 32 }: { bytes: Uint8Array; count?: number }) {
  const shown = bytes.subarray(0, count);
  return (
    <figure className="mt-4">
      <figcaption className="text-xs uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
        First {shown.length} of {bytes.length} bytes
      </figcaption>
      <pre data-testid="hex-bytes" className="mt-1 whitespace-pre-wrap break-words rounded-md bg-zinc-100 px-3 py-2 font-mono text-sm dark:bg-zinc-900">
        {hexBytes(shown)}
        {bytes.length > shown.length ? " …" : ""}
      </pre>
    </figure>
  );
}

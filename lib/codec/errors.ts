/**
 * Every way a bitstream can be wrong, as a value the UI can show. Decoders throw only BitstreamError,
 * so callers can tell "this file is bad" apart from a bug.
 */
export type BitstreamErrorCode =
  | "bad-magic"
  | "unknown-version"
  | "truncated"
  | "trailing-bytes"
  | "checksum-mismatch"
  | "unknown-id"
  | "unknown-unit"
  | "shape-mismatch"
  | "table-mismatch"
  | "too-large"
  | "corrupt-payload";

const EXPLANATIONS: Record<BitstreamErrorCode, string> = {
  "bad-magic": "This is not a Splitscope bitstream (its first bytes are wrong).",
  "unknown-version": "This bitstream was written by a format version this app does not know.",
  truncated: "The bitstream is cut short: some of its bytes are missing.",
  "trailing-bytes": "The bitstream has extra bytes after its end.",
  "checksum-mismatch": "The bitstream is corrupt: its checksum does not match its contents.",
  "unknown-id": "The bitstream names a model, split point or rate level this app does not have.",
  "unknown-unit": "The bitstream was made with a fitted bottleneck unit that is not the one loaded here: load that unit (Load unit) to decode it.",
  "shape-mismatch": "The bitstream's tensor shape does not match what its model expects.",
  "table-mismatch": "The bitstream does not fit the entropy model it names.",
  "too-large": "The bitstream declares a size beyond any sane limit.",
  "corrupt-payload": "The bitstream's coded symbols do not decode cleanly.",
};

export class BitstreamError extends Error {
  readonly code: BitstreamErrorCode;
  constructor(code: BitstreamErrorCode, detail?: string) {
    super(detail ? `${EXPLANATIONS[code]} (${detail})` : EXPLANATIONS[code]);
    this.name = "BitstreamError";
    this.code = code;
  }
}

export function isBitstreamError(e: unknown): e is BitstreamError {
  return e instanceof BitstreamError;
}

/**
 * The largest file that can be a valid bitstream, from the container's own limits (lib/codec LIMITS): the decode
 * panel refuses anything larger by its size, before reading a byte of it.
 */
import { LIMITS } from "@/lib/codec";

/** A header integer is a varint of at most 5 bytes (readVarint stops there), padded or not. */
const VARINT_BYTES = 5;

export const MAX_STREAM_BYTES =
  3 + // magic "SP" and the version byte
  3 * VARINT_BYTES + // model, split, rate
  VARINT_BYTES + // number of explicit shapes
  LIMITS.maxTensors * (VARINT_BYTES + LIMITS.maxRank * VARINT_BYTES) + // each shape: rank and dimensions
  VARINT_BYTES + // payload length
  LIMITS.maxPayloadBytes +
  4; // CRC-32

/**
 * The link budget of split computing: for each split point, the time from the input on the device to the
 * answer on the server,
 *
 *   device compute (head + BU encoder + entropy coding) / device speed
 *   + transmission (bytes x 8 / uplink)
 *   + round trip
 *   + server compute (entropy decoding + BU decoder + tail) / server speed,
 *
 * beside two references: sending the image itself (encode on the device, decode + the whole model on the
 * server), and running the whole model on the device. Stage times are the ones measured in this browser; the
 * speed factors say how much faster (> 1) or slower (< 1) the device and the server are than this browser.
 */

export interface LinkParams {
  /** Uplink in kbit/s (1 kbit = 1000 bits). */
  uplinkKbps: number;
  roundTripMs: number;
  /** The device's speed relative to this browser (0.1: ten times slower). */
  deviceSpeed: number;
  serverSpeed: number;
}

/** What one way of getting the answer costs before the link is known: bytes sent and compute on each side. */
export interface Cost {
  id: string;
  name: string;
  bytes: number;
  /** Compute on the device and on the server as measured in this browser (ms). */
  deviceMs: number;
  serverMs: number;
}

export interface Latency {
  id: string;
  name: string;
  device: number;
  transmission: number;
  roundTrip: number;
  server: number;
  total: number;
}

/** Milliseconds to send `bytes` at `kbps` kbit/s. */
export function transmissionMs(bytes: number, kbps: number): number {
  return (bytes * 8) / kbps;
}

/** Why the link's figures cannot be used, as a sentence; null when they can. */
export function linkProblem(p: LinkParams): string | null {
  if (!(Number.isFinite(p.uplinkKbps) && p.uplinkKbps > 0)) return "The uplink must be a number of kbit/s above 0.";
  if (!(Number.isFinite(p.roundTripMs) && p.roundTripMs >= 0)) return "The round trip must be a number of milliseconds, 0 or more.";
  if (!(Number.isFinite(p.deviceSpeed) && p.deviceSpeed > 0)) return "The device speed must be a factor above 0 (1 = this browser).";
  if (!(Number.isFinite(p.serverSpeed) && p.serverSpeed > 0)) return "The server speed must be a factor above 0 (1 = this browser).";
  return null;
}

/** End-to-end latency of one way on one link. Nothing sent (all on the device) costs no transmission and no round trip. */
export function latencyOf(c: Cost, p: LinkParams): Latency {
  const sends = c.bytes > 0 || c.serverMs > 0;
  const device = c.deviceMs / p.deviceSpeed;
  const transmission = sends ? transmissionMs(c.bytes, p.uplinkKbps) : 0;
  const roundTrip = sends ? p.roundTripMs : 0;
  const server = c.serverMs / p.serverSpeed;
  return { id: c.id, name: c.name, device, transmission, roundTrip, server, total: device + transmission + roundTrip + server };
}

export interface Budget {
  splits: Latency[];
  references: Latency[];
  /** The split with the lowest latency (the first of equals), null without splits. */
  best: Latency | null;
  /** The reference that beats the best split, if one does (the fastest such). */
  beatenBy: Latency | null;
}

export function linkBudget(splits: Cost[], references: Cost[], p: LinkParams): Budget {
  const s = splits.map((c) => latencyOf(c, p));
  const r = references.map((c) => latencyOf(c, p));
  const best = s.reduce<Latency | null>((b, x) => (b === null || x.total < b.total ? x : b), null);
  const faster = best ? r.filter((x) => x.total < best.total).sort((a, b) => a.total - b.total) : [];
  return { splits: s, references: r, best, beatenBy: faster[0] ?? null };
}

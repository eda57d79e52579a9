/**
 * Downloads for the worker that check the HTTP status before reading a byte of the body and turn every failure
 * into a sentence naming the file: "Could not download the model weights (/models/centernet/centernet.bin): the
 * server answered HTTP 500 Internal Server Error." A download stopped through its AbortSignal throws Cancelled.
 */

/** A load failed; the message is a sentence for people, and the same request may be retried. */
export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LoadError";
  }
}

/** A newer request made this one pointless (another model was chosen while this one loaded). */
export class Cancelled extends Error {
  constructor(what = "This load") {
    super(`${what} was cancelled by a newer choice.`);
    this.name = "Cancelled";
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Cancelled();
}

/** "the model weights (/models/x.bin)": what a file is for, and where it is. */
export function describeFile(what: string, url: string): string {
  return `${what} (${url})`;
}

export async function fetchChecked(url: string, what: string, signal?: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal });
  } catch {
    throwIfCancelled(signal);
    throw new LoadError(`Could not download ${describeFile(what, url)}: the connection failed or was refused.`);
  }
  if (!res.ok) {
    void res.body?.cancel().catch(() => {});
    throw new LoadError(`Could not download ${describeFile(what, url)}: the server answered HTTP ${res.status}${res.statusText ? " " + res.statusText : ""}.`);
  }
  return res;
}

export async function fetchJson(url: string, what: string, signal?: AbortSignal): Promise<unknown> {
  const res = await fetchChecked(url, what, signal);
  let text: string;
  try {
    text = await res.text();
  } catch {
    throwIfCancelled(signal);
    throw new LoadError(`The download of ${describeFile(what, url)} was interrupted.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new LoadError(`${capitalize(describeFile(what, url))} could not be read: it is not valid JSON.`);
  }
}

/** The whole body, reporting bytes as they arrive (for a progress bar over several files). */
export async function fetchBytes(
  url: string,
  what: string,
  signal?: AbortSignal,
  onBytes?: (received: number, expected: number | null) => void,
): Promise<Uint8Array> {
  const res = await fetchChecked(url, what, signal);
  const length = Number(res.headers.get("content-length"));
  const expected = Number.isFinite(length) && length > 0 ? length : null;
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    if (!res.body) {
      const all = new Uint8Array(await res.arrayBuffer());
      chunks.push(all);
      received = all.length;
    } else {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.length;
        onBytes?.(received, expected);
      }
    }
  } catch {
    throwIfCancelled(signal);
    throw new LoadError(`The download of ${describeFile(what, url)} was interrupted after ${received.toLocaleString("en-US")} bytes.`);
  }
  if (expected !== null && received !== expected)
    throw new LoadError(`The download of ${describeFile(what, url)} is incomplete: ${received} of ${expected} bytes arrived.`);
  onBytes?.(received, expected);
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * A session per input: what a run of one image computes that no rate level changes, computed once and kept while
 * the input is in use: the input tensor, the head's output at each split point (as tensors for the BU encoder and,
 * once asked for, as plain arrays for the page), the unsplit model's output (the tail of the first head output),
 * and the input's size as JPEG (encoded once, never decoded, asked for apart from the runs). A rate change then runs only BU encoder -> coder -> decoder -> BU decoder -> tail.
 *
 * Sessions are keyed by a hash of the pixels, so the page needs no ids: the same pixels find the same session.
 * A store keeps the last few inputs of one loaded model; a session in use by a run is never evicted.
 */
import * as tf from "@tensorflow/tfjs";
import { jpegBytes } from "@/lib/baselines/image-codecs";
import type { Backbone } from "@/lib/models/backbone";
import type { ModelManifest, SplitPoint } from "@/lib/models/manifest";
import { runHead } from "@/lib/pipeline/run";
import { pixelsToInput } from "@/lib/view/samples";
import { counters } from "./counters";
import type { PlainTensor } from "./playground-protocol";

export const JPEG_QUALITY = 75;
/** Inputs kept per model: the current one, the previous one (back/forward), one more. */
export const SESSIONS_KEPT = 3;

/** A 53-bit hash of bytes (cyrb53): the session key of an input. */
export function hashBytes(bytes: Uint8Array): string {
  let h1 = 0xdeadbeef ^ bytes.length;
  let h2 = 0x41c6ce57 ^ bytes.length;
  for (let i = 0; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i], 2654435761);
    h2 = Math.imul(h2 ^ bytes[i], 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36) + ":" + bytes.length;
}

export interface HeadOutput {
  /** One tensor per cut tensor, batch of one; owned by the session. */
  features: tf.Tensor4D[];
  ms: number;
  /** Measured during the first run of its split point after loading (kernel setup included). */
  cold: boolean;
  /** The same values as plain arrays (batch axis dropped), read back on first request. */
  plain(): PlainTensor[];
}

export class InputSession {
  readonly key: string;
  users = 0;
  private readonly x: tf.Tensor4D;
  private readonly heads = new Map<number, Promise<HeadOutput>>();
  private unsplitOut: Promise<{ out: Float32Array; ms: number; cold: boolean }> | null = null;
  private jpeg: number | null = null;
  private disposed = false;

  constructor(
    private readonly manifest: ModelManifest,
    private readonly backbone: Backbone,
    private readonly pixels: Uint8Array,
    key: string,
  ) {
    this.key = key;
    const { height, width, channels } = manifest.input;
    this.x = tf.tensor4d(pixelsToInput(pixels, manifest.input), [1, height, width, channels]);
  }

  hasHead(split: number): boolean {
    return this.heads.has(split);
  }

  hasUnsplit(): boolean {
    return this.unsplitOut !== null;
  }

  /** The head's output at a split point, computed on first request (`cold`: by the first run of the split point). */
  head(split: SplitPoint, cold = false): Promise<HeadOutput> {
    let p = this.heads.get(split.index);
    if (!p) {
      counters.headRuns++;
      p = runHead(this.backbone, split, this.x).then(({ features, ms }) => {
        if (this.disposed) {
          tf.dispose(features);
          throw new Error("the input session was closed");
        }
        let plain: PlainTensor[] | null = null;
        return {
          features,
          ms,
          cold,
          // A copy: a backend may hand out its own storage, and the page's copy is transferred.
          plain: () => (plain ??= features.map((f) => ({ data: new Float32Array(f.dataSync()), shape: f.shape.slice(1) }))),
        };
      });
      p.catch(() => this.heads.delete(split.index));
      this.heads.set(split.index, p);
    }
    return p;
  }

  /**
   * The head's time at a split point measured again on warm kernels (its output thrown away): for a stage time to
   * budget with when the kept one includes one-time kernel setup.
   */
  async warmHeadMs(split: SplitPoint): Promise<number> {
    const { features, ms } = await runHead(this.backbone, split, this.x);
    tf.dispose(features);
    return ms;
  }

  /**
   * The unsplit model's first output, computed on first request as the tail of the head's output at `split` (the
   * same computation as the whole model: Backbone's tail(head(x)) is predict(x)), so the head runs once for both.
   * Its time is the head's plus that tail's. `cold`: computed by the first run after loading.
   */
  unsplit(split: SplitPoint, cold = false): Promise<{ out: Float32Array; ms: number; cold: boolean }> {
    if (!this.unsplitOut) {
      counters.unsplitRuns++;
      this.unsplitOut = (async () => {
        const head = await this.head(split, cold);
        const t = performance.now();
        const outputs = this.backbone.tail(head.features, split.tensors);
        try {
          const out = new Float32Array(await outputs[0].data());
          return { out, ms: head.ms + performance.now() - t, cold: cold || head.cold };
        } finally {
          tf.dispose(outputs);
        }
      })();
      this.unsplitOut.catch(() => (this.unsplitOut = null));
    }
    return this.unsplitOut;
  }

  /** The JPEG size if it has been computed (see jpegBytes), else null. */
  knownJpegBytes(): number | null {
    return this.jpeg;
  }

  /** The input's size as a JPEG at JPEG_QUALITY (what sending the image instead would cost). */
  jpegBytes(): number {
    if (this.jpeg === null) {
      counters.jpegEncodes++;
      const { width, height, channels } = this.manifest.input;
      this.jpeg = jpegBytes({ pixels: this.pixels, width, height, channels }, JPEG_QUALITY).length;
    }
    return this.jpeg;
  }

  dispose(): void {
    this.disposed = true;
    this.x.dispose();
    for (const p of this.heads.values())
      p.then(
        (h) => tf.dispose(h.features),
        () => {},
      );
    this.heads.clear();
  }
}

/** The sessions of one loaded model, most recently used last. */
export class SessionStore {
  private readonly sessions = new Map<string, InputSession>();

  constructor(
    private readonly manifest: ModelManifest,
    private readonly backbone: Backbone,
  ) {}

  /** The session of these pixels (opened if new), marked in use until release(). */
  acquire(pixels: Uint8Array): InputSession {
    const key = hashBytes(pixels);
    let s = this.sessions.get(key);
    if (s) this.sessions.delete(key);
    else s = new InputSession(this.manifest, this.backbone, pixels, key);
    this.sessions.set(key, s);
    s.users++;
    return s;
  }

  release(s: InputSession): void {
    s.users--;
    this.evict();
  }

  get size(): number {
    return this.sessions.size;
  }

  private evict(): void {
    for (const [key, s] of this.sessions) {
      if (this.sessions.size <= SESSIONS_KEPT) return;
      if (s.users > 0) continue;
      this.sessions.delete(key);
      s.dispose();
    }
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
  }
}

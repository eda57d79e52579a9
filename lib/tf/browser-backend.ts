/**
 * Picks and initialises a tfjs backend in the browser (main thread or Web Worker): webgl, then wasm, then cpu,
 * except where WebGL renders in software (SwiftShader, llvmpipe: virtual desktops, machines without a usable GPU),
 * where it is many times slower than wasm and is tried last. tfjs is imported dynamically here so nothing of it
 * runs during prerender; callers get the module back.
 */
export type Tf = typeof import("@tensorflow/tfjs");

export const BACKENDS = ["webgl", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === "string" && (BACKENDS as readonly string[]).includes(value);
}

export interface BackendFailure {
  backend: BackendName;
  reason: string;
}

export interface BrowserBackend {
  tf: Tf;
  backend: BackendName;
  /** Backends tried before the one in use, and why each was not used. */
  failures: BackendFailure[];
}

export interface BackendOptions {
  /** Tried first; the others still follow if it fails, and its failure is reported. */
  prefer?: BackendName;
  /** URL folder (ending in "/") holding the tfjs-backend-wasm*.wasm files. */
  wasmPath: string;
}

let wasmConfigured = false;

async function configureWasm(tf: Tf, wasmPath: string): Promise<void> {
  if (wasmConfigured) return;
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  // The threaded build needs cross-origin isolation and crashes under Next's bundling; one thread is enough.
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  wasm.setWasmPaths(wasmPath);
  wasmConfigured = true;
}

/** A backend can register fine and still fail on its first kernel (e.g. a WebGL context that is lost). */
async function probe(tf: Tf): Promise<void> {
  const t = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).sum());
  try {
    const [v] = await t.data();
    if (v !== 10) throw new Error(`a test sum gave ${v} instead of 10`);
  } finally {
    t.dispose();
  }
}

async function tryBackend(tf: Tf, name: BackendName, wasmPath: string): Promise<void> {
  if (name === "wasm") await configureWasm(tf, wasmPath);
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error("it could not be initialised in this browser");
  await tf.ready();
  await probe(tf);
}

function describe(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > 200 ? text.slice(0, 200) + "…" : text;
}

/** Renderer names of WebGL implemented on the CPU. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software rasterizer|microsoft basic render/i;

/** The WebGL renderer's name as the driver reports it, or null where there is no WebGL or it will not say. */
export function webglRenderer(): string | null {
  try {
    if (typeof OffscreenCanvas === "undefined") return null;
    const canvas = new OffscreenCanvas(1, 1);
    const gl = (canvas.getContext("webgl2") ?? canvas.getContext("webgl")) as WebGLRenderingContext | null;
    if (!gl) return null;
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension("WEBGL_lose_context")?.loseContext();
    return name;
  } catch {
    return null;
  }
}

/**
 * The order in which to try the backends, and the ones put back with the reason. An explicit preference is
 * honoured; otherwise software WebGL goes last.
 */
export function backendOrder(prefer: BackendName | undefined, renderer: string | null): { order: BackendName[]; demoted: BackendFailure[] } {
  if (prefer) return { order: [prefer, ...BACKENDS.filter((b) => b !== prefer)], demoted: [] };
  const software = renderer !== null ? SOFTWARE_RENDERER.exec(renderer) : null;
  if (!software) return { order: [...BACKENDS], demoted: [] };
  return {
    order: ["wasm", "cpu", "webgl"],
    demoted: [{ backend: "webgl", reason: `WebGL renders in software here (${software[0]}), where wasm is faster` }],
  };
}

export async function initBrowserBackend({ prefer, wasmPath }: BackendOptions): Promise<BrowserBackend> {
  const tf = await import("@tensorflow/tfjs");
  const { order, demoted } = backendOrder(prefer, prefer ? null : webglRenderer());
  const failures: BackendFailure[] = [];
  for (const name of order) {
    try {
      await tryBackend(tf, name, wasmPath);
      return { tf, backend: name, failures: [...demoted.filter((d) => d.backend !== name), ...failures] };
    } catch (e) {
      failures.push({ backend: name, reason: describe(e) });
    }
  }
  const detail = failures.map((f) => `${f.backend}: ${f.reason}`).join("; ");
  throw new Error(`No TensorFlow.js backend works in this browser (${detail}).`);
}

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { EngineError } from '../errors.ts';
import { ENGINE_MESSAGES } from '../messages.ts';

/** The JSON the Go engine takes: one whole chart tree. See go/src/quayside-engine/request.go. */
export interface EngineRequest {
  templates: Array<{ name: string; data: string; scope: number }>;
  scopes: Array<{
    chart: unknown;
    isRoot: boolean;
    /** Values as Go-typed JSON text (see encodeGoValues). */
    values: string;
    /** File contents, base64. */
    files: Record<string, string>;
    subcharts: Record<string, number>;
    basePath: string;
  }>;
  release: {
    name: string;
    namespace: string;
    revision: number;
    isInstall: boolean;
    isUpgrade: boolean;
    service: string;
  };
  capabilities: {
    kubeVersion: { version: string; major: string; minor: string };
    apiVersions: string[];
    helmVersion: Record<string, string>;
  };
  strict: boolean;
  splitManifests: boolean;
  /** Run Helm's own code paths beside the engine's shortcuts and fail on any difference (tests). */
  verifyShortcuts?: boolean;
}

export interface EngineDocument {
  content: string;
  apiVersion?: string;
  kind?: string;
  name?: string;
  annotations?: Record<string, string>;
  hasMetadata?: boolean;
}

export interface EngineFile {
  /** The rendered text; absent for manifest files, which come as documents. */
  content?: string;
  documents?: EngineDocument[];
  parseError?: string;
}

export interface EngineResponse {
  files?: Record<string, EngineFile>;
  error?: { kind: 'parse' | 'execute' | 'render' | 'internal'; message: string; template?: string };
  /** How often each shortcut was taken; only when the request set verifyShortcuts. */
  shortcuts?: { toYaml: number; heads: number };
}

type RenderFunction = (request: string) => string;

/** A live Go instance and the template digests it was last given. */
interface Engine {
  render: RenderFunction;
  heldTemplates: Set<string>;
}

// The project's TypeScript lib has no DOM types, so the little of the
// WebAssembly API used here is declared locally.
interface WasmInstance {
  exports: Record<string, unknown>;
}
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: WasmInstance }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface GoRuntime {
  importObject: object;
  run(instance: WasmInstance): Promise<void>;
}

const WASM_URL = new URL('./engine.wasm', import.meta.url);
const WASM_EXEC_URL = new URL('./wasm_exec.js', import.meta.url);

// One Go runtime per process (per warm Lambda container): starting it costs
// ~100 ms, a render afterwards a few ms.
let enginePromise: Promise<Engine> | undefined;

/**
 * V8 optimizes a WebAssembly function once it has run "enough" (a budget of
 * roughly bytes executed). Go's start-up and a first render run a lot of code
 * once, and with the default budget V8 spends most of a cold render
 * optimizing that code on a 2-core machine. Measured on the 30-template bench
 * chart (CPU time of a fresh process, load + engine start + first render):
 * budget 18M 690–850 ms, 100M 470–660 ms, 300M 340–480 ms, 1000M 240–330 ms; the warm
 * median after 10–50 renders stayed the same, because the functions every
 * render runs still reach the budget within a few renders.
 * The flag only affects WebAssembly compiled after it is set.
 */
const WASM_TIERING_BUDGET = 1_000_000_000;

async function startEngine(): Promise<Engine> {
  setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  // wasm_exec.js is Go's own loader; it defines globalThis.Go when evaluated.
  await import(WASM_EXEC_URL.href);
  const GoClass = (globalThis as unknown as { Go?: new () => GoRuntime }).Go;
  if (!GoClass) throw new EngineError(ENGINE_MESSAGES.noRuntime);
  const go = new GoClass();
  const bytes = await readFile(WASM_URL);
  const { instance } = await wasmApi.instantiate(bytes, go.importObject);
  // run() returns once main blocks in select{}; by then the function is
  // registered. Should the Go program ever exit, the next render starts a new one.
  void go.run(instance).finally(() => {
    enginePromise = undefined;
  });
  const render = (globalThis as unknown as { quaysideEngineRender?: RenderFunction }).quaysideEngineRender;
  if (typeof render !== 'function') throw new EngineError(ENGINE_MESSAGES.noRenderFunction);
  return { render, heldTemplates: new Set() };
}

/** Loads the engine now (it loads on first render otherwise). Resolves when it is ready. */
export async function warmEngine(): Promise<void> {
  await getEngine();
}

async function getEngine(): Promise<Engine> {
  if (!enginePromise) {
    enginePromise = startEngine().catch((error: unknown) => {
      enginePromise = undefined;
      throw error instanceof EngineError
        ? error
        : new EngineError(ENGINE_MESSAGES.loadFailed, { cause: error });
    });
  }
  return enginePromise;
}

/**
 * Renders a chart tree in the WebAssembly engine. Throws EngineError if the engine cannot run.
 *
 * The engine keeps the templates of its last few requests under a digest of
 * them; rendering the same templates again sends the digest instead of the
 * texts (decoding them took a tenth of a warm render). Should the engine no
 * longer hold them, it says so and the texts are sent.
 */
export async function runEngine(request: EngineRequest): Promise<EngineResponse> {
  const engine = await getEngine();
  const templatesKey = digestTemplates(request.templates);
  if (engine.heldTemplates.has(templatesKey)) {
    const response = call(engine, { ...request, templates: undefined, templatesKey });
    if (response.error?.kind !== 'templates-unknown') return response as EngineResponse;
    engine.heldTemplates.delete(templatesKey);
  }
  const response = call(engine, { ...request, templatesKey });
  if (response.error?.kind === 'templates-unknown') throw new EngineError(response.error.message);
  if (!response.error) {
    if (engine.heldTemplates.size >= HELD_TEMPLATE_KEYS) engine.heldTemplates.clear();
    engine.heldTemplates.add(templatesKey);
  }
  return response as EngineResponse;
}

/** What the engine answers; "templates-unknown" only when a request sent a digest without texts. */
type RawResponse = Omit<EngineResponse, 'error'> & {
  error?: {
    kind: NonNullable<EngineResponse['error']>['kind'] | 'templates-unknown';
    message: string;
    template?: string;
  };
};

/** How many template digests to remember; the engine itself keeps the last four sets. */
const HELD_TEMPLATE_KEYS = 16;

/** A request as sent: without `templates` (left out of the JSON) the engine uses those kept under templatesKey. */
type SentRequest = Omit<EngineRequest, 'templates'> & {
  templates: EngineRequest['templates'] | undefined;
  templatesKey: string;
};

function call(engine: Engine, request: SentRequest): RawResponse {
  const raw = engine.render(JSON.stringify(request));
  try {
    return JSON.parse(raw) as RawResponse;
  } catch (error) {
    throw new EngineError(ENGINE_MESSAGES.badResponse, { cause: error });
  }
}

function digestTemplates(templates: EngineRequest['templates']): string {
  const hash = createHash('sha256');
  for (const t of templates) hash.update(`${t.name}\0${t.scope}\0${t.data.length}\0`).update(t.data);
  return hash.digest('base64');
}

/**
 * Serializes values as JSON the engine decodes with Helm's types: a JS number
 * (from YAML or JSON, a float64 in Helm) is always written with a fraction or
 * exponent; a bigint (an integer from --set, an int64 in Helm) without.
 */
export function encodeGoValues(value: unknown): string {
  const parts: string[] = [];
  writeGoValue(value, parts);
  return parts.join('');
}

function writeGoValue(value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push('null');
  } else if (typeof value === 'bigint') {
    out.push(value.toString());
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push('null');
    else {
      const text = String(value);
      out.push(/[.eE]/.test(text) ? text : `${text}.0`);
    }
  } else if (typeof value === 'string' || typeof value === 'boolean') {
    out.push(JSON.stringify(value));
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((item, i) => {
      if (i > 0) out.push(',');
      writeGoValue(item, out);
    });
    out.push(']');
  } else if (value instanceof Uint8Array) {
    out.push(JSON.stringify(Buffer.from(value).toString('base64')));
  } else if (value instanceof Date) {
    out.push(JSON.stringify(value.toISOString()));
  } else if (typeof value === 'object') {
    out.push('{');
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(key), ':');
      writeGoValue(item, out);
    }
    out.push('}');
  } else {
    out.push('null');
  }
}

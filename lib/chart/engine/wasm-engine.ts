import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EngineError, TemplateError } from '../errors.ts';
import { ENGINE_MESSAGES } from '../messages.ts';
import { type GoInternals, readsCompilationHints, restoreEngine } from './image.ts';
import { lookUpStoredParse, storedParseKey, worthKeeping, writeStoredParse } from './parse-store.ts';
import { imagePath, openImage, setEngineCompileFlags, type WasmInstance, wasmApi } from './wasm-compile.ts';

/** The JSON the Go engine takes: one whole chart tree. See go/src/quayside-engine/request.go. */
export interface EngineRequest {
  templates: Array<{ name: string; data: string; scope: number }>;
  scopes: Array<{
    chart: unknown;
    isRoot: boolean;
    /** Values as Go-typed JSON text (see encodeGoValues). */
    values: string;
    /** Each file's bytes: [offset, length] in the request's fileData. */
    files: Record<string, [offset: number, length: number]>;
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
    kubeVersion: { version: string; normalized: string; major: string; minor: string };
    apiVersions: string[];
    helmVersion: Record<string, string>;
  };
  strict: boolean;
  splitManifests: boolean;
  /**
   * The bytes of every scope's files, one after another, sent beside the JSON rather than in it
   * (as base64 they were most of a big chart's request: kube-prometheus-stack's 6 MB of CRDs).
   */
  fileData?: Uint8Array;
  /** Run Helm's own code paths beside the engine's shortcuts and fail on any difference (tests). */
  verifyShortcuts?: boolean;
  /** Present when templates may read the cluster: the answers known so far (see lookup.go). */
  lookup?: { answers: LookupAnswer[] };
}

/** One `lookup apiVersion kind namespace name` call of a template. */
export interface LookupCall {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The host's answer to a lookup: the object or list as JSON ("{}" for none), or Helm's error text. */
export interface LookupAnswer extends LookupCall {
  object?: string;
  error?: string;
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
  /** Lookups the render made that the request had no answer for; the render does not count then. */
  lookupMisses?: LookupCall[];
}

/** The JSON response, and beside it the render's parse when the engine answers one to keep. */
type RenderFunction = (
  request: string,
  fileData: Uint8Array | undefined,
  storedParse?: Uint8Array,
) => string | [string, Uint8Array];
type YamlFunction = (mode: YamlMode, text: string) => string;

/** "values": a values file as Helm 4 reads it (documents merged, each a map); "document": one YAML document. */
export type YamlMode = 'values' | 'document';

/** A live Go instance and the template digests it was last given. */
interface Engine {
  render: RenderFunction;
  yaml: YamlFunction;
  heldTemplates: Set<string>;
  /** The SHA-256 (hex) of the engine.wasm this instance runs: parses kept on disk are kept per engine. */
  digest: () => string;
  /** Set when the instance threw; it is never called again. */
  broken?: true;
}

interface GoRuntime extends GoInternals {
  run(instance: WasmInstance): Promise<void>;
}

// Resolved when used, not when this module is evaluated: the CLI's start-up snapshot evaluates it
// where the snapshot is built, and import.meta.url would keep that folder.
const wasmUrl = () => new URL('./engine.wasm', import.meta.url);
const wasmExecUrl = () => new URL('./wasm_exec.js', import.meta.url);

// One Go runtime per process (per warm Lambda container): starting it costs
// ~100 ms, a render afterwards a few ms.
let enginePromise: Promise<Engine> | undefined;

/**
 * RSA keys for Sprig's genCA, genSelfSignedCert, genSignedCert and genPrivateKey: made natively in
 * tens of milliseconds instead of seconds in WebAssembly (see fast_keys.go). PKCS#1 DER, base64.
 */
function generateRsaKey(bits: number): string {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs1', format: 'der' },
    publicKeyEncoding: { type: 'pkcs1', format: 'der' },
  });
  return privateKey.toString('base64');
}

async function startEngine(): Promise<Engine> {
  (globalThis as unknown as { quaysideGenerateRsaKey: typeof generateRsaKey }).quaysideGenerateRsaKey =
    generateRsaKey;
  // wasm_exec.js is Go's own loader, a classic script that defines globalThis.Go when run. It is run
  // as a script rather than imported: code started from the CLI's start-up snapshot cannot import a file.
  if ((globalThis as { Go?: unknown }).Go === undefined) {
    // Read at once, as the engine's WebAssembly is (startCold, wasm-compile.ts).
    // node:vm reached when needed: the CLI's start-up snapshot holds this module, and cannot hold vm.
    process
      .getBuiltinModule('node:vm')
      .runInThisContext(readFileSync(wasmExecUrl(), 'utf8'), { filename: fileURLToPath(wasmExecUrl()) });
  }
  const GoClass = (globalThis as unknown as { Go?: new () => GoRuntime }).Go;
  if (!GoClass) throw new EngineError(ENGINE_MESSAGES.noRuntime);
  const go = new GoClass();
  const { exit, digest } = (await startFromImage(go)) ?? (await startCold(go));
  const exported = globalThis as unknown as {
    quaysideEngineRender?: RenderFunction;
    quaysideEngineYaml?: YamlFunction;
  };
  const { quaysideEngineRender: render, quaysideEngineYaml: yaml } = exported;
  if (typeof render !== 'function' || typeof yaml !== 'function') {
    throw new EngineError(ENGINE_MESSAGES.noRenderFunction);
  }
  const engine: Engine = { render, yaml, heldTemplates: new Set(), digest };
  void exit.finally(() => {
    engine.broken = true;
  });
  return engine;
}

/**
 * Starts Go from the engine's start-up image (image.ts) when this process can use it. Resolves to the
 * started program, or undefined to start cold (see engineImage for when).
 */
async function startFromImage(go: GoRuntime): Promise<Started | undefined> {
  const image = await openImage();
  if ('unusable' in image) return undefined;
  try {
    const instance = await wasmApi().instantiate(image.module, go.importObject);
    restoreEngine(go, instance, image.description);
    startedFrom = 'image';
    const { engineDigest } = image.description;
    // An image made before images carried the digest: its engine.wasm is the one beside it.
    return { exit: go._exitPromise, digest: engineDigest ? () => engineDigest : digestOfEngineFile };
  } catch {
    return undefined;
  }
}

/**
 * Whether an engine started now would start from the start-up image (`quayside version --verbose`):
 * its path, or why Go would start cold.
 */
export async function engineImage(): Promise<
  { path: string; compilationHints: number } | { unusable: string }
> {
  const image = await openImage();
  if ('unusable' in image) return image;
  const hints = readsCompilationHints() ? (image.description.compilationHints ?? 0) : 0;
  return { path: imagePath(), compilationHints: hints };
}

/** A started Go program: `exit` settles when it exits (wrapped, so that awaiting the start does not wait for it). */
interface Started {
  exit: Promise<void>;
  digest: () => string;
}

let engineFileDigest: string | undefined;

/** The SHA-256 of engine.wasm, read when first asked (~10 MB: only a cold start with a parse store asks). */
function digestOfEngineFile(): string {
  engineFileDigest ??= createHash('sha256').update(readFileSync(wasmUrl())).digest('hex');
  return engineFileDigest;
}

async function startCold(go: GoRuntime): Promise<Started> {
  // Read at once, as the start-up image is (wasm-compile.ts): 10 MB in 512 KB asynchronous reads waits
  // on the event loop once per read.
  const bytes = readFileSync(wasmUrl());
  setEngineCompileFlags();
  const { instance } = await wasmApi().instantiate(bytes, go.importObject);
  startedFrom = 'cold';
  // run() returns once main blocks in select{}; by then the functions are
  // registered. Should the Go program ever exit, the next render starts a new one.
  return { exit: go.run(instance), digest: digestOfEngineFile };
}

let startedFrom: 'image' | 'cold' | undefined;

/** How this process's engine started: from its start-up image, cold, or not yet. */
export function engineStart(): 'image' | 'cold' | undefined {
  return startedFrom;
}

/** Loads the engine now (it loads on first render otherwise). Resolves when it is ready. */
export async function warmEngine(): Promise<void> {
  await getEngine();
}

async function getEngine(): Promise<Engine> {
  const current = enginePromise ? await enginePromise.catch(() => undefined) : undefined;
  if (current?.broken) enginePromise = undefined;
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
 * longer hold them, it says so and the texts are sent. With a parse store
 * (useParseStore), a parse of the same templates an earlier process kept goes
 * with the texts, and the engine answers its own parse when one is to be kept
 * (parse-store.ts).
 */
export async function runEngine(request: EngineRequest): Promise<EngineResponse> {
  const engine = await getEngine();
  const templatesKey = digestTemplates(request.templates);
  if (engine.heldTemplates.has(templatesKey)) {
    const response = call(engine, { ...request, templates: undefined, templatesKey });
    if (response.error?.kind !== 'templates-unknown') return response as EngineResponse;
    engine.heldTemplates.delete(templatesKey);
  }
  const stored = storedParseFor(engine, request.templates);
  // A parse the engine refused is answered anew, and written over it.
  const { storedParse, ...response } = call(
    engine,
    { ...request, templatesKey, ...(stored ? { storedParse: { key: stored.key } } : {}) },
    stored?.bytes,
  );
  if (stored && storedParse !== undefined) writeStoredParse(stored.dir, stored.key, storedParse);
  if (response.error?.kind === 'templates-unknown') throw new EngineError(response.error.message);
  if (!response.error) {
    if (engine.heldTemplates.size >= HELD_TEMPLATE_KEYS) engine.heldTemplates.clear();
    engine.heldTemplates.add(templatesKey);
  }
  return response as EngineResponse;
}

let parseStore: string | undefined;

/**
 * Keeps the templates' parses in this folder across processes (parse-store.ts), or stops when
 * undefined. The CLI sets it (its engine worker, and its main thread for `template`); the Lambda
 * worker keeps parses in memory only.
 */
export function useParseStore(dir: string | undefined): void {
  parseStore = dir;
}

/**
 * The kept parse of these templates to send, or the key under which to ask the engine for this
 * render's (templates rendered before without one); undefined: leave the engine out of it.
 */
function storedParseFor(
  engine: Engine,
  templates: EngineRequest['templates'],
): { dir: string; key: string; bytes: Uint8Array | undefined } | undefined {
  const dir = parseStore;
  if (dir === undefined || !worthKeeping(templates)) return undefined;
  let key: string;
  try {
    key = storedParseKey(engine.digest(), templates);
  } catch {
    return undefined;
  }
  const found = lookUpStoredParse(dir, key);
  if ('parse' in found) return { dir, key, bytes: found.parse };
  return found.keep ? { dir, key, bytes: undefined } : undefined;
}

/** What the engine answers; "templates-unknown" only when a request sent a digest without texts. */
type RawResponse = Omit<EngineResponse, 'error'> & {
  error?: {
    kind: NonNullable<EngineResponse['error']>['kind'] | 'templates-unknown';
    message: string;
    template?: string;
  };
  /** This render's parse, encoded, when the request asked for it and brought none it could use. */
  storedParse?: Uint8Array;
};

/** How many template digests to remember; the engine itself keeps the last four sets. */
const HELD_TEMPLATE_KEYS = 16;

/** A request as sent: without `templates` (left out of the JSON) the engine uses those kept under templatesKey. */
type SentRequest = Omit<EngineRequest, 'templates'> & {
  templates: EngineRequest['templates'] | undefined;
  templatesKey: string;
  /** The key of a kept parse of these templates: the engine uses the bytes sent with it, or answers its own. */
  storedParse?: { key: string };
};

function call(engine: Engine, request: SentRequest, storedParse?: Uint8Array): RawResponse {
  const { fileData, ...sent } = request;
  const raw = guarded(engine, () => engine.render(JSON.stringify(sent), fileData, storedParse));
  const [text, parsed] = typeof raw === 'string' ? [raw, undefined] : raw;
  let response: RawResponse;
  try {
    response = JSON.parse(text) as RawResponse;
  } catch (error) {
    throw new EngineError(ENGINE_MESSAGES.badResponse, { cause: error });
  }
  return parsed === undefined ? response : { ...response, storedParse: parsed };
}

/**
 * Runs a call into the Go instance. Go cannot catch what JavaScript throws through it (a stack
 * overflow from templates that include themselves ~1000 levels deep), and an instance interrupted
 * that way deadlocks on its next call; so it is dropped and the next render starts a fresh one.
 */
function guarded<T>(engine: Engine, body: () => T): T {
  try {
    return body();
  } catch (error) {
    engine.broken = true;
    if (error instanceof RangeError) throw new TemplateError(ENGINE_MESSAGES.tooDeep, undefined, 'render');
    throw new EngineError(ENGINE_MESSAGES.crashed, { cause: error });
  }
}

/**
 * Reads YAML as Helm does (yaml.v2 through sigs.k8s.io/yaml, Helm 4's rules for values files).
 * Returns the value, or throws EngineYamlError with Helm's message.
 */
export async function readYamlLikeHelm(mode: YamlMode, text: string): Promise<unknown> {
  const engine = await getEngine();
  const raw = guarded(engine, () => engine.yaml(mode, text));
  const reply = JSON.parse(raw) as { value?: unknown; error?: string };
  if (reply.error !== undefined) throw new EngineYamlError(reply.error);
  return reply.value ?? null;
}

/** Helm's own message for YAML it cannot read (the caller names the file). */
export class EngineYamlError extends Error {}

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

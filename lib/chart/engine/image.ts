/**
 * The chart engine's start-up image: engine.wasm as it is once Go has started — its linear memory
 * and globals after the runtime's and every package's initializers ran and main registered its
 * functions and waits for a call. scripts/engine-image.ts builds it beside a bundle (the CLI's); an
 * engine started from it skips Go's start-up (35–50 ms of a cold start on these machines).
 *
 * The WebAssembly side is whole in the image: its data segments are the memory, its globals' initial
 * values the globals. What it cannot hold is the JavaScript side of Go's syscall/js: the table of
 * JavaScript values Go holds references to (wasm_exec.js's `_values`). The image describes each of
 * those in a custom section, and restoreEngine rebuilds the table with the same ids.
 */

/** The custom section of the image that holds its ImageDescription as JSON. */
export const IMAGE_SECTION = 'quayside.engine-image';

/** V8's name for the custom section of compilation hints (see scripts/engine-image.ts). */
export const COMPILATION_HINTS_SECTION = 'compilationHints';

/**
 * Whether this V8 reads compilation hints, behind --experimental-wasm-compilation-hints: V8 11 and
 * 12 (Node 20 and 22) do; V8 13's (Node 24's) compile of a module with hints never settled when tried,
 * so any other V8 leaves the flag off and the section unread. The same V8s validate the image's
 * functions lazily (--wasm-lazy-validation).
 */
export function readsCompilationHints(v8Version: string = process.versions.v8): boolean {
  const major = Number(v8Version.split('.')[0]);
  return major === 11 || major === 12;
}

/** Bumped when ImageDescription or how it is restored changes: an image of another format is not used. */
export const IMAGE_FORMAT = 1;

/** wasm_exec.js's fixed references (NaN, 0, null, true, false, globalThis, the Go object): ids 0–6. */
export const FIXED_VALUES = 7;

/** How to make one JavaScript value Go holds a reference to, in a new process. */
export type ValueRecipe =
  /** A value reached from globalThis by these property names (Object, fs.constants, crypto). */
  | { readonly global: readonly string[] }
  /** A function main made with js.FuncOf: wasm_exec.js's wrapper for this callback id. */
  | { readonly callback: number }
  /**
   * The Date Go's time package made to read the local time zone's offset, not yet released by Go's
   * garbage collector. Nothing uses it again.
   */
  | { readonly date: true }
  /** A freed id, waiting in wasm_exec.js's id pool. */
  | { readonly free: true };

export interface ImageDescription {
  readonly format: number;
  /** The value table from id FIXED_VALUES on, with Go's reference count of each. */
  readonly values: ReadonlyArray<{ readonly recipe: ValueRecipe; readonly refs: number }>;
  readonly idPool: readonly number[];
  /** The globals main set to its functions: name → callback id. */
  readonly functions: Readonly<Record<string, number>>;
  /**
   * `new Date().getTimezoneOffset()` when the image was made. Go on js/wasm reads the local time zone
   * once, as a fixed offset (time.Local, and TOML's local date-times): a process whose offset is
   * another (a daylight-saving change, another TZ) starts Go afresh instead.
   */
  readonly timezoneOffset: number;
  /** Date.now() when the image was made: Go's clock continues from it, so it must not run backwards. */
  readonly madeAt: number;
  /** How many functions the image's compilation hints make eager (none when it has no hints). */
  readonly compilationHints?: number;
  /**
   * The SHA-256 of the engine.wasm the image was made from (hex): parses of templates kept across
   * processes are kept per engine (parse-store.ts).
   */
  readonly engineDigest?: string;
}

/** The private state of wasm_exec.js's Go class that an image restores (Go 1.19's wasm_exec.js). */
export interface GoInternals {
  importObject: object;
  _inst: { exports: Record<string, unknown> };
  mem: DataView;
  _values: unknown[];
  _goRefCounts: number[];
  _ids: Map<unknown, number>;
  _idPool: number[];
  _pendingEvent: unknown;
  _scheduledTimeouts: Map<number, unknown>;
  exited: boolean;
  _exitPromise: Promise<void>;
  _makeFuncWrapper(id: number): (...args: unknown[]) => unknown;
}

/** Why an image cannot be used in this process now, or undefined when it can. */
export function imageUnusable(description: ImageDescription, now: Date = new Date()): string | undefined {
  if (description.format !== IMAGE_FORMAT) return `format ${description.format}, not ${IMAGE_FORMAT}`;
  if (description.timezoneOffset !== now.getTimezoneOffset()) {
    return `made for local time ${utcOffset(description.timezoneOffset)}, this process's is ${utcOffset(now.getTimezoneOffset())}`;
  }
  if (now.getTime() < description.madeAt) return 'made later than the clock now says';
  return undefined;
}

/**
 * The file of the image made for a time zone offset (a `getTimezoneOffset()` value): the build makes
 * one for each offset the local zone has in a year (scripts/engine-image.ts), so that daylight-saving
 * time does not leave the engine starting cold for half of it. `engine-image-utc+0530.wasm`.
 */
export function imageFileName(timezoneOffset: number): string {
  return `engine-image-${utcOffset(timezoneOffset).toLowerCase().replace(':', '')}.wasm`;
}

/** A getTimezoneOffset() value (minutes behind UTC) as people write it: UTC+05:30. */
function utcOffset(minutesBehind: number): string {
  const ahead = -minutesBehind;
  const abs = Math.abs(ahead);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `UTC${ahead < 0 ? '-' : '+'}${hhmm}`;
}

/**
 * Gives a Go object the JavaScript side of an instance made from an image, as wasm_exec.js's run()
 * would have left it once main waits, and sets the globals main registered. Nothing runs in Go.
 * @throws Error naming the value that cannot be made here (a global this process does not have).
 */
export function restoreEngine(
  go: GoInternals,
  instance: { exports: Record<string, unknown> },
  description: ImageDescription,
): void {
  const values: unknown[] = [Number.NaN, 0, null, true, false, globalThis, go];
  const refs: number[] = new Array<number>(FIXED_VALUES).fill(Number.POSITIVE_INFINITY);
  const ids = new Map<unknown, number>([
    [0, 1],
    [null, 2],
    [true, 3],
    [false, 4],
    [globalThis, 5],
    [go, 6],
  ]);
  description.values.forEach(({ recipe, refs: count }, index) => {
    const id = FIXED_VALUES + index;
    const value = makeValue(recipe, go, id);
    values[id] = value;
    refs[id] = count;
    if (!('free' in recipe)) ids.set(value, id);
  });
  go._inst = instance;
  go.mem = new DataView((instance.exports.mem as { buffer: ArrayBuffer }).buffer);
  go._values = values;
  go._goRefCounts = refs;
  go._ids = ids;
  go._idPool = [...description.idPool];
  go.exited = false;
  const registered = globalThis as unknown as Record<string, unknown>;
  for (const [name, callback] of Object.entries(description.functions)) {
    const id = description.values.findIndex(
      ({ recipe }) => 'callback' in recipe && recipe.callback === callback,
    );
    if (id < 0) throw new Error(`engine image: no value for the function ${name}`);
    registered[name] = values[FIXED_VALUES + id];
  }
}

function makeValue(recipe: ValueRecipe, go: GoInternals, id: number): unknown {
  if ('free' in recipe) return null;
  if ('date' in recipe) return new Date();
  if ('callback' in recipe) return go._makeFuncWrapper(recipe.callback);
  let value: unknown = globalThis;
  for (const name of recipe.global) {
    value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[name];
  }
  if (value === undefined)
    throw new Error(`engine image: value ${id}, globalThis.${recipe.global.join('.')}, is missing`);
  return value;
}

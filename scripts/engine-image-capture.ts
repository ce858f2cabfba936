/**
 * Worker thread of scripts/engine-image.ts: starts the chart engine as a cold start does (Go's
 * wasm_exec.js, the default argv and an empty environment) from a copy of engine.wasm that exports its
 * globals, and once main waits for a call, posts what an image needs: the linear memory, the globals'
 * values and a description of the JavaScript values Go holds. A worker, so that the build's own
 * globals stay untouched and Go starts in a realm like the one it will run in.
 */
import { readFileSync } from 'node:fs';
import { runInThisContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import {
  FIXED_VALUES,
  type GoInternals,
  IMAGE_FORMAT,
  type ImageDescription,
  type ValueRecipe,
} from '../lib/chart/engine/image.ts';

export interface CaptureInput {
  /** engine.wasm with every global exported as `global<N>`. */
  readonly wasm: Uint8Array;
  readonly wasmExecPath: string;
  readonly globals: number;
  /**
   * The local time zone offset Go is to start with (a `getTimezoneOffset()` value): Go reads it once,
   * from `new Date().getTimezoneOffset()`, which this thread answers with it while Go starts.
   */
  readonly timezoneOffset: number;
}

export interface Capture {
  readonly memory: Uint8Array;
  /** Each global's value: a number for i32, a bigint for i64. */
  readonly globals: ReadonlyArray<number | bigint>;
  readonly description: ImageDescription;
}

const input = workerData as CaptureInput;
runInThisContext(readFileSync(input.wasmExecPath, 'utf8'), { filename: input.wasmExecPath });
const GoClass = (globalThis as unknown as { Go: new () => GoInternals & { run(i: unknown): Promise<void> } })
  .Go;
const go = new GoClass();
const callbacks = new Map<unknown, number>();
const makeWrapper = go._makeFuncWrapper.bind(go);
go._makeFuncWrapper = (id: number) => {
  const wrapper = makeWrapper(id);
  callbacks.set(wrapper, id);
  return wrapper;
};
/** What this script uses of the WebAssembly API (the project's TypeScript lib has no DOM types). */
interface CaptureWasm {
  instantiate(
    bytes: Uint8Array,
    imports: object,
  ): Promise<{ instance: { exports: Record<string, { value?: number | bigint; buffer?: ArrayBuffer }> } }>;
}
const wasm = (globalThis as unknown as { WebAssembly: CaptureWasm }).WebAssembly;
const { instance } = await wasm.instantiate(input.wasm, go.importObject);
// Go on js/wasm asks for the local zone only this way (time.initLocal; TOML's local date-times ask Go).
const ownOffset = Date.prototype.getTimezoneOffset;
Date.prototype.getTimezoneOffset = () => input.timezoneOffset;
void go.run(instance);
Date.prototype.getTimezoneOffset = ownOffset;
if (go.exited) throw new Error('the engine exited during start-up');
// Go waits in select{} with nothing scheduled: a pending event or timer would be lost by an image.
if (go._pendingEvent !== null || go._scheduledTimeouts.size > 0) {
  throw new Error('the engine has an event or a timer pending once started');
}

const values = go._values.slice(FIXED_VALUES).map((value, index) => ({
  recipe: recipeOf(value, FIXED_VALUES + index),
  refs: go._goRefCounts[FIXED_VALUES + index]!,
}));
const functions: Record<string, number> = {};
for (const name of Object.keys(globalThis)) {
  const callback = callbacks.get((globalThis as Record<string, unknown>)[name]);
  if (callback !== undefined) functions[name] = callback;
}
const description: ImageDescription = {
  format: IMAGE_FORMAT,
  values,
  idPool: [...go._idPool],
  functions,
  timezoneOffset: input.timezoneOffset,
  madeAt: Date.now(),
};
const capture: Capture = {
  memory: new Uint8Array(instance.exports.mem!.buffer!),
  globals: Array.from({ length: input.globals }, (_, index) => instance.exports[`global${index}`]!.value!),
  description,
};
parentPort!.postMessage(capture);

/** How a new process makes this value again; throws for one it could not. */
function recipeOf(value: unknown, id: number): ValueRecipe {
  if (go._goRefCounts[id] === 0 && go._idPool.includes(id)) return { free: true };
  const callback = callbacks.get(value);
  if (callback !== undefined) return { callback };
  const path = globalPath(value);
  if (path) return { global: path };
  if (value instanceof Date) return { date: true };
  throw new Error(`Go holds a JavaScript value (id ${id}, ${typeof value}) an image cannot make again`);
}

/**
 * The names that reach value from globalThis, one or two properties deep. Node defines some globals
 * (process, crypto) by getters, so those of globalThis itself are read; deeper, only data properties.
 */
function globalPath(value: unknown): string[] | undefined {
  const top = globalThis as Record<string, unknown>;
  const names = Object.getOwnPropertyNames(top);
  const read = (name: string): unknown => {
    try {
      return top[name];
    } catch {
      return undefined;
    }
  };
  for (const name of names) if (read(name) === value) return [name];
  for (const name of names) {
    const parent = read(name);
    if (parent === null || (typeof parent !== 'object' && typeof parent !== 'function')) continue;
    for (const inner of Object.getOwnPropertyNames(parent)) {
      if (dataProperty(parent as Record<string, unknown>, inner) === value) return [name, inner];
    }
  }
  return undefined;
}

/** A property's value when it is a plain data property (getters are not run). */
function dataProperty(object: Record<string, unknown>, name: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(object, name);
  return descriptor && 'value' in descriptor ? descriptor.value : undefined;
}

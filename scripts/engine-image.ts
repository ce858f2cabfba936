/**
 * Builds the chart engine's start-up image (lib/chart/engine/image.ts) from engine.wasm: Go is started
 * once in a worker thread (engine-image-capture.ts) from a copy that exports its globals, and the image
 * is engine.wasm again with
 *   - its data segments replaced by the started memory (its non-zero stretches),
 *   - its memory's initial size set to the started memory's,
 *   - its globals' initial values set to the started values,
 *   - a custom section describing the JavaScript values Go holds (IMAGE_SECTION).
 * The code, imports and exports are engine.wasm's. A few dozen lines of the WebAssembly binary format
 * (wasm-binary.ts) do this; the general-purpose wasm editors on npm parse every function body, which
 * for 7 MB of code is slower than Go's start-up itself, and are not needed to touch four sections.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import {
  COMPILATION_HINTS_SECTION,
  IMAGE_SECTION,
  type ImageDescription,
  imageFileName,
} from '../lib/chart/engine/image.ts';
import type { Capture, CaptureInput } from './engine-image-capture.ts';
import { REQUIRE_SHIM } from './require-shim.ts';
import {
  bytes,
  customSection,
  only,
  Reader,
  readSections,
  SECTION,
  type Section,
  sleb,
  uleb,
  writeModule,
} from './wasm-binary.ts';

// A compilation hint (V8's format, one byte per function): eager, compiled by the baseline compiler
// (Liftoff) with the module; tiering up later is left to V8.
const EAGER_BASELINE = 0x02 | (0x01 << 2);
// Fewer functions than this named by the warm-up means it did not run as expected: no hints then.
const MIN_HINTED = 100;
const I32 = 0x7f;
const I64 = 0x7e;
const PAGE = 65536;
// Zero stretches shorter than this stay inside a data segment: each segment costs ~8 bytes of header.
const SEGMENT_GAP = 32;

export interface EngineImageInput {
  readonly wasmPath: string;
  readonly wasmExecPath: string;
  /**
   * Chart directories rendered once from a new image to learn which functions a render runs; those
   * get compilation hints (see withCompilationHints). None: no hints.
   */
  readonly warmUpCharts?: readonly string[];
  /** The local time zone offsets to make an image for (`getTimezoneOffset()` values); default: this year's. */
  readonly timezoneOffsets?: readonly number[];
}

/** One image: for a local time zone offset, to be written as `fileName` beside engine.wasm. */
export interface EngineImage {
  readonly timezoneOffset: number;
  readonly fileName: string;
  readonly bytes: Buffer;
}

/**
 * Makes the images of the engine whose engine.wasm and wasm_exec.js are given, one per time zone offset.
 * @throws Error when engine.wasm is not shaped as Go's js/wasm output is, or Go's start-up left
 *   something an image cannot hold (see engine-image-capture.ts).
 */
export async function buildEngineImages(input: EngineImageInput): Promise<EngineImage[]> {
  const wasm = readFileSync(input.wasmPath);
  const sections = readSections(wasm);
  const engineDigest = createHash('sha256').update(wasm).digest('hex');
  const globalTypes = readGlobalTypes(only(sections, SECTION.global).body);
  if (sections.some((section) => section.id === SECTION.dataCount)) {
    throw new Error('engine.wasm has a data count section; images of such modules are not made');
  }
  const exporting = writeModule(
    sections.map((section) =>
      section.id === SECTION.export
        ? { id: section.id, body: withGlobalExports(section.body, globalTypes.length) }
        : section,
    ),
  );
  const offsets = [...new Set(input.timezoneOffsets ?? timezoneOffsetsOfYear(new Date()))];
  const started: Array<{ timezoneOffset: number; sections: Section[]; description: ImageDescription }> = [];
  const script = await captureScript();
  for (const timezoneOffset of offsets) {
    const capture = await captureStarted(script, {
      wasm: exporting,
      wasmExecPath: input.wasmExecPath,
      globals: globalTypes.length,
      timezoneOffset,
    });
    started.push({
      timezoneOffset,
      description: { ...capture.description, engineDigest },
      sections: sections.map((section): Section => {
        switch (section.id) {
          case SECTION.memory:
            return { id: section.id, body: bytes(1, 0x00, ...uleb(capture.memory.length / PAGE)) };
          case SECTION.global:
            return { id: section.id, body: globalsWith(globalTypes, capture.globals) };
          case SECTION.data:
            return { id: section.id, body: dataOf(capture.memory) };
          default:
            return section;
        }
      }),
    });
  }
  // What a render runs does not depend on the time zone: the warm-up runs once, from the image of this
  // process's offset (the one it can start from), and its hints go into every image.
  const own = started.find((image) => image.timezoneOffset === new Date().getTimezoneOffset());
  const run =
    own === undefined || input.warmUpCharts === undefined || input.warmUpCharts.length === 0
      ? new Set<number>()
      : await functionsRendersRun(writeModule([...own.sections, describing(own.description)]), input);
  return started.map(({ timezoneOffset, sections: imageSections, description }) => {
    const image = withCompilationHints(imageSections, description, run);
    // Every function validated once here: the engine validates those it does not compile ahead only
    // if it ever runs them (--wasm-lazy-validation, see wasm-engine.ts).
    if (!wasmValidate(image)) throw new Error('the image is not a valid WebAssembly module');
    return { timezoneOffset, fileName: imageFileName(timezoneOffset), bytes: image };
  });
}

/**
 * The local time zone offsets of the coming year, now's first: one, or two where daylight-saving time
 * moves the clock (the first of each month is enough to see both).
 */
export function timezoneOffsetsOfYear(now: Date): number[] {
  const offsets = [now.getTimezoneOffset()];
  for (let month = 1; month <= 12; month++) {
    offsets.push(new Date(now.getFullYear(), now.getMonth() + month, 1).getTimezoneOffset());
  }
  return [...new Set(offsets)];
}

function wasmValidate(module: Uint8Array): boolean {
  return (
    globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }
  ).WebAssembly.validate(module);
}

function describing(description: ImageDescription): Section {
  return customSection(IMAGE_SECTION, Buffer.from(JSON.stringify(description)));
}

/**
 * V8 compiles a WebAssembly function the first time it is called (lazy compilation), on the calling
 * thread: a fresh engine's first values file and first render spent ~35 ms compiling the ~800 functions
 * they run, one by one. A compilationHints section (V8's, behind --experimental-wasm-compilation-hints)
 * marks those functions eager: V8 compiles them with the module, on its background threads. The section
 * goes before the code section, one byte per function defined in the module; the others keep the default.
 * Without the flag V8 ignores it, as every engine does an unknown custom section.
 */
function withCompilationHints(
  started: readonly Section[],
  description: ImageDescription,
  run: ReadonlySet<number>,
): Buffer {
  if (run.size < MIN_HINTED) return writeModule([...started, describing(description)]);
  const imported = importedFunctions(only(started, SECTION.import).body);
  const defined = new Reader(only(started, SECTION.function).body, 0).uleb();
  const hints = Buffer.alloc(defined);
  let hinted = 0;
  for (const index of run) {
    if (index < imported || index >= imported + defined) continue;
    hints[index - imported] = EAGER_BASELINE;
    hinted++;
  }
  const section = customSection(COMPILATION_HINTS_SECTION, Buffer.concat([bytes(...uleb(defined)), hints]));
  const code = started.findIndex((s) => s.id === SECTION.code);
  return writeModule([
    ...started.slice(0, code),
    section,
    ...started.slice(code),
    describing({ ...description, compilationHints: hinted }),
  ]);
}

/**
 * The function indices a render runs: the warm-up charts are loaded and rendered from `image`, bundled
 * as scripts/engine-image-warmup.ts into a scratch folder beside it, in a node started with
 * --trace-wasm-compilation-times, which names each function as V8 compiles it. None when that run
 * fails or did not start from the image.
 */
async function functionsRendersRun(image: Buffer, input: EngineImageInput): Promise<Set<number>> {
  const scratch = mkdtempSync(join(tmpdir(), 'quayside-engine-image-'));
  try {
    writeFileSync(join(scratch, imageFileName(new Date().getTimezoneOffset())), image);
    copyFileSync(input.wasmExecPath, join(scratch, 'wasm_exec.js'));
    const warmUp = join(scratch, 'warm-up.mjs');
    await build({
      entryPoints: [fileURLToPath(new URL('./engine-image-warmup.ts', import.meta.url))],
      outfile: warmUp,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      logLevel: 'silent',
      banner: { js: REQUIRE_SHIM },
    });
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    delete env.QUAYSIDE_NO_ENGINE_IMAGE;
    const run = spawnSync(
      process.execPath,
      ['--trace-wasm-compilation-times', warmUp, ...(input.warmUpCharts ?? [])],
      { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    // V8's own lines (a background tier-up, say) may follow the warm-up's last one.
    if (run.status !== 0 || !run.stdout.includes('\nengine started: image\n')) return new Set();
    return new Set([...run.stdout.matchAll(/#(\d+) using Liftoff/g)].map((match) => Number(match[1])));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** How many of the module's functions are imported: they come first in the function index space. */
function importedFunctions(body: Uint8Array): number {
  const reader = new Reader(body, 0);
  const count = reader.uleb();
  let functions = 0;
  for (let i = 0; i < count; i++) {
    for (let name = 0; name < 2; name++) {
      const length = reader.uleb();
      reader.at += length;
    }
    const kind = body[reader.at++]!;
    if (kind === 0x00) {
      functions++;
      reader.uleb();
    } else throw new Error(`engine.wasm imports something other than functions (kind ${kind})`);
  }
  return functions;
}

/**
 * engine-image-capture.ts as a module a worker thread can run: bundled (tsx's loader does not reach
 * workers), once for all of a build's captures.
 */
async function captureScript(): Promise<URL> {
  const { outputFiles } = await build({
    entryPoints: [fileURLToPath(new URL('./engine-image-capture.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
  return new URL(`data:text/javascript;base64,${Buffer.from(outputFiles[0]!.contents).toString('base64')}`);
}

/** Runs the capture script in a worker thread: Go started once, as the input says. */
async function captureStarted(script: URL, input: CaptureInput): Promise<Capture> {
  const worker = new Worker(script, { workerData: input });
  try {
    return await new Promise<Capture>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`the engine's start-up worker exited (${code}) without an image`)),
      );
    });
  } finally {
    await worker.terminate();
  }
}

/** The value type of each global; Go's are mutable i32/i64 set by a constant. */
function readGlobalTypes(body: Uint8Array): number[] {
  const reader = new Reader(body, 0);
  const count = reader.uleb();
  const types: number[] = [];
  for (let i = 0; i < count; i++) {
    const type = body[reader.at++]!;
    const mutable = body[reader.at++]!;
    const opcode = body[reader.at++]!;
    if (mutable !== 1 || !((type === I32 && opcode === 0x41) || (type === I64 && opcode === 0x42))) {
      throw new Error(`engine.wasm's global ${i} is not a mutable i32 or i64 set by a constant`);
    }
    reader.sleb();
    if (body[reader.at++] !== 0x0b) throw new Error(`engine.wasm's global ${i} has a longer initializer`);
    types.push(type);
  }
  return types;
}

function withGlobalExports(body: Uint8Array, globals: number): Buffer {
  const reader = new Reader(body, 0);
  const count = reader.uleb();
  const added: number[] = [];
  for (let i = 0; i < globals; i++) {
    const name = Buffer.from(`global${i}`);
    added.push(...uleb(name.length), ...name, 0x03, ...uleb(i));
  }
  return Buffer.concat([bytes(...uleb(count + globals)), body.subarray(reader.at), bytes(...added)]);
}

function globalsWith(types: readonly number[], values: ReadonlyArray<number | bigint>): Buffer {
  const out = [...uleb(types.length)];
  types.forEach((type, i) => {
    const value = values[i]!;
    out.push(type, 0x01);
    if (type === I32) out.push(0x41, ...sleb(BigInt(Number(value) | 0)));
    else out.push(0x42, ...sleb(BigInt.asIntN(64, BigInt(value))));
    out.push(0x0b);
  });
  return bytes(...out);
}

/** Active data segments for memory 0 holding the memory's non-zero stretches. */
function dataOf(memory: Uint8Array): Buffer {
  const parts: Uint8Array[] = [];
  let count = 0;
  let at = 0;
  while (at < memory.length) {
    while (at < memory.length && memory[at] === 0) at++;
    if (at >= memory.length) break;
    const start = at;
    let end = at;
    for (let zeros = 0; at < memory.length && zeros < SEGMENT_GAP; at++) {
      if (memory[at] === 0) zeros++;
      else {
        zeros = 0;
        end = at + 1;
      }
    }
    parts.push(
      bytes(0x00, 0x41, ...sleb(BigInt(start | 0)), 0x0b, ...uleb(end - start)),
      memory.subarray(start, end),
    );
    count++;
  }
  return Buffer.concat([bytes(...uleb(count)), ...parts]);
}

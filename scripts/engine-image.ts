/**
 * Builds the chart engine's start-up image (lib/chart/engine/image.ts) from engine.wasm: Go is started
 * once in a worker thread (engine-image-capture.ts) from a copy that exports its globals, and the image
 * is engine.wasm again with
 *   - its data segments replaced by the started memory (its non-zero stretches),
 *   - its memory's initial size set to the started memory's,
 *   - its globals' initial values set to the started values,
 *   - a custom section describing the JavaScript values Go holds (IMAGE_SECTION).
 * The code, imports and exports are engine.wasm's. A few dozen lines of the WebAssembly binary format
 * (sections, LEB128) do this; the general-purpose wasm editors on npm parse every function body, which
 * for 7 MB of code is slower than Go's start-up itself, and are not needed to touch four sections.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { IMAGE_SECTION } from '../lib/chart/engine/image.ts';
import type { Capture, CaptureInput } from './engine-image-capture.ts';

/** The image's file name, beside engine.wasm. */
export const ENGINE_IMAGE_FILE = 'engine-image.wasm';

const MAGIC = Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const SECTION = { custom: 0, memory: 5, global: 6, export: 7, data: 11, dataCount: 12 } as const;
const I32 = 0x7f;
const I64 = 0x7e;
const PAGE = 65536;
// Zero stretches shorter than this stay inside a data segment: each segment costs ~8 bytes of header.
const SEGMENT_GAP = 32;

interface Section {
  readonly id: number;
  readonly body: Uint8Array;
}

/**
 * Makes the image of the engine whose engine.wasm and wasm_exec.js are given.
 * @throws Error when engine.wasm is not shaped as Go's js/wasm output is, or Go's start-up left
 *   something an image cannot hold (see engine-image-capture.ts).
 */
export async function buildEngineImage(wasmPath: string, wasmExecPath: string): Promise<Buffer> {
  const sections = readSections(readFileSync(wasmPath));
  const globalTypes = readGlobalTypes(only(sections, SECTION.global).body);
  if (sections.some((section) => section.id === SECTION.dataCount)) {
    throw new Error('engine.wasm has a data count section; images of such modules are not made');
  }
  const exporting = sections.map((section) =>
    section.id === SECTION.export
      ? { id: section.id, body: withGlobalExports(section.body, globalTypes.length) }
      : section,
  );
  const capture = await captureStarted({
    wasm: writeModule(exporting),
    wasmExecPath,
    globals: globalTypes.length,
  });
  const description = Buffer.from(JSON.stringify(capture.description));
  const image = sections.map((section): Section => {
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
  });
  const name = Buffer.from(IMAGE_SECTION);
  image.push({ id: SECTION.custom, body: Buffer.concat([bytes(...uleb(name.length)), name, description]) });
  return writeModule(image);
}

/** Runs engine-image-capture.ts in a worker thread (bundled first: tsx's loader does not reach workers). */
async function captureStarted(input: CaptureInput): Promise<Capture> {
  const { outputFiles } = await build({
    entryPoints: [fileURLToPath(new URL('./engine-image-capture.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'silent',
  });
  const code = Buffer.from(outputFiles[0]!.contents).toString('base64');
  const worker = new Worker(new URL(`data:text/javascript;base64,${code}`), { workerData: input });
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

function readSections(module: Buffer): Section[] {
  if (!module.subarray(0, 8).equals(MAGIC)) throw new Error('engine.wasm is not a WebAssembly 1.0 module');
  const sections: Section[] = [];
  const reader = new Reader(module, 8);
  while (reader.at < module.length) {
    const id = module[reader.at++]!;
    const size = reader.uleb();
    sections.push({ id, body: module.subarray(reader.at, reader.at + size) });
    reader.at += size;
  }
  return sections;
}

function writeModule(sections: readonly Section[]): Buffer {
  const parts: Uint8Array[] = [MAGIC];
  for (const section of sections) parts.push(bytes(section.id, ...uleb(section.body.length)), section.body);
  return Buffer.concat(parts);
}

function only(sections: readonly Section[], id: number): Section {
  const found = sections.filter((section) => section.id === id);
  if (found.length !== 1) throw new Error(`engine.wasm has ${found.length} sections of id ${id}, not one`);
  return found[0]!;
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

function bytes(...values: number[]): Buffer {
  return Buffer.from(values);
}

function uleb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    out.push(byte);
  } while (rest > 0);
  return out;
}

function sleb(value: bigint): number[] {
  const out: number[] = [];
  let rest = value;
  for (;;) {
    const byte = Number(rest & 0x7fn);
    rest >>= 7n;
    const done = (rest === 0n && (byte & 0x40) === 0) || (rest === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

class Reader {
  constructor(
    private readonly data: Uint8Array,
    public at: number,
  ) {}

  uleb(): number {
    let value = 0;
    let scale = 1;
    let byte: number;
    do {
      byte = this.data[this.at++]!;
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return value;
  }

  sleb(): void {
    while (this.data[this.at++]! & 0x80) {}
  }
}

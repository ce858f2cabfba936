/**
 * How the chart engine's WebAssembly is compiled: V8's flags for it, and the start-up image (image.ts)
 * opened and compiled once per process (an engine started again after a crash instantiates the same
 * compiled module). wasm-engine.ts starts Go from what this gives.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import {
  IMAGE_SECTION,
  type ImageDescription,
  imageFileName,
  imageUnusable,
  readsCompilationHints,
} from './image.ts';

// The project's TypeScript lib has no DOM types, so the little of the
// WebAssembly API used here is declared locally.
export interface WasmInstance {
  exports: Record<string, unknown>;
}
export interface WasmModule {
  readonly brand?: never;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: WasmInstance }>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
  Module: { customSections(module: WasmModule, name: string): ArrayBuffer[] };
}
/**
 * The WebAssembly API, read when used: the CLI's start-up snapshot evaluates this module while it is
 * built, when Node's snapshot builder has no WebAssembly global.
 */
export const wasmApi = (): WasmApi => (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

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

/** Sets V8's flags for the engine's WebAssembly; call before compiling it. */
export function setEngineCompileFlags(): void {
  setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
}

/**
 * The start-up image for this process's local time (image.ts's imageFileName). Only bundles have one:
 * scripts/engine-image.ts builds them beside their engine.wasm.
 */
export function imagePath(): string {
  return fileURLToPath(new URL(`./${imageFileName(new Date().getTimezoneOffset())}`, import.meta.url));
}

/** The start-up image compiled, or why this process starts Go cold. */
export type OpenedImage = { module: WasmModule; description: ImageDescription } | { unusable: string };

let opened: Promise<OpenedImage> | undefined;

/**
 * Opens and compiles the engine's start-up image, once per process. Unusable when
 * QUAYSIDE_NO_ENGINE_IMAGE is set, when there is none for this process's local time (the sources have
 * none; only bundles do), or when it was made for another time zone offset, by another format, or
 * later than this process's clock says.
 */
export function openImage(): Promise<OpenedImage> {
  opened ??= compileImage();
  return opened;
}

async function compileImage(): Promise<OpenedImage> {
  if (process.env.QUAYSIDE_NO_ENGINE_IMAGE) return { unusable: 'QUAYSIDE_NO_ENGINE_IMAGE is set' };
  const path = imagePath();
  // Read at once: 11 MB read asynchronously is 22 reads of 512 KB, each waiting for a turn of an event
  // loop that has the command's own start to run (~20 ms where one read takes ~5).
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return { unusable: `there is none for this process's local time (${path})` };
  }
  try {
    setEngineCompileFlags();
    // The image's compilation hints make the functions a render runs compile with the module, on V8's
    // background threads, instead of one by one on first call (scripts/engine-image.ts). The others are
    // then validated only if ever compiled: the build validated the whole image once, and validating
    // 7 MB of code nobody runs was ~12 ms of the compile (~23 ms of CPU).
    if (readsCompilationHints()) {
      setFlagsFromString('--experimental-wasm-compilation-hints');
      setFlagsFromString('--wasm-lazy-validation');
    }
    const module = await wasmApi().compile(bytes);
    const [section] = wasmApi().Module.customSections(module, IMAGE_SECTION);
    if (section === undefined) return { unusable: `${path} has no ${IMAGE_SECTION} section` };
    const description = JSON.parse(Buffer.from(section).toString('utf8')) as ImageDescription;
    const unusable = imageUnusable(description);
    return unusable === undefined ? { module, description } : { unusable };
  } catch (error) {
    return { unusable: `${path} cannot be read: ${(error as Error).message}` };
  }
}

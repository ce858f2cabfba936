/**
 * The project's esbuild conventions, for the CLI (scripts/build-cli.ts) and the Lambda functions alike:
 * ESM for Node, minified, one chunk per lazily imported part (so a command loads only what it uses),
 * output under dist/ (git-ignored), the files some modules read beside themselves copied next to
 * the bundle, and a build stamp that tells when the bundle no longer matches its sources.
 * package.json declares `"sideEffects": false`: the project's own modules do nothing when imported
 * (a module that must run for its effect would need listing there), so esbuild drops those a bundle
 * does not use. With barrels.ts and lazy-packages.ts (the plugins below) a command loads only its part.
 */
import { copyFileSync, existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion, type Metafile } from 'esbuild';
import { barrelImports } from './barrels.ts';
import { buildEngineImages } from './engine-image.ts';
import { lazyPackages } from './lazy-packages.ts';
import { REQUIRE_SHIM } from './require-shim.ts';
import { buildSnapshot, type SnapshotInput } from './snapshot.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The stamp's file name in the output folder; bin/quayside.js reads it to find a stale bundle. */
export const STAMP_FILE = 'build-stamp.json';

/**
 * Files a module resolves beside itself (`new URL('./engine.wasm', import.meta.url)`): when the module
 * is bundled, they are copied beside the bundle, where its chunks' import.meta.url points.
 */
const ENGINE_WASM = 'lib/chart/engine/engine.wasm';
/** Charts rendered once from a new engine image to learn what a render runs (scripts/engine-image.ts). */
const WARM_UP_CHARTS = ['examples/charts/ghost', 'examples/charts/my-nginx', 'examples/charts/guestbook'];
const BESIDE_MODULE: Readonly<Record<string, readonly string[]>> = {
  'lib/chart/engine/wasm-engine.ts': [ENGINE_WASM, 'lib/chart/engine/wasm_exec.js'],
  // The engine built natively for the one platform it ships for (build.sh; bin/launch.js finds it).
  'lib/chart/engine/native-engine.ts': ['lib/chart/engine/engine-linux-x64'],
};

/** Besides the bundled sources, what a build depends on: installed packages and the build itself. */
const ALWAYS_CHECKED = [
  'node_modules/.package-lock.json',
  'scripts/bundle.ts',
  'scripts/barrels.ts',
  'scripts/lazy-packages.ts',
  'scripts/snapshot.ts',
  'scripts/engine-image.ts',
  'scripts/engine-image-capture.ts',
  'scripts/engine-image-warmup.ts',
  'scripts/wasm-binary.ts',
  'scripts/require-shim.ts',
];

export interface BundleInput {
  /** Output name (written as `<name>.mjs`) → source file, relative to the repository root. */
  readonly entryPoints: Readonly<Record<string, string>>;
  /** Output folder relative to the repository root, e.g. `dist/cli`; replaced whole. */
  readonly outdir: string;
  /**
   * Packages loaded from node_modules at run time instead of bundled: those that find files of their
   * own beside their code (a jar, a worker script) break when moved into a bundle.
   */
  readonly external?: readonly string[];
  /** Other files whose change makes the bundle stale (the build script that calls this, say). */
  readonly alsoChecked?: readonly string[];
  /**
   * A V8 start-up snapshot built beside the bundle (scripts/snapshot.ts): its entry, relative to the
   * repository root, and the blob's file name. A snapshot that cannot be built is reported on stderr
   * and left out; the bundle is whole without it.
   */
  readonly snapshot?: Pick<SnapshotInput, 'entry' | 'blob' | 'leaveOut' | 'outside'>;
}

/** What the stamp holds: each input's size and modification time when the bundle was built. */
export interface BuildStamp {
  readonly esbuild: string;
  /** The repository root it was built in: a start-up snapshot holds absolute paths. */
  readonly root: string;
  readonly entryPoints: Readonly<Record<string, string>>;
  /** Repository-relative path → [size in bytes, mtime in ms]. */
  readonly inputs: Readonly<Record<string, readonly [number, number]>>;
}

/** The project's own files among esbuild's inputs (dependencies are covered by npm's lock file). */
function projectInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs)
    .filter((path) => !path.includes('node_modules/') && !path.startsWith('<'))
    .map((path) => relative(REPO_ROOT, resolve(REPO_ROOT, path)));
}

function stampOf(input: BundleInput, checked: readonly string[]): BuildStamp {
  const inputs: Record<string, readonly [number, number]> = {};
  for (const path of checked) {
    const stat = statSync(join(REPO_ROOT, path), { throwIfNoEntry: false });
    if (stat) inputs[path] = [stat.size, stat.mtimeMs];
  }
  return { esbuild: esbuildVersion, root: REPO_ROOT, entryPoints: input.entryPoints, inputs };
}

/**
 * Bundles the entry points into `outdir` (built beside it and swapped in, so a process starting
 * meanwhile never loads half a bundle) and writes the build stamp. Returns the stamp.
 * @throws the esbuild error (with its messages) when a source does not compile.
 */
export async function bundle(input: BundleInput): Promise<BuildStamp> {
  const outdir = join(REPO_ROOT, input.outdir);
  const staging = `${outdir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const result = await build({
      absWorkingDir: REPO_ROOT,
      entryPoints: Object.fromEntries(Object.entries(input.entryPoints)),
      outdir: staging,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      // Lambda runs nodejs22.x/24.x, developers Node 20: the oldest decides.
      target: 'node20',
      minify: true,
      // Names stay as written: typed errors are checked by instanceof, but their names are printed.
      keepNames: true,
      legalComments: 'linked',
      external: [...(input.external ?? [])],
      banner: { js: REQUIRE_SHIM },
      plugins: [barrelImports(REPO_ROOT), lazyPackages()],
      metafile: true,
      logLevel: 'warning',
    });
    const sources = projectInputs(result.metafile);
    const assets = sources.flatMap((source) => BESIDE_MODULE[source] ?? []);
    for (const asset of assets) copyBeside(join(REPO_ROOT, asset), result.metafile);
    if (assets.includes(ENGINE_WASM)) await engineImageBeside(input, staging);
    const snapshotSources = input.snapshot ? await snapshotBeside(input, staging) : [];
    const stamp = stampOf(input, [
      ...new Set([...sources, ...snapshotSources]),
      ...assets,
      ...ALWAYS_CHECKED,
      ...(input.alsoChecked ?? []),
    ]);
    writeFileSync(join(staging, STAMP_FILE), `${JSON.stringify(stamp)}\n`);
    // What each output holds and imports, for esbuild's analyzer and for finding what a command loads.
    writeFileSync(join(staging, 'metafile.json'), JSON.stringify(result.metafile));
    swapIn(staging, outdir);
    return stamp;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Builds the start-up snapshot into the staging folder; its project sources, or none when it failed. */
async function snapshotBeside(input: BundleInput, staging: string): Promise<string[]> {
  try {
    const metafile = await buildSnapshot({
      ...input.snapshot!,
      root: REPO_ROOT,
      staging,
      outdir: input.outdir,
      external: input.external ?? [],
    });
    return projectInputs(metafile);
  } catch (error) {
    process.stderr.write(
      `quayside: no start-up snapshot for ${input.outdir} (${(error as Error).message}); commands start from the bundle instead, slower\n`,
    );
    return [];
  }
}

/**
 * Builds the chart engine's start-up images (scripts/engine-image.ts), one for each local time zone
 * offset of the year, beside the engine.wasm copied into the staging folder. Images that cannot be
 * built are reported on stderr and left out: the engine then starts cold, as it does from the sources.
 */
async function engineImageBeside(input: BundleInput, staging: string): Promise<void> {
  try {
    const images = await buildEngineImages({
      wasmPath: join(staging, 'engine.wasm'),
      wasmExecPath: join(staging, 'wasm_exec.js'),
      warmUpCharts: WARM_UP_CHARTS.map((chart) => join(REPO_ROOT, chart)),
    });
    for (const image of images) writeFileSync(join(staging, image.fileName), image.bytes);
  } catch (error) {
    process.stderr.write(
      `quayside: no chart engine start-up image for ${input.outdir} (${(error as Error).message}); the engine starts cold instead, slower\n`,
    );
  }
}

/** Copies a file into every folder the build wrote code to: wherever a chunk's import.meta.url points. */
function copyBeside(file: string, metafile: Metafile): void {
  const folders = new Set(Object.keys(metafile.outputs).map((out) => dirname(resolve(REPO_ROOT, out))));
  for (const folder of folders) copyFileSync(file, join(folder, basename(file)));
}

/** Replaces `outdir` with `staging`; a build that lost a race to another leaves the other's in place. */
function swapIn(staging: string, outdir: string): void {
  const retired = `${outdir}.retired-${process.pid}`;
  if (existsSync(outdir)) renameSync(outdir, retired);
  try {
    renameSync(staging, outdir);
  } catch (error) {
    // Another build put its own (equally fresh) bundle in place between the two renames.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
  } finally {
    rmSync(retired, { recursive: true, force: true });
  }
}

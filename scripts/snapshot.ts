/**
 * Builds a V8 start-up snapshot of a bundle (Node's `--build-snapshot`): the entry is bundled alone as
 * one CommonJS script (the snapshot builder loads no other file), run once by this very node, and
 * the heap it leaves is written as a blob that `node --snapshot-blob BLOB -- ARGS` starts from.
 * A blob fits only the node binary that built it, started with the V8 flags it was built with (Node
 * refuses any other, exit code 14), so the path of that binary and those flags are written beside it
 * (`BLOB.node`: the path on its first line, the flags on its second, the native chart engine's file
 * name on its third) for bin/quayside to use.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { realpathSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { nativeEngineIn, nativeEngineName } from '../bin/launch.js';
import { barrelImports } from './barrels.ts';

export interface SnapshotInput {
  /** The repository root, where the bundle will live (not the staging folder it is built in). */
  readonly root: string;
  /** The snapshot's entry, relative to the root (it calls v8.startupSnapshot.setDeserializeMainFunction). */
  readonly entry: string;
  /** The folder the bundle is built in, and the folder it will be moved to (relative to the root). */
  readonly staging: string;
  readonly outdir: string;
  /** The blob's file name, e.g. `quayside.blob`. */
  readonly blob: string;
  readonly external: readonly string[];
  /**
   * Project modules the snapshot's commands never load (those of commands it hands to the bundle):
   * bundled as a module that throws when loaded, so their code is not in the blob.
   */
  readonly leaveOut?: readonly string[];
  /**
   * Packages (prefixes such as `@aws-sdk/`) bundled not into the snapshot but into `outside.cjs`
   * beside it, which a command loads from disk the first time it needs one of them (a DynamoDB store,
   * a queue, an EKS cluster). The blob costs start-up time by its size, ~4 ms per MB here.
   */
  readonly outside?: readonly string[];
}

/**
 * The V8 flags a blob is built and started with. Started from a snapshot, V8 rehashes every hash table
 * in its heap for the process's own random hash seed (~8 ms of each command's start here, for this
 * blob's ~3 MB of the project's heap); with the seed fixed, the same at build and start, the tables
 * are right as they are. The seed is drawn anew for each build, so no two installations share one: a
 * seed known in advance would let crafted input (chart values, an API server's answers) pick keys
 * that collide. V8 checks the flags: a blob started with others, another seed included, is refused.
 *
 * `--single-threaded-gc`: the garbage collector works on the main thread alone. A command's heap is a
 * few tens of MB and lives for a fraction of a second; parallel scavenges and concurrent marking wake
 * V8's worker threads for it, and on two cores those compete with the chart engine and the API
 * server's own work. Install measured 0.973 and 0.977 of the time without it (21 and 31 alternating
 * runs, medians).
 */
export function snapshotFlags(): string[] {
  return [`--hash-seed=${randomInt(1, 2 ** 31 - 1)}`, '--no-rehash-snapshot', '--single-threaded-gc'];
}

/** The file the `outside` packages are bundled into, beside snapshot.cjs. */
const OUTSIDE_FILE = 'outside.cjs';

/**
 * An esbuild plugin for the snapshot's bundle: modules left out become a module that throws, and the
 * outside packages a module that requires them from outside.cjs. Collects the outside specifiers seen.
 */
function snapshotParts(input: SnapshotInput, outsideFile: string, seen: Set<string>): Plugin {
  const leftOut = new Set((input.leaveOut ?? []).map((path) => join(input.root, path)));
  const outside = input.outside ?? [];
  return {
    name: 'snapshot-parts',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const path = resolve(args.resolveDir, args.path);
        return leftOut.has(path) ? { path, namespace: 'left-out' } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`${relative(input.root, args.path)} is not in the CLI's start-up snapshot: bin/quayside starts the commands that need it from the bundle`)});`,
        loader: 'js',
      }));
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.importer.includes('/node_modules/') || !outside.some((p) => args.path.startsWith(p)))
          return undefined;
        seen.add(args.path);
        return { path: args.path, namespace: 'outside' };
      });
      // Left to Node: the file is required when a command first needs one of its packages.
      build.onResolve({ filter: /\/outside\.cjs$/ }, (args) =>
        args.path === outsideFile ? { path: args.path, external: true } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'outside' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(outsideFile)})[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
    },
  };
}

/** What both CommonJS scripts are built with: minified for Node 20+ (Lambda's and the CLI's oldest). */
function commonJsOptions(input: SnapshotInput): BuildOptions {
  return {
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify: true,
    keepNames: true,
    legalComments: 'none',
    external: [...input.external],
  };
}

/** Bundles the outside packages the snapshot imports into one CommonJS file, each loaded on first use. */
async function buildOutside(input: SnapshotInput, specifiers: ReadonlySet<string>): Promise<Metafile> {
  const getters = [...specifiers]
    .sort()
    .map(
      (s) =>
        `Object.defineProperty(exports, ${JSON.stringify(s)}, { enumerable: true, get: () => require(${JSON.stringify(s)}) });`,
    );
  const result = await build({
    absWorkingDir: input.root,
    stdin: { contents: getters.join('\n'), resolveDir: input.root, loader: 'js', sourcefile: 'outside.cjs' },
    outfile: join(input.staging, OUTSIDE_FILE),
    ...commonJsOptions(input),
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

/**
 * Writes `snapshot.cjs`, the blob and `BLOB.node` into the staging folder. Returns esbuild's metafile
 * (the sources, for the build stamp), or throws with Node's own words when building fails.
 */
export async function buildSnapshot(input: SnapshotInput): Promise<Metafile> {
  const script = join(input.staging, 'snapshot.cjs');
  // Where the script will be once moved in place: its import.meta.url, so that files it finds beside
  // itself (the engine's WebAssembly) are looked for there. The snapshot keeps these paths;
  // bin/launch.js's staleness check rebuilds a bundle whose checkout moved.
  const placed = join(input.root, input.outdir, 'snapshot.cjs');
  const outsideSeen = new Set<string>();
  const result = await build({
    absWorkingDir: input.root,
    entryPoints: [input.entry],
    outfile: script,
    ...commonJsOptions(input),
    define: {
      'import.meta.url': JSON.stringify(pathToFileURL(placed).href),
      QUAYSIDE_ROOT: JSON.stringify(`${input.root}/`),
    },
    // The snapshot builder's `require` knows only Node's built-in modules; packages left outside the
    // bundle are loaded, when a command needs them, by a require of the script's final place.
    banner: {
      js: `var require = ((builtin) => { let outside; return (id) => { try { return builtin(id); } catch { outside ??= builtin('node:module').createRequire(${JSON.stringify(placed)}); return outside(id); } }; })(require);`,
    },
    plugins: [
      snapshotParts(input, join(input.root, input.outdir, OUTSIDE_FILE), outsideSeen),
      barrelImports(input.root),
    ],
    metafile: true,
    logLevel: 'warning',
  });
  // A script run from a snapshot has no dynamic import: `import()` fails there (ERR_VM_DYNAMIC_IMPORT_
  // CALLBACK_MISSING), and esbuild keeps it for a module outside the bundle (a built-in one).
  const dynamic = Object.values(result.metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((imported) => imported.kind === 'dynamic-import' && imported.external)
    .map((imported) => imported.path);
  if (dynamic.length > 0) {
    throw new Error(
      `the start-up snapshot's bundle imports ${[...new Set(dynamic)].join(', ')} with import(), which fails in a process started from a snapshot: use process.getBuiltinModule() for a built-in module`,
    );
  }
  const outside = await buildOutside(input, outsideSeen);
  const blob = join(input.staging, input.blob);
  const env = { ...process.env };
  // The blob must fit a plain `node` start: bin/quayside uses it only when NODE_OPTIONS is empty.
  delete env.NODE_OPTIONS;
  const flags = snapshotFlags();
  const run = spawnSync(process.execPath, [...flags, '--snapshot-blob', blob, '--build-snapshot', script], {
    cwd: input.staging,
    env,
    encoding: 'utf8',
  });
  if (run.status !== 0 || run.stderr.trim() !== '') {
    throw new Error(`node --build-snapshot failed (exit ${run.status ?? run.signal}): ${run.stderr.trim()}`);
  }
  // The third line: the native chart engine bin/quayside starts beside Node for the commands that
  // render (bin/launch.js's adoptEngineProcess), where one ships for this machine; else empty.
  const engine = nativeEngineIn(`${input.staging}/`, {});
  const engineLine = 'path' in engine ? nativeEngineName() : '';
  writeFileSync(`${blob}.node`, `${realpathSync(process.execPath)}\n${flags.join(' ')}\n${engineLine}\n`);
  return {
    inputs: { ...result.metafile.inputs, ...outside.inputs },
    outputs: { ...result.metafile.outputs, ...outside.outputs },
  };
}

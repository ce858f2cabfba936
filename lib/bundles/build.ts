import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { BUNDLE_FILE, ESBUILD_SETTINGS, FUNCTIONS, type FunctionName } from './settings.ts';

/** What a built bundle was made from: each input file's digest, so staleness is one pass of hashing. */
interface BuildStamp {
  readonly settings: string;
  readonly inputs: Record<string, string>;
}

const STAMP_FILE = '.inputs.json';

export interface BundleInfo {
  readonly name: FunctionName;
  /** The folder holding index.mjs and the engine files: what is zipped for Lambda. */
  readonly dir: string;
  readonly file: string;
  /** Whether it was built now (false: reused, unchanged). */
  readonly built: boolean;
  readonly bytes: number;
}

/** Where the bundles of a project live: dist/functions/<name>/. */
export function bundleDir(root: string, name: FunctionName): string {
  return join(root, 'dist', 'functions', name);
}

/**
 * Builds every function's bundle with the deployed settings, or reuses a bundle whose inputs
 * (every source file esbuild read, the engine files, the settings) are unchanged.
 */
export async function buildFunctionBundles(
  root: string,
  options: { force?: boolean; only?: readonly FunctionName[] } = {},
): Promise<BundleInfo[]> {
  const names = options.only ?? (Object.keys(FUNCTIONS) as FunctionName[]);
  const results: BundleInfo[] = [];
  for (const name of names) results.push(await buildOne(resolve(root), name, options.force ?? false));
  return results;
}

async function buildOne(root: string, name: FunctionName, force: boolean): Promise<BundleInfo> {
  const dir = bundleDir(root, name);
  const file = join(dir, BUNDLE_FILE);
  if (!force && isFresh(root, dir))
    return { name, dir, file, built: false, bytes: readFileSync(file).length };
  // esbuild is loaded only to build: a process that reuses bundles never pays for it.
  const { build } = await import('esbuild');
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const result = await build({
    ...ESBUILD_SETTINGS,
    mainFields: [...ESBUILD_SETTINGS.mainFields],
    external: [...ESBUILD_SETTINGS.external],
    banner: { js: ESBUILD_SETTINGS.banner },
    entryPoints: [FUNCTIONS[name].entry],
    absWorkingDir: root,
    bundle: true,
    outfile: join(staging, BUNDLE_FILE),
    metafile: true,
    logLevel: 'warning',
  });
  const assets = FUNCTIONS[name].assets;
  for (const asset of assets) copyFileSync(join(root, asset), join(staging, basename(asset)));
  const inputs = [...Object.keys(result.metafile.inputs), ...assets];
  const stamp: BuildStamp = { settings: settingsDigest(), inputs: digests(root, inputs) };
  writeFileSync(join(staging, STAMP_FILE), JSON.stringify(stamp));
  // Swapped in whole, so a process starting meanwhile never loads half a bundle.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, '..'), { recursive: true });
  renameSync(staging, dir);
  return { name, dir, file, built: true, bytes: readFileSync(file).length };
}

function isFresh(root: string, dir: string): boolean {
  const stampPath = join(dir, STAMP_FILE);
  if (!existsSync(stampPath) || !existsSync(join(dir, BUNDLE_FILE))) return false;
  try {
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as BuildStamp;
    if (stamp.settings !== settingsDigest()) return false;
    const now = digests(root, Object.keys(stamp.inputs));
    return Object.entries(stamp.inputs).every(([path, digest]) => now[path] === digest);
  } catch {
    return false;
  }
}

function digests(root: string, paths: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const path of paths) {
    const full = join(root, path);
    out[path] = existsSync(full) ? createHash('sha256').update(readFileSync(full)).digest('hex') : 'missing';
  }
  return out;
}

function settingsDigest(): string {
  return createHash('sha256').update(JSON.stringify({ ESBUILD_SETTINGS, FUNCTIONS })).digest('hex');
}

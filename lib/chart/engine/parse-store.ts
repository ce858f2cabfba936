/**
 * Parses of chart templates kept on disk between processes (the CLI's). Parsing is most of a big
 * chart's render in the WebAssembly engine (kube-prometheus-stack: ~320 of ~500 ms), and every CLI
 * command is a new process; a chart rendered again with the same templates (another values file, the
 * next `upgrade` of the same chart version) reads the parse back instead. The engine encodes it
 * (go/src/quayside-engine/stored_parse.go) and rebuilds the template set from it.
 *
 * A parse is kept the second time the same templates are rendered: the first time leaves only an
 * empty marker. Encoding a parse and writing it costs a first render ~5% (postgresql), which a CI
 * runner rendering each chart once would pay for nothing.
 *
 * Charts whose templates are small are left out: their parse takes a few milliseconds, less than a
 * kept one costs to find, check and decode (ghost, 1.5 KB of templates: 174 ms with the store against
 * 164 without; podinfo, 42 KB, level).
 *
 * A file is named by a digest of the engine that wrote it and of every template's name and text, so
 * it is only ever read for the very texts it was parsed from; it starts with the SHA-256 of the rest,
 * so a torn or damaged file is ignored (and written again). Nothing here ever fails a render: a store
 * that cannot be read or written is a store without the parse.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Bumped when the key's inputs or the file's layout change. */
const STORE_FORMAT = 'quayside-parsed-templates-1';

/** Templates shorter than this in all (UTF-16 code units) are parsed every time, never kept. */
export const STORED_PARSE_MIN_LENGTH = 64 * 1024;

/** How many charts' parses are kept; the least recently used go first. */
export const STORED_PARSES_KEPT = 64;
/** How many markers of templates rendered once are kept. */
export const SEEN_MARKERS_KEPT = 256;

const SUFFIX = '.qpt';
const SEEN = '.seen';
const DIGEST_BYTES = 32;
/** A temporary file older than this was left by a process that stopped mid-write. */
const STALE_TEMPORARY_MS = 60 * 60 * 1000;

/**
 * The folder for kept parses: `$QUAYSIDE_CACHE_HOME/parsed-templates`, else under
 * `$XDG_CACHE_HOME/quayside`, else `~/.cache/quayside`. None when QUAYSIDE_NO_PARSE_CACHE is set.
 */
export function parseStoreDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.QUAYSIDE_NO_PARSE_CACHE) return undefined;
  if (env.QUAYSIDE_CACHE_HOME) return join(env.QUAYSIDE_CACHE_HOME, 'parsed-templates');
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'quayside', 'parsed-templates');
  let home: string;
  try {
    home = homedir();
  } catch {
    return undefined;
  }
  return home ? join(home, '.cache', 'quayside', 'parsed-templates') : undefined;
}

/** How many parses the folder holds. */
export function storedParses(dir: string): number {
  try {
    return readdirSync(dir).filter((name) => name.endsWith(SUFFIX)).length;
  } catch {
    return 0;
  }
}

/** Whether a set of templates is big enough for its parse to be kept. */
export function worthKeeping(templates: ReadonlyArray<{ data: string }>): boolean {
  let length = 0;
  for (const t of templates) {
    length += t.data.length;
    if (length >= STORED_PARSE_MIN_LENGTH) return true;
  }
  return false;
}

/** The key of a set of templates parsed by the engine whose engine.wasm has this digest (hex). */
export function storedParseKey(
  engineDigest: string,
  templates: ReadonlyArray<{ name: string; data: string }>,
): string {
  const hash = createHash('sha256').update(`${STORE_FORMAT}\0${engineDigest}\0${templates.length}\0`);
  const sorted = [...templates].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const t of sorted) hash.update(`${t.name}\0${Buffer.byteLength(t.data)}\0`).update(t.data);
  return hash.digest('hex');
}

/**
 * What the store has under key: the parse (checked against its digest), or whether to keep this
 * render's parse: yes when these templates were rendered before (a marker, or a damaged parse), no
 * the first time, which leaves the marker.
 */
export function lookUpStoredParse(dir: string, key: string): { parse: Uint8Array } | { keep: boolean } {
  const path = join(dir, key + SUFFIX);
  const file = readFile(path);
  if (file !== undefined) {
    const parse = checked(path, file);
    return parse === undefined ? { keep: true } : { parse };
  }
  const marker = join(dir, key + SEEN);
  if (existsSync(marker)) return { keep: true };
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(marker, '', { mode: 0o600 });
  } catch {
    // Without a marker the next render leaves one again.
  }
  return { keep: false };
}

/** The parse kept under key, checked against its digest; undefined when there is none or it is damaged. */
export function readStoredParse(dir: string, key: string): Uint8Array | undefined {
  const path = join(dir, key + SUFFIX);
  const file = readFile(path);
  return file === undefined ? undefined : checked(path, file);
}

function readFile(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** The parse in a kept file (read from path) if its digest matches, marked as used just now; undefined if it is damaged. */
function checked(path: string, file: Buffer): Uint8Array | undefined {
  if (file.length <= DIGEST_BYTES) return undefined;
  const payload = file.subarray(DIGEST_BYTES);
  if (!createHash('sha256').update(payload).digest().equals(file.subarray(0, DIGEST_BYTES))) return undefined;
  try {
    // Its time says when it was last used: pruning keeps the most recently used.
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // Kept either way.
  }
  return payload;
}

/**
 * Keeps a parse under key: written to a temporary file and renamed, so a reader sees the whole file
 * or none. Then prunes the folder to the STORED_PARSES_KEPT most recently used.
 */
export function writeStoredParse(dir: string, key: string, payload: Uint8Array): void {
  const temporary = join(dir, `${key}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const digest = createHash('sha256').update(payload).digest();
    writeFileSync(temporary, Buffer.concat([digest, payload]), { mode: 0o600 });
    renameSync(temporary, join(dir, key + SUFFIX));
    remove(join(dir, key + SEEN));
  } catch {
    try {
      unlinkSync(temporary);
    } catch {
      // Never made.
    }
    return;
  }
  prune(dir);
}

function prune(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  const parses: Array<{ name: string; used: number }> = [];
  const markers: Array<{ name: string; used: number }> = [];
  for (const name of names) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(join(dir, name), { throwIfNoEntry: false });
    } catch {
      continue;
    }
    if (!stat?.isFile()) continue;
    if (name.endsWith(SUFFIX)) parses.push({ name, used: stat.mtimeMs });
    else if (name.endsWith(SEEN)) markers.push({ name, used: stat.mtimeMs });
    else if (name.endsWith('.tmp') && now - stat.mtimeMs > STALE_TEMPORARY_MS) remove(join(dir, name));
  }
  for (const [files, kept] of [
    [parses, STORED_PARSES_KEPT],
    [markers, SEEN_MARKERS_KEPT],
  ] as const) {
    if (files.length <= kept) continue;
    files.sort((a, b) => b.used - a.used);
    for (const { name } of files.slice(kept)) remove(join(dir, name));
  }
}

function remove(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Another process pruned it first.
  }
}

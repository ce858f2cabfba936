import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lookUpStoredParse,
  parseStoreDir,
  readStoredParse,
  SEEN_MARKERS_KEPT,
  STORED_PARSE_MIN_LENGTH,
  STORED_PARSES_KEPT,
  storedParseKey,
  worthKeeping,
  writeStoredParse,
} from '../../lib/chart/engine/parse-store.ts';

const run = promisify(execFile);
const BIN = resolve(fileURLToPath(new URL('../../bin/quayside', import.meta.url)));

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'quayside-parse-store-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the parse store', () => {
  it('is under QUAYSIDE_CACHE_HOME, else XDG_CACHE_HOME, else ~/.cache; none when turned off', () => {
    expect(parseStoreDir({ QUAYSIDE_CACHE_HOME: '/c', XDG_CACHE_HOME: '/x' })).toBe('/c/parsed-templates');
    expect(parseStoreDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/quayside/parsed-templates');
    // XDG says a relative path is to be ignored.
    expect(parseStoreDir({ XDG_CACHE_HOME: 'x' })).toMatch(/\/\.cache\/quayside\/parsed-templates$/);
    expect(parseStoreDir({ QUAYSIDE_NO_PARSE_CACHE: '1', QUAYSIDE_CACHE_HOME: '/c' })).toBeUndefined();
  });

  it('keys a set by the engine and every name and text, not by their order', () => {
    const a = { name: 'c/templates/a.yaml', data: 'a: {{ .Values.a }}' };
    const b = { name: 'c/templates/b.yaml', data: 'b' };
    const key = storedParseKey('e1', [a, b]);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(storedParseKey('e1', [b, a])).toBe(key);
    expect(storedParseKey('e2', [a, b])).not.toBe(key);
    expect(storedParseKey('e1', [a, { ...b, data: 'b ' }])).not.toBe(key);
    expect(storedParseKey('e1', [a, { ...b, name: 'c/templates/B.yaml' }])).not.toBe(key);
    expect(storedParseKey('e1', [a])).not.toBe(key);
    // A name and text cannot run into each other.
    expect(storedParseKey('e1', [{ name: 'x', data: 'yz' }])).not.toBe(
      storedParseKey('e1', [{ name: 'xy', data: 'z' }]),
    );
  });

  it(`keeps the parses of templates ${STORED_PARSE_MIN_LENGTH} code units long in all, or longer`, () => {
    const half = 'x'.repeat(STORED_PARSE_MIN_LENGTH / 2);
    expect(worthKeeping([{ data: half }, { data: half }])).toBe(true);
    expect(worthKeeping([{ data: half }, { data: half.slice(1) }])).toBe(false);
    expect(worthKeeping([])).toBe(false);
  });

  it('reads back what it wrote, and nothing damaged or cut short', () => {
    const dir = join(root, 'rw');
    const payload = Buffer.from('QPT\u0001 some parse');
    expect(readStoredParse(dir, 'k')).toBeUndefined();
    writeStoredParse(dir, 'k', payload);
    expect(Buffer.from(readStoredParse(dir, 'k')!)).toEqual(payload);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'k.qpt')).mode & 0o777).toBe(0o600);
    const file = readFileSync(join(dir, 'k.qpt'));
    const damaged = Buffer.from(file);
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 1) ^ 1, damaged.length - 1);
    writeFileSync(join(dir, 'k.qpt'), damaged);
    expect(readStoredParse(dir, 'k')).toBeUndefined();
    writeFileSync(join(dir, 'k.qpt'), file.subarray(0, file.length - 1));
    expect(readStoredParse(dir, 'k')).toBeUndefined();
    writeFileSync(join(dir, 'k.qpt'), file.subarray(0, 32));
    expect(readStoredParse(dir, 'k')).toBeUndefined();
  });

  it('asks for a parse the second time templates are rendered, and reads it from then on', () => {
    const dir = join(root, 'seen');
    expect(lookUpStoredParse(dir, 'k')).toEqual({ keep: false });
    expect(readdirSync(dir)).toEqual(['k.seen']);
    expect(lookUpStoredParse(dir, 'k')).toEqual({ keep: true });
    writeStoredParse(dir, 'k', Buffer.from('parse'));
    expect(readdirSync(dir)).toEqual(['k.qpt']);
    const found = lookUpStoredParse(dir, 'k');
    expect('parse' in found && Buffer.from(found.parse).toString()).toBe('parse');
    // A damaged parse was kept before: this render's is kept in its place.
    writeFileSync(join(dir, 'k.qpt'), 'damaged');
    expect(lookUpStoredParse(dir, 'k')).toEqual({ keep: true });
    // A folder that cannot be made (a file in the way) is a store without parses.
    writeFileSync(join(root, 'a-file'), '');
    expect(lookUpStoredParse(join(root, 'a-file', 'below'), 'k')).toEqual({ keep: false });
    expect(() => writeStoredParse(join(root, 'a-file', 'below'), 'k', Buffer.from('x'))).not.toThrow();
  });

  it(`keeps the ${STORED_PARSES_KEPT} most recently used, and clears temporary files left long ago`, () => {
    const dir = join(root, 'prune');
    const old = new Date(Date.now() - 3 * 3600_000);
    for (let i = 0; i < STORED_PARSES_KEPT; i++) {
      writeStoredParse(dir, `k${i}`, Buffer.from([i]));
      const at = new Date(old.getTime() + i * 1000);
      utimesSync(join(dir, `k${i}.qpt`), at, at);
    }
    writeFileSync(join(dir, 'k0.1.abc.tmp'), 'left by a process that stopped');
    utimesSync(join(dir, 'k0.1.abc.tmp'), old, old);
    writeFileSync(join(dir, 'k1.2.abc.tmp'), 'being written now');
    for (let i = 0; i <= SEEN_MARKERS_KEPT; i++) {
      writeFileSync(join(dir, `m${i}.seen`), '');
      const at = new Date(old.getTime() + i * 1000);
      utimesSync(join(dir, `m${i}.seen`), at, at);
    }
    // Reading k0 makes it the most recently used: k1 is then the least, and goes first.
    expect(readStoredParse(dir, 'k0')).toBeDefined();
    writeStoredParse(dir, 'new', Buffer.from('n'));
    const names = readdirSync(dir);
    expect(names.filter((n) => n.endsWith('.qpt'))).toHaveLength(STORED_PARSES_KEPT);
    expect(names).toContain('k0.qpt');
    expect(names).toContain('new.qpt');
    expect(names).not.toContain('k1.qpt');
    expect(names).not.toContain('k0.1.abc.tmp');
    expect(names).toContain('k1.2.abc.tmp');
    expect(names.filter((n) => n.endsWith('.seen'))).toHaveLength(SEEN_MARKERS_KEPT);
    expect(names).not.toContain('m0.seen');
  });

  it('never fails a caller: a folder it cannot write is a store without parses', () => {
    const dir = join(root, 'read-only');
    mkdirSync(dir);
    chmodSync(dir, 0o500);
    try {
      expect(() => writeStoredParse(dir, 'k', Buffer.from('x'))).not.toThrow();
      expect(() => writeStoredParse(join(dir, 'below'), 'k', Buffer.from('x'))).not.toThrow();
      // root may write anyway; either way nothing is left half written.
      expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});

/** A chart whose templates are just long enough for their parse to be kept (a long comment). */
function writeChart(chart: string, comment: number): void {
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(join(chart, 'Chart.yaml'), `apiVersion: v2\nname: ${basename(chart)}\nversion: 1.0.0\n`);
  writeFileSync(join(chart, 'values.yaml'), 'zzzz: one\nyyyy: two\n');
  writeFileSync(
    join(chart, 'templates', '_h.tpl'),
    '{{- define "h" -}}{{ .Values.zzzz | quote }}{{- end -}}\n',
  );
  writeFileSync(
    join(chart, 'templates', 'cm.yaml'),
    `{{- /* ${'x'.repeat(comment)} */ -}}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  a: {{ include "h" . }}\n`,
  );
}

describe('quayside template keeps and reuses its parse', () => {
  let chart: string;
  beforeAll(() => {
    chart = join(root, 'chart');
    writeChart(chart, STORED_PARSE_MIN_LENGTH);
  });

  it('keeps none for a chart whose templates are short: they parse in less time than a kept parse is read', async () => {
    const small = join(root, 'small');
    writeChart(small, STORED_PARSE_MIN_LENGTH - 300);
    const home = mkdtempSync(join(root, 'home-'));
    const env = { PATH: process.env.PATH ?? '', HOME: home, QUAYSIDE_ENGINE: 'wasm' };
    for (let i = 0; i < 3; i++) {
      expect((await run(BIN, ['template', 'r', small], { env })).stdout).toContain('a: "one"');
    }
    expect(kept(home)).toEqual([]);
  });

  /** Runs the CLI with its own home; `bundle` skips the start-up snapshot (the engine then runs in a worker thread). */
  async function template(home: string, extra: Record<string, string> = {}): Promise<string> {
    const env = { PATH: process.env.PATH ?? '', HOME: home, QUAYSIDE_ENGINE: 'wasm', ...extra };
    const { stdout } = await run(BIN, ['template', 'r', chart], { env });
    return stdout;
  }

  function kept(home: string): string[] {
    const dir = join(home, '.cache', 'quayside', 'parsed-templates');
    try {
      return readdirSync(dir).map((n) => join(dir, n));
    } catch {
      return [];
    }
  }

  for (const [path, extra] of [
    ['from the start-up snapshot (the engine in the main thread)', {}],
    ['from the bundle (the engine in a worker thread)', { QUAYSIDE_NO_SNAPSHOT: '1' }],
  ] as const) {
    it(`${path}: keeps the parse the second time, renders from it, and writes a damaged one again`, async () => {
      const home = mkdtempSync(join(root, 'home-'));
      const first = await template(home, extra);
      expect(first).toContain('a: "one"');
      expect(kept(home).map((f) => f.slice(-5))).toEqual(['.seen']);
      expect(await template(home, extra)).toBe(first);
      const [file, ...more] = kept(home);
      expect(more).toEqual([]);
      expect(file).toMatch(/\.qpt$/);
      const written = readFileSync(file!);

      // The second run renders from the parse, not from the texts: the identifier changed in the kept
      // parse (its digest made again) is what it reads.
      const payload = Buffer.from(
        written.subarray(32).toString('latin1').replaceAll('zzzz', 'yyyy'),
        'latin1',
      );
      writeFileSync(file!, Buffer.concat([createHash('sha256').update(payload).digest(), payload]));
      expect(await template(home, extra)).toContain('a: "two"');

      // A damaged file is not used: the texts are parsed and the parse written again.
      const damaged = Buffer.from(written);
      damaged.writeUInt8(damaged.readUInt8(damaged.length - 3) ^ 0xff, damaged.length - 3);
      writeFileSync(file!, damaged);
      expect(await template(home, extra)).toBe(first);
      expect(readFileSync(file!)).toEqual(written);
    });
  }

  it('quayside version --verbose says where parses are kept, and how many', async () => {
    const home = mkdtempSync(join(root, 'home-'));
    const version = async (extra: Record<string, string> = {}) =>
      (
        await run(BIN, ['version', '--verbose'], {
          env: { PATH: process.env.PATH ?? '', HOME: home, QUAYSIDE_ENGINE: 'wasm', ...extra },
        })
      ).stdout;
    const dir = join(home, '.cache', 'quayside', 'parsed-templates');
    expect(await version()).toContain(`parsed templates: kept in ${dir} (0 charts)\n`);
    await template(home);
    await template(home);
    expect(await version()).toContain(`parsed templates: kept in ${dir} (1 chart)\n`);
    expect(await version({ QUAYSIDE_NO_PARSE_CACHE: '1' })).toContain(
      'parsed templates: not kept (QUAYSIDE_NO_PARSE_CACHE is set)\n',
    );
  });

  it('keeps nothing when QUAYSIDE_NO_PARSE_CACHE is set', async () => {
    const home = mkdtempSync(join(root, 'home-'));
    expect(await template(home, { QUAYSIDE_NO_PARSE_CACHE: '1' })).toContain('a: "one"');
    expect(await template(home, { QUAYSIDE_NO_PARSE_CACHE: '1' })).toContain('a: "one"');
    expect(kept(home)).toEqual([]);
  });
});

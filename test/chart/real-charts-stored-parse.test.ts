import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareTemplateRun, helmRuns, type TemplateRun } from '../fixtures/helm-oracle.ts';
import { sharedCorpusCases } from './corpus/cases.ts';
import { runQuayside } from './helpers.ts';

/**
 * The default case of each chart of the shared real-chart corpus, rendered by `quayside template` as
 * the command a user runs (a process started from the CLI's snapshot) three times: the second run keeps the parse of its
 * templates on disk (lib/chart/engine/parse-store.ts), and the third, rendering from it, prints what
 * helm 4.1.4 prints. That the third run used the kept parse is seen on disk: it read the very file the
 * second wrote (a parse refused or damaged is written again, as a new file) and wrote none.
 *
 * The other cases render the same charts with other values. That a decoded parse is the parse, for
 * every template of every chart, is checked field by field in Go (parse/cache_test.go); this test is
 * for the path through the CLI, the store and the engine, one chart at a time.
 */
/** The CLI with a home and a parse store of its own; compared with helm, not with Helm's paths inside the engine. */
function runCli(args: readonly string[], cwd: string, home: string): Promise<TemplateRun> {
  return runQuayside(args, cwd, {
    HOME: home,
    QUAYSIDE_CACHE_HOME: join(home, 'cache'),
    QUAYSIDE_VERIFY_ENGINE_SHORTCUTS: undefined,
    // Parses are kept for the WebAssembly engine (the native one parses in a few ms).
    QUAYSIDE_ENGINE: 'wasm',
  });
}

/** The kept parses under home: file name → inode. */
function keptParses(home: string): Record<string, number> {
  const dir = join(home, 'cache', 'parsed-templates');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return {};
  }
  return Object.fromEntries(names.map((name) => [name, statSync(join(dir, name)).ino]));
}

describe('each chart of the shared real-chart corpus renders from a kept parse as the real helm 4.1.4 renders it', () => {
  const cases = sharedCorpusCases().filter((c) => c.id.endsWith('/default'));
  let root: string;
  let keptCharts = 0;
  let helm: Map<string, Promise<[TemplateRun, TemplateRun]>>;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'quayside-stored-parse-'));
    helm = new Map(cases.map((c) => [c.id, helmRuns(c)]));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('has cases to compare', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  cases.forEach((c, i) => {
    it(`${c.id}: quayside template from the kept parse prints what helm prints`, async () => {
      const home = join(root, String(i));
      mkdirSync(home);
      await runCli(c.args, c.cwd, home);
      // A marker after the first run: templates long enough for their parse to be kept.
      const marked = Object.keys(keptParses(home)).length > 0;
      const second = await runCli(c.args, c.cwd, home);
      const kept = keptParses(home);
      if (second.code === 0) {
        expect(
          Object.keys(kept).map((name) => name.slice(-4)),
          second.stderr,
        ).toEqual(marked ? ['.qpt'] : []);
        if (marked) keptCharts++;
      }
      const third = await runCli(c.args, c.cwd, home);
      expect(keptParses(home), 'the third run read the kept parse and wrote none').toEqual(kept);
      const result = compareTemplateRun(third, await helm.get(c.id)!);
      expect(result.problems, `${c.args.join(' ')} (in ${c.cwd})`).toEqual([]);
    });
  });

  it('kept the parse of most charts (those with templates long enough)', () => {
    expect(keptCharts).toBeGreaterThanOrEqual(15);
  });
});

/** `quayside list`, with helm 4's flags and defaults (pkg/action/list.go, pkg/cmd/list.go). */
import { compareText, type ReleaseStatus } from '../domain/index.ts';
import type { ReleaseStore, ReleaseSummary } from '../store/index.ts';
import { COMMON_FLAGS, expectArgs, type Flags, wholeNumber } from './args.ts';
import { type CommandSpec, print } from './command.ts';
import type { Target } from './context.ts';
import { CliUsageError } from './errors.ts';
import { encodeData, formatGoLayout } from './format.ts';
import { MESSAGES } from './messages.ts';
import { listData, listTable } from './release-output.ts';
import { USAGE } from './usage.ts';

/** The statuses each filter flag selects. */
const LIST_FILTERS = {
  deployed: ['deployed'],
  failed: ['failed'],
  pending: ['pending-install', 'pending-upgrade', 'pending-rollback'],
  uninstalled: ['uninstalled'],
  superseded: ['superseded'],
  uninstalling: ['uninstalling'],
} as const satisfies Record<string, readonly ReleaseStatus[]>;
type ListFilter = keyof typeof LIST_FILTERS;
const FILTER_FLAGS = Object.keys(LIST_FILTERS) as ListFilter[];

/** helm list's default --max. */
const DEFAULT_MAX = 256;

/** One row: a release's latest revision, or (with --superseded alone) one superseded revision. */
type Row = ReleaseSummary;

export const listCommand: CommandSpec = {
  name: 'list',
  usage: USAGE.list,
  flags: [
    ...COMMON_FLAGS,
    'all',
    'all-namespaces',
    ...FILTER_FLAGS,
    'short',
    'filter',
    'max',
    'offset',
    'date',
    'reverse',
    'no-headers',
    'time-format',
    'selector',
  ],
  async run({ positionals, flags, target, store, output }) {
    expectArgs('list', positionals, 0, 0, 'quayside list [flags]');
    const chosen = FILTER_FLAGS.filter((f) => flags[f]);
    // helm 4 lists every status unless filter flags narrow it; -a (helm 3's "all") changes nothing.
    const wanted = new Set<ReleaseStatus>(
      flags.all || chosen.length === 0
        ? FILTER_FLAGS.flatMap((f) => LIST_FILTERS[f])
        : chosen.flatMap((f) => LIST_FILTERS[f]),
    );
    const name = nameFilter(flags.filter);
    const selector = parseSelector(flags.selector);
    const heads = await readHeads(store, target, flags['all-namespaces'] ?? false);
    // Superseded revisions are never a release's latest: asked for alone, they are listed themselves.
    const onlySuperseded = !flags.all && chosen.length === 1 && chosen[0] === 'superseded';
    const rows = (onlySuperseded ? await supersededRows(store, heads) : heads).filter(
      (row) => wanted.has(row.status) && name(row.release.name) && selector(),
    );
    const shown = page(sortRows(rows, flags), flags);
    print(render(shown, flags, output));
    return 0;
  },
};

async function readHeads(store: ReleaseStore, target: Target, everywhere: boolean): Promise<Row[]> {
  const heads: Row[] = [];
  let cursor: string | undefined;
  do {
    const found = await store.list({
      cluster: target.cluster,
      ...(everywhere ? {} : { namespace: target.namespace }),
      ...(cursor ? { cursor } : {}),
    });
    heads.push(...found.releases);
    cursor = found.cursor;
  } while (cursor);
  return heads;
}

async function supersededRows(store: ReleaseStore, heads: readonly Row[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const head of heads) {
    let cursor: string | undefined;
    do {
      const found = await store.history(head.release, cursor ? { cursor } : {});
      for (const revision of found.revisions) {
        if (revision.status !== 'superseded') continue;
        rows.push({
          ...head,
          latestRevision: revision.revision,
          status: revision.status,
          description: revision.description,
          chart: revision.chart,
          updatedAt: revision.lastDeployed ?? revision.finishedAt ?? revision.startedAt,
        });
      }
      cursor = found.cursor;
    } while (cursor);
  }
  return rows;
}

/** --filter: a regular expression names must match (helm's is Go's RE2; JavaScript's reads the same for common patterns). */
function nameFilter(pattern: string | undefined): (name: string) => boolean {
  if (pattern === undefined || pattern === '') return () => true;
  try {
    const regex = new RegExp(pattern);
    return (name) => regex.test(name);
  } catch (error) {
    throw new CliUsageError('list', MESSAGES.badFilter((error as Error).message));
  }
}

/**
 * -l/--selector, as Kubernetes label selectors read it (`a=b`, `a==b`, `a!=b`, comma-separated).
 * Releases carry no labels in quayside, so an equality never matches and an inequality always does.
 */
function parseSelector(text: string | undefined): () => boolean {
  if (text === undefined || text.trim() === '') return () => true;
  const terms = text.split(',').map((term) => {
    const match = /^\s*([A-Za-z0-9][-A-Za-z0-9_./]*)\s*(!=|==|=)\s*([-A-Za-z0-9_.]*)\s*$/.exec(term);
    if (!match) throw new CliUsageError('list', MESSAGES.badSelector(text));
    return match[2] === '!=';
  });
  const matches = terms.every((inequality) => inequality);
  return () => matches;
}

const byName = (a: Row, b: Row) =>
  compareText(a.release.name, b.release.name) || compareText(a.release.namespace, b.release.namespace);
const seconds = (row: Row) => Math.floor(Date.parse(row.updatedAt) / 1000);
const byDate = (a: Row, b: Row) => seconds(a) - seconds(b) || byName(a, b);

/** By name; -r by name descending; -d by date, oldest first; -d -r newest first (helm's sorters). */
function sortRows(rows: Row[], flags: Flags): Row[] {
  const sorted = [...rows].sort(flags.date ? byDate : byName);
  return flags.reverse ? sorted.reverse() : sorted;
}

/** --offset, then --max (0: no limit), as helm slices the sorted list. */
function page(rows: Row[], flags: Flags): Row[] {
  const offset = wholeNumber('list', '--offset', flags.offset) ?? 0;
  const max = wholeNumber('list', '--max', flags.max) ?? DEFAULT_MAX;
  if (offset >= rows.length) return [];
  return rows.slice(offset, max > 0 ? offset + max : undefined);
}

function render(rows: readonly Row[], flags: Flags, output: 'table' | 'json' | 'yaml'): string {
  if (flags.short) {
    const names = rows.map((row) => row.release.name);
    return output === 'table' ? names.map((n) => `${n}\n`).join('') : encodeData(output, names);
  }
  const layout = flags['time-format'];
  const data = listData(rows).map((row, i) =>
    layout ? { ...row, updated: formatGoLayout(rows[i]?.updatedAt ?? '', layout) } : row,
  );
  if (output !== 'table') return encodeData(output, data);
  return listTable(data, { headers: !flags['no-headers'] });
}

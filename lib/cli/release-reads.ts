import type { ReleaseStatus } from '../domain/index.ts';
import { readHistory, readHooks, readManifest, readNotes, readStatus, readValues } from '../engine/index.ts';
import type { ReleaseSummary } from '../store/index.ts';
import { COMMON_FLAGS, expectArgs, revisionNumber, wholeNumber } from './args.ts';
import { type CommandInput, type CommandSpec, print } from './command.ts';
import { releaseOf } from './context.ts';
import { CliUsageError } from './errors.ts';
import { encodeData, formatValuesYaml } from './format.ts';
import { MESSAGES } from './messages.ts';
import {
  historyData,
  historyTable,
  hooksText,
  listData,
  listTable,
  statusData,
  statusText,
} from './release-output.ts';
import { USAGE } from './usage.ts';

/** helm history's default --max. */
const DEFAULT_HISTORY_MAX = 256;

export const historyCommand: CommandSpec = {
  name: 'history',
  usage: USAGE.history,
  flags: [...COMMON_FLAGS, 'max'],
  async run({ positionals, flags, target, store, output }) {
    expectArgs('history', positionals, 1, 1, 'quayside history NAME [--max N]');
    const release = releaseOf(target, positionals[0] as string);
    const max = wholeNumber('history', '--max', flags.max) ?? DEFAULT_HISTORY_MAX;
    const revisions = await readHistory(store, release, max);
    print(output === 'table' ? historyTable(revisions) : encodeData(output, historyData(revisions)));
    return 0;
  },
};

export const statusCommand: CommandSpec = {
  name: 'status',
  usage: USAGE.status,
  flags: [...COMMON_FLAGS, 'revision'],
  async run({ positionals, flags, target, store, output }) {
    expectArgs('status', positionals, 1, 1, 'quayside status NAME [--revision N]');
    const release = releaseOf(target, positionals[0] as string);
    const view = await readStatus(store, release, revisionNumber('status', flags.revision));
    if (output !== 'table') {
      print(encodeData(output, statusData(view)));
      return 0;
    }
    const hooks = await readHooks(store, release, view.revision.revision);
    print(
      statusText(
        view,
        hooks.filter((h) => h.events.includes('test')),
      ),
    );
    return 0;
  },
};

/** The statuses each list filter flag selects; helm's default is deployed and failed. */
const LIST_FILTERS: Record<
  'deployed' | 'failed' | 'pending' | 'uninstalled' | 'superseded' | 'uninstalling',
  ReleaseStatus[]
> = {
  deployed: ['deployed'],
  failed: ['failed'],
  pending: ['pending-install', 'pending-upgrade', 'pending-rollback'],
  uninstalled: ['uninstalled'],
  superseded: ['superseded'],
  uninstalling: ['uninstalling'],
};

export const listCommand: CommandSpec = {
  name: 'list',
  usage: USAGE.list,
  flags: [
    ...COMMON_FLAGS,
    'all',
    'all-namespaces',
    ...(Object.keys(LIST_FILTERS) as (keyof typeof LIST_FILTERS)[]),
  ],
  async run({ positionals, flags, target, store, output }) {
    expectArgs('list', positionals, 0, 0, 'quayside list [flags]');
    const chosen = (Object.keys(LIST_FILTERS) as (keyof typeof LIST_FILTERS)[]).filter((f) => flags[f]);
    const wanted = new Set<ReleaseStatus>(
      (chosen.length > 0 ? chosen : (['deployed', 'failed'] as const)).flatMap((f) => LIST_FILTERS[f]),
    );
    const releases: ReleaseSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({
        cluster: target.cluster,
        ...(flags['all-namespaces'] ? {} : { namespace: target.namespace }),
        ...(cursor ? { cursor } : {}),
      });
      releases.push(...page.releases);
      cursor = page.cursor;
    } while (cursor);
    const shown = releases
      .filter((r) => flags.all || wanted.has(r.status))
      .sort(
        (a, b) =>
          a.release.name.localeCompare(b.release.name) ||
          a.release.namespace.localeCompare(b.release.namespace),
      );
    print(output === 'table' ? listTable(shown) : encodeData(output, listData(shown)));
    return 0;
  },
};

const GET_WHAT = ['values', 'manifest', 'notes', 'hooks', 'all'] as const;
type GetWhat = (typeof GET_WHAT)[number];

export const getCommand: CommandSpec = {
  name: 'get',
  usage: USAGE.get,
  flags: [...COMMON_FLAGS, 'revision', 'all'],
  async run(input) {
    const [what, name, ...rest] = input.positionals;
    if (!GET_WHAT.includes(what as GetWhat)) throw new CliUsageError('get', MESSAGES.getWhat);
    expectArgs(
      'get',
      name === undefined ? [] : [name, ...rest],
      1,
      1,
      `quayside get ${what} NAME [--revision N]`,
    );
    print(await getText(what as GetWhat, name as string, input));
    return 0;
  },
};

async function getText(
  what: GetWhat,
  name: string,
  { flags, target, store, output }: CommandInput,
): Promise<string> {
  const release = releaseOf(target, name);
  const revision = revisionNumber('get', flags.revision);
  const all = flags.all ?? false;
  switch (what) {
    case 'values': {
      const values = await readValues(store, release, { ...(revision ? { revision } : {}), all });
      if (output !== 'table') return encodeData(output, values);
      return `${all ? 'COMPUTED VALUES:' : 'USER-SUPPLIED VALUES:'}\n${formatValuesYaml(values)}`;
    }
    case 'manifest':
      return ensureNewline(await readManifest(store, release, revision));
    case 'notes': {
      const notes = await readNotes(store, release, revision);
      return notes.trim() === '' ? '' : `NOTES:\n${ensureNewline(notes)}`;
    }
    case 'hooks': {
      const hooks = await readHooks(store, release, revision);
      return output === 'table' ? hooksText(hooks) : encodeData(output, hooks);
    }
    case 'all': {
      const view = await readStatus(store, release, revision);
      const n = view.revision.revision;
      const [config, computed, hooks, manifest] = await Promise.all([
        readValues(store, release, { revision: n }),
        readValues(store, release, { revision: n, all: true }),
        readHooks(store, release, n),
        readManifest(store, release, n),
      ]);
      if (output !== 'table') {
        return encodeData(output, { ...statusData(view), config, values: computed, hooks, manifest });
      }
      const { notes, ...withoutNotes } = view;
      return [
        statusText(
          { ...withoutNotes, notes: '' },
          hooks.filter((h) => h.events.includes('test')),
        ),
        `USER-SUPPLIED VALUES:\n${formatValuesYaml(config)}`,
        `COMPUTED VALUES:\n${formatValuesYaml(computed)}`,
        `HOOKS:\n${hooksText(hooks)}`,
        `MANIFEST:\n${ensureNewline(manifest)}`,
        notes.trim() === '' ? '' : `NOTES:\n${ensureNewline(notes.trim())}`,
      ].join('');
    }
  }
}

function ensureNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

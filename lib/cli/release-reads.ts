import {
  parseManifest,
  readHistory,
  readHooks,
  readManifest,
  readNotes,
  readStatusAndBody,
  readValues,
} from '../engine/index.ts';
import type { ResourceGroup } from '../kube/index.ts';
import { AutomationRecords } from '../store/index.ts';
import { COMMON_FLAGS, countFlag, expectArgs, revisionNumber } from './args.ts';
import { type CommandInput, type CommandSpec, print } from './command.ts';
import { releaseOf, type Target } from './context.ts';
import { CliUsageError } from './errors.ts';
import { encodeData, formatValuesYaml } from './format.ts';
import { MESSAGES } from './messages.ts';
import {
  historyData,
  historyTable,
  hooksText,
  resourcesText,
  statusData,
  statusReadData,
  statusText,
} from './release-output.ts';
import { USAGE } from './usage.ts';

/** How long --show-resources may take to read the cluster. */
const RESOURCES_TIMEOUT_MS = 30_000;

/** helm history's default --max. */
const DEFAULT_HISTORY_MAX = 256;

export const historyCommand: CommandSpec = {
  name: 'history',
  usage: USAGE.history,
  flags: [...COMMON_FLAGS, 'max'],
  async run({ positionals, flags, target, store, output }) {
    expectArgs('history', positionals, 1, 1, 'quayside history NAME [--max N]');
    const release = releaseOf(target, positionals[0] as string);
    const max = countFlag('history', '--max', flags.max) ?? DEFAULT_HISTORY_MAX;
    const revisions = await readHistory(store, release, max);
    // The automation's bakes, when the release has any (issue 14): a column helm's history has not.
    const bakes = await new AutomationRecords(store.driver).listBakes(release);
    print(
      output === 'table' ? historyTable(revisions, bakes) : encodeData(output, historyData(revisions, bakes)),
    );
    return 0;
  },
};

export const statusCommand: CommandSpec = {
  name: 'status',
  usage: USAGE.status,
  flags: [...COMMON_FLAGS, 'revision', 'show-resources'],
  async run({ positionals, flags, target, store, output }) {
    expectArgs('status', positionals, 1, 1, 'quayside status NAME [--revision N]');
    const release = releaseOf(target, positionals[0] as string);
    const { view, body } = await readStatusAndBody(store, release, revisionNumber('status', flags.revision));
    const { manifest, config } = body;
    // The cluster is asked only with --show-resources: status otherwise reads the store alone, so
    // that queued-mode users need no access to the cluster.
    const resources = flags['show-resources']
      ? await releaseResources(target, release.namespace, manifest, output === 'table' ? 'tables' : 'objects')
      : undefined;
    if (output !== 'table') {
      const data = statusReadData(view, manifest, sortKeys(config) as Record<string, unknown>);
      const withResources =
        resources === undefined
          ? data
          : {
              ...data,
              info: {
                ...data.info,
                resources: Object.fromEntries(resources.map((group) => [group.key, group.objects])),
              },
            };
      print(encodeData(output, withResources));
      return 0;
    }
    print(
      statusText(
        view,
        body.hooks.filter((h) => h.events.includes('test')),
        resources === undefined || resources.length === 0 ? {} : { resources: resourcesText(resources) },
      ),
    );
    return 0;
  },
};

/** The release's objects on its cluster, as `helm status` shows them (RESOURCES). */
async function releaseResources(
  target: Target,
  namespace: string,
  manifest: string,
  as: 'tables' | 'objects',
): Promise<ResourceGroup[]> {
  // Loaded here: history, get and a plain status never talk to the cluster (no https, no kube client).
  const { kubeconfigConnectionProvider, readResourceTables } = await import('../kube/index.ts');
  const connection = await kubeconfigConnectionProvider({ file: target.kubeconfig }).connect(target.cluster);
  try {
    return await readResourceTables({
      connection,
      objects: parseManifest(manifest),
      namespace,
      deadline: Date.now() + RESOURCES_TIMEOUT_MS,
      as,
    });
  } finally {
    connection.close();
  }
}

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
      // helm encodes no values as null in every format, and a map's keys in order (Go's encoder).
      if (output !== 'table')
        return encodeData(output, Object.keys(values).length === 0 ? null : sortKeys(values));
      return `${all ? 'COMPUTED VALUES:' : 'USER-SUPPLIED VALUES:'}\n${formatValuesYaml(values)}`;
    }
    case 'manifest':
      // helm prints the stored manifest and a newline (Println).
      return `${await readManifest(store, release, revision)}\n`;
    case 'notes': {
      const notes = await readNotes(store, release, revision);
      // helm prints the notes as stored and a newline after them.
      return notes.trim() === '' ? '' : `NOTES:\n${notes}\n`;
    }
    case 'hooks': {
      const hooks = await readHooks(store, release, revision);
      return output === 'table' ? hooksText(hooks) : encodeData(output, hooks);
    }
    case 'all': {
      const { view, body } = await readStatusAndBody(store, release, revision);
      const { config, values: computed, hooks, manifest, notes } = body;
      if (output !== 'table') {
        return encodeData(output, { ...statusData(view), config, values: computed, hooks, manifest });
      }
      // helm's status printer with debug and chart metadata on: each YAML block and the manifest
      // are followed by an empty line.
      return [
        statusText(
          { ...view, notes: '' },
          hooks.filter((h) => h.events.includes('test')),
          { showChart: true },
        ),
        `USER-SUPPLIED VALUES:\n${formatValuesYaml(config)}\n`,
        `COMPUTED VALUES:\n${formatValuesYaml(computed)}\n`,
        `HOOKS:\n${hooksText(hooks)}`,
        `MANIFEST:\n${ensureNewline(manifest)}\n`,
        notes.trim() === '' ? '' : `NOTES:\n${ensureNewline(notes.trim())}`,
      ].join('');
    }
  }
}

/** Map keys sorted at every level, as Go's JSON encoder writes a map. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

function ensureNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

/** `quayside cluster add|list|show|remove`: the cluster registry, in the store the service uses. */

import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import {
  type ClusterEntry,
  type ClusterEntryInput,
  ClusterExistsError,
  describeTarget,
  StoreClusterRegistry,
} from '../clusters/index.ts';
import { ValidationError } from '../domain/index.ts';
import { openDriver, ReleaseStore, StoreError } from '../store/index.ts';
import { storeUrlOf } from './context.ts';
import { encodeData, formatTable } from './format.ts';
import { CLUSTER_COMMAND } from './messages.ts';
import { readSubcommand, usageError as usageFailure } from './subcommand.ts';

const USAGE = `Usage: quayside cluster add NAME --eks CLUSTER --region REGION [--role-arn ARN [--external-id ID]]
                           [--endpoint URL (--ca-data BASE64 | --ca-file FILE)] [--upsert]
       quayside cluster add NAME --kubeconfig-secret SECRET [--context CONTEXT] [--upsert]
       quayside cluster add NAME --context CONTEXT [--kubeconfig FILE] [--upsert]
       quayside cluster list [-o table|json|yaml]
       quayside cluster show NAME [-o yaml|json]
       quayside cluster remove NAME [--force]

The clusters the service deploys to, by the name requests use (--cluster, release.cluster).

  add       registers a cluster:
            --eks: an EKS cluster, reached with an EKS token of the worker's role, or of --role-arn
              (assumed first, with --external-id when its trust policy asks); the endpoint and CA come
              from DescribeCluster unless pinned with --endpoint and --ca-data/--ca-file
            --kubeconfig-secret: a kubeconfig kept in AWS Secrets Manager (clusters that are not EKS;
              tokens or client certificates, no exec plugins), at --context or its current context
            --context: a context of a kubeconfig file on this machine (the CLI and the local stack only)
            --upsert replaces an entry of that name
  list      the registered clusters
  show      one cluster's entry
  remove    unregisters a cluster; refused while the store has releases on it, unless --force

Flags:
  --store URL   the release store the service uses (default $QUAYSIDE_STORE, else file://~/.quayside/store)
  -o FORMAT     table (list only), json or yaml`;

type Values = ReturnType<typeof parse>['values'];

/** Runs the command; returns the exit code (0 done, 1 refused or failed, 2 bad usage). */
export async function runClusterCommand(argv: string[]): Promise<number> {
  const parsed = readSubcommand(argv, parse, USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [verb, name, ...extra] = positionals;
  if (extra.length > 0) return usageError(CLUSTER_COMMAND.extraArgs(extra));
  if (verb !== 'list' && verb !== 'add' && verb !== 'show' && verb !== 'remove') {
    return usageError(CLUSTER_COMMAND.verb);
  }
  if (verb !== 'list' && name === undefined) return usageError(CLUSTER_COMMAND.needsName(verb));
  const output = values.output ?? (verb === 'show' ? 'yaml' : 'table');
  if (!['table', 'json', 'yaml'].includes(output) || (verb === 'show' && output === 'table')) {
    return usageError(CLUSTER_COMMAND.badOutput(output));
  }
  let input: ClusterEntryInput | undefined;
  if (verb === 'add') {
    try {
      input = entryFromFlags(name as string, values);
    } catch (error) {
      if (error instanceof ValidationError) return usageError(error.message);
      throw error;
    }
  }
  const store = new ReleaseStore(await openDriver(storeUrlOf({ store: values.store })));
  const registry = new StoreClusterRegistry({ driver: store.driver });
  try {
    switch (verb) {
      case 'list':
        process.stdout.write(renderList(await registry.list(), output as 'table' | 'json' | 'yaml'));
        return 0;
      case 'show': {
        const entry = await registry.get(name as string);
        if (entry === undefined) return failure(CLUSTER_COMMAND.notFound(name as string));
        process.stdout.write(encodeData(output as 'json' | 'yaml', entry));
        return 0;
      }
      case 'add': {
        const entry = await registry.add(input as ClusterEntryInput, { upsert: values.upsert ?? false });
        process.stdout.write(`${CLUSTER_COMMAND.added(entry.name, describeTarget(entry))}\n`);
        return 0;
      }
      case 'remove':
        return await remove(store, registry, name as string, values.force ?? false);
    }
  } catch (error) {
    if (error instanceof ValidationError) return usageError(error.message);
    if (error instanceof ClusterExistsError || error instanceof StoreError) return failure(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

async function remove(
  store: ReleaseStore,
  registry: StoreClusterRegistry,
  name: string,
  force: boolean,
): Promise<number> {
  if (!force) {
    const { releases } = await store.list({ cluster: name, limit: 1 });
    const [first] = releases;
    if (first !== undefined) {
      return failure(CLUSTER_COMMAND.hasReleases(name, `${first.release.namespace}/${first.release.name}`));
    }
  }
  if (!(await registry.remove(name))) return failure(CLUSTER_COMMAND.notFound(name));
  process.stdout.write(`${CLUSTER_COMMAND.removed(name)}\n`);
  return 0;
}

/** Flags that belong to some kinds of entry only. */
const FLAGS_OF_KIND: readonly (readonly [keyof Values, readonly string[]])[] = [
  ['region', ['eks']],
  ['role-arn', ['eks']],
  ['external-id', ['eks']],
  ['endpoint', ['eks']],
  ['ca-data', ['eks']],
  ['ca-file', ['eks']],
  ['kubeconfig', ['context']],
];

/**
 * The entry `add`'s flags describe; exactly one of --eks, --kubeconfig-secret, --context.
 * @throws ValidationError naming the flags that do not fit together.
 */
function entryFromFlags(name: string, values: Values): ClusterEntryInput {
  const kind =
    values.eks !== undefined
      ? 'eks'
      : values['kubeconfig-secret'] !== undefined
        ? 'kubeconfig'
        : values.context !== undefined
          ? 'context'
          : undefined;
  if (
    kind === undefined ||
    (kind === 'eks' && (values['kubeconfig-secret'] ?? values.context) !== undefined)
  ) {
    throw new ValidationError([{ field: 'add', message: CLUSTER_COMMAND.oneKind }]);
  }
  const misplaced = FLAGS_OF_KIND.filter(
    ([flag, kinds]) => values[flag] !== undefined && !kinds.includes(kind),
  );
  if (misplaced.length > 0) {
    throw new ValidationError(
      misplaced.map(([flag]) => ({ field: `--${flag}`, message: CLUSTER_COMMAND.notForKind(kind) })),
    );
  }
  const addedBy = currentUser();
  if (values.eks !== undefined) {
    if (values.region === undefined)
      throw new ValidationError([{ field: '--region', message: CLUSTER_COMMAND.needsRegion }]);
    const caData = values['ca-file'] === undefined ? values['ca-data'] : readCaFile(values['ca-file']);
    return {
      name,
      kind: 'eks',
      clusterName: values.eks,
      region: values.region,
      addedBy,
      ...(values['role-arn'] === undefined ? {} : { roleArn: values['role-arn'] }),
      ...(values['external-id'] === undefined ? {} : { externalId: values['external-id'] }),
      ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint }),
      ...(caData === undefined ? {} : { caData }),
    };
  }
  if (values['kubeconfig-secret'] !== undefined) {
    return {
      name,
      kind: 'kubeconfig',
      secretId: values['kubeconfig-secret'],
      addedBy,
      ...(values.context === undefined ? {} : { context: values.context }),
    };
  }
  return {
    name,
    kind: 'context',
    context: values.context as string,
    addedBy,
    ...(values.kubeconfig === undefined ? {} : { kubeconfig: values.kubeconfig }),
  };
}

/** A CA file in PEM, stored as EKS gives it: base64 of the PEM text. */
function readCaFile(file: string): string {
  try {
    return Buffer.from(readFileSync(file)).toString('base64');
  } catch (error) {
    throw new ValidationError([
      {
        field: '--ca-file',
        message: CLUSTER_COMMAND.unreadableCa(file, (error as NodeJS.ErrnoException).code ?? ''),
      },
    ]);
  }
}

function renderList(entries: readonly ClusterEntry[], output: 'table' | 'json' | 'yaml'): string {
  if (output !== 'table') return encodeData(output, entries);
  if (entries.length === 0) return `${CLUSTER_COMMAND.none}\n`;
  return formatTable([
    ['NAME', 'KIND', 'TARGET', 'ADDED'],
    ...entries.map((entry) => [entry.name, entry.kind, describeTarget(entry), entry.addedAt]),
  ]);
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

function failure(message: string): number {
  process.stderr.write(`Error: ${message}\n`);
  return 1;
}

function usageError(message: string): number {
  return usageFailure(message, USAGE);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      store: { type: 'string' },
      eks: { type: 'string' },
      region: { type: 'string' },
      'role-arn': { type: 'string' },
      'external-id': { type: 'string' },
      endpoint: { type: 'string' },
      'ca-data': { type: 'string' },
      'ca-file': { type: 'string' },
      'kubeconfig-secret': { type: 'string' },
      context: { type: 'string' },
      kubeconfig: { type: 'string' },
      upsert: { type: 'boolean' },
      force: { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
}

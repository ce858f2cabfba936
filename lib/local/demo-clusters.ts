import type { ReleaseId } from '../domain/index.ts';
import type { ReleaseStore, ReleaseSummary } from '../store/index.ts';
import { formatColumns } from './demo-table.ts';
import type { LocalStack } from './stack.ts';

/** A demo step: what to send for which release, and how its revision must end. */
export interface ClusterStep {
  readonly title: string;
  readonly release: ReleaseId;
  readonly request: Record<string, unknown>;
  readonly expect: { status: string; description: RegExp };
}

/** With several clusters: one release, `web`, installed on the second and third, each reached through an assumed role. */
export function clusterSteps(stack: LocalStack, chart: { inline: string }, timeout: string): ClusterStep[] {
  return stack.clusters.slice(1, 3).map((cluster) => ({
    title: `install web (kubernetes-bootcamp) on ${cluster.name}${cluster.roleArn ? `, another account's cluster, through ${cluster.roleArn}` : ''}`,
    release: { cluster: cluster.name, namespace: 'default', name: 'web' },
    request: { action: 'install', chart, values: { replicas: 2 }, options: { timeout } },
    expect: { status: 'deployed', description: /^Install complete$/ },
  }));
}

/**
 * Prints `quayside list -A --cluster NAME` for each cluster, as the CLI prints it, and says whether
 * each cluster holds exactly the releases the demo put there, all deployed.
 */
export async function printClusterLists(
  stack: LocalStack,
  expected: ReadonlyMap<string, readonly string[]>,
  print: (line: string) => void,
): Promise<boolean> {
  let ok = true;
  for (const cluster of stack.clusters) {
    const releases = await listAll(stack.store, cluster.name);
    print(`\n$ quayside list -A --cluster ${cluster.name}`);
    print(formatList(releases));
    const names = releases.map((r) => r.release.name).sort();
    ok &&= JSON.stringify(names) === JSON.stringify([...(expected.get(cluster.name) ?? [])].sort());
    ok &&= releases.every((r) => r.status === 'deployed');
  }
  return ok;
}

async function listAll(store: ReleaseStore, cluster: string): Promise<ReleaseSummary[]> {
  const all: ReleaseSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ cluster, ...(cursor === undefined ? {} : { cursor }) });
    all.push(...page.releases);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return all;
}

function formatList(releases: readonly ReleaseSummary[]): string {
  const rows = [
    ['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION'],
    ...releases.map((r) => [
      r.release.name,
      r.release.namespace,
      String(r.latestRevision),
      new Date(r.updatedAt).toUTCString().replace(/GMT$/, 'UTC'),
      r.status,
      `${r.chart.name}-${r.chart.version}`,
      r.chart.appVersion ?? '',
    ]),
  ];
  return formatColumns(rows);
}

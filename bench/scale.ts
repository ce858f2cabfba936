/**
 * Benchmark: the whole local stack at scale. 1,000 releases of a small chart installed through the
 * queue, the event source and the worker (as many concurrent workers as the queue's message groups
 * allow, up to the event source's maximum concurrency), then 100 upgrades of one release in order.
 * Prints releases per second, p50/p95 request latency (sent → status event), whether each upgrade
 * made exactly one revision, and the store's requests per operation. Target: 1,000 in ≤ 60 s.
 *
 *   node --import tsx bench/scale.ts [releases=1000] [upgrades=100]
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { WORKER_EVENT_SOURCE } from '../lib/bundles/index.ts';
import { formatReleaseId, type ReleaseId } from '../lib/domain/index.ts';
import { ReleaseEngine } from '../lib/engine/index.ts';
import type { StatusEvent } from '../lib/events/index.ts';
import { kubeconfigConnectionProvider, systemClock } from '../lib/kube/index.ts';
import { LOCAL_CREDENTIALS, startLocalStack } from '../lib/local/index.ts';
import { DynamoDbDriver, ensureReleaseTable, ReleaseStore } from '../lib/store/index.ts';

const RELEASES = Number(process.argv[2] ?? 1000);
const UPGRADES = Number(process.argv[3] ?? 100);
const TARGET_SECONDS = 60;
const root = new URL('..', import.meta.url).pathname;
const chart = { path: join(root, 'bench', 'charts', 'tiny') };

const finished = new Map<string, number>();
const stack = await startLocalStack({
  dataDir: '',
  ephemeral: true,
  projectRoot: root,
  chartRoots: [root],
  // As `cdk deploy` without notification targets: no notifier rule, so every core serves requests.
  notifier: false,
  events: {
    publish: async (events: readonly StatusEvent[]) => {
      for (const event of events)
        if (event.detail.requestId) finished.set(event.detail.requestId, Date.now());
    },
  },
  log: () => {},
});
const sqs = new SQSClient({
  endpoint: stack.sqsEndpoint,
  region: 'us-east-1',
  credentials: LOCAL_CREDENTIALS,
});

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

/** Sends requests ten per call, as a busy producer would; returns when each was sent. */
async function sendAll(
  requests: { id: string; release: ReleaseId; body: object }[],
): Promise<Map<string, number>> {
  const sent = new Map<string, number>();
  for (let i = 0; i < requests.length; i += 10) {
    const slice = requests.slice(i, i + 10);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: stack.queueUrl,
        Entries: slice.map((r, j) => ({
          Id: String(j),
          MessageBody: JSON.stringify(r.body),
          MessageGroupId: formatReleaseId(r.release),
          MessageDeduplicationId: r.id,
        })),
      }),
    );
    const now = Date.now();
    for (const r of slice) sent.set(r.id, now);
  }
  return sent;
}

async function waitFor(ids: readonly string[], limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (ids.some((id) => !finished.has(id)) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const request = (id: string, release: ReleaseId, action: string, values: object) => ({
  id,
  release,
  body: {
    version: 'v1',
    requestId: id,
    action,
    release,
    chart,
    values,
    options: { timeout: '5m', ...(action === 'upgrade' ? {} : { createNamespace: false }) },
    requestedBy: { principal: 'bench', channel: 'cli' },
    requestedAt: new Date().toISOString(),
  },
});

try {
  // 1,000 installs, each its own release (and message group).
  const run = randomUUID().slice(0, 8);
  const installs = Array.from({ length: RELEASES }, (_, i) =>
    request(
      `scale-${run}-${i}`,
      { cluster: stack.cluster, namespace: 'default', name: `scale-${i}` },
      'install',
      {},
    ),
  );
  const started = Date.now();
  const sent = await sendAll(installs);
  await waitFor(
    installs.map((r) => r.id),
    10 * 60_000,
  );
  const ended = Math.max(...installs.map((r) => finished.get(r.id) ?? Date.now()));
  const done = installs.filter((r) => finished.has(r.id));
  const latencies = done.map((r) => (finished.get(r.id) as number) - (sent.get(r.id) as number));
  const seconds = (ended - started) / 1000;
  console.log(
    `${done.length} of ${RELEASES} installs through the queue in ${seconds.toFixed(1)} s (target ≤ ${TARGET_SECONDS} s: ${done.length === RELEASES && seconds <= TARGET_SECONDS ? 'ok' : 'NOT MET'})`,
  );
  console.log(
    `  ${(done.length / seconds).toFixed(1)} releases/s with up to ${WORKER_EVENT_SOURCE.maxConcurrency} workers (no notifier, as a stack without notification targets); latency p50 ${(percentile(latencies, 50) / 1000).toFixed(2)} s, p95 ${(percentile(latencies, 95) / 1000).toFixed(2)} s`,
  );

  // 100 upgrades of one release, in order (one message group).
  const one: ReleaseId = { cluster: stack.cluster, namespace: 'default', name: `ordered-${run}` };
  const first = request(`ordered-${run}-0`, one, 'install', { n: 0 });
  await sendAll([first]);
  await waitFor([first.id], 60_000);
  const upgrades = Array.from({ length: UPGRADES }, (_, i) =>
    request(`ordered-${run}-${i + 1}`, one, 'upgrade', { n: i + 1 }),
  );
  const upgradeStart = Date.now();
  const upgradeSent = await sendAll(upgrades);
  await waitFor(
    upgrades.map((r) => r.id),
    10 * 60_000,
  );
  const upgradeEnd = Math.max(...upgrades.map((r) => finished.get(r.id) ?? Date.now()));
  const upgradeLatencies = upgrades
    .filter((r) => finished.has(r.id))
    .map((r) => (finished.get(r.id) as number) - (upgradeSent.get(r.id) as number));
  const head = await stack.store.getRelease(one);
  const inOrder = upgrades.every(
    (r, i) => i === 0 || (finished.get(r.id) ?? 0) >= (finished.get(upgrades[i - 1]?.id ?? '') ?? 0),
  );
  console.log(
    `${UPGRADES} upgrades of one release in order in ${((upgradeEnd - upgradeStart) / 1000).toFixed(1)} s: last revision ${head?.lastRevision} (${head?.lastRevision === UPGRADES + 1 ? 'one revision each' : 'NOT one each'}), ${inOrder ? 'in order' : 'OUT OF ORDER'}; latency p50 ${(percentile(upgradeLatencies, 50) / 1000).toFixed(2)} s`,
  );

  // The store's requests per operation, counted by the DynamoDB driver around one install and one upgrade.
  const endpoint = decodeURIComponent(/endpoint=([^&]+)/.exec(stack.storeUrl)?.[1] ?? '');
  const dynamo = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
  await ensureReleaseTable(dynamo, 'bench-counted');
  const driver = new DynamoDbDriver({ tableName: 'bench-counted', client: dynamo });
  const counted = new ReleaseStore(driver);
  const engine = new ReleaseEngine({
    store: counted,
    connections: kubeconfigConnectionProvider({ file: stack.kubeconfigPath }),
    clock: systemClock,
  });
  const release: ReleaseId = { cluster: stack.cluster, namespace: 'default', name: `counted-${run}` };
  const context = (id: string) => ({
    requestId: id,
    requestedBy: { principal: 'bench', channel: 'cli' as const },
  });
  const before = driver.usage.requests;
  await engine.install({ release, chart: { kind: 'directory', path: chart.path } }, context(`c-${run}-1`));
  const afterInstall = driver.usage.requests;
  await engine.upgrade(
    { release, chart: { kind: 'directory', path: chart.path }, values: { n: 1 } },
    context(`c-${run}-2`),
  );
  const afterUpgrade = driver.usage.requests;
  console.log(
    `store requests per operation: install ${afterInstall - before}, upgrade ${afterUpgrade - afterInstall} (DynamoDB calls, reads and transactions)`,
  );
  dynamo.destroy();
} finally {
  sqs.destroy();
  await stack.stop();
}

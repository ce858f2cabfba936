/**
 * Store benchmark: DynamoDB requests and capacity per operation, and history
 * latency for releases with 10 and 10,000 revisions, against DynamoDB Local.
 * DynamoDB Local's timings are not AWS's; the request and capacity counts are.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ManualClock, type ReleaseId, type RevisionMeta } from '../lib/domain/index.ts';
import { encodeRevisionMeta } from '../lib/store/codec.ts';
import {
  DynamoDbDriver,
  ensureReleaseTable,
  type Lease,
  LOCAL_CLIENT_CONFIG,
  ReleaseStore,
  startDynamoDbLocal,
  type WriteOp,
} from '../lib/store/index.ts';
import { printTable } from './table.ts';

const MINUTE = 60_000;

export async function benchStore(): Promise<void> {
  const local = await startDynamoDbLocal();
  const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: local.endpoint });
  try {
    await ensureReleaseTable(client, 'bench');
    const driver = new DynamoDbDriver({ tableName: 'bench', client });
    const clock = new ManualClock();
    const store = new ReleaseStore(driver, { clock, historyMax: 0 });
    await perOperation(store, driver, clock);
    await historyLatency(store, driver);
  } finally {
    client.destroy();
    await local.stop();
  }
}

async function perOperation(store: ReleaseStore, driver: DynamoDbDriver, clock: ManualClock): Promise<void> {
  const release: ReleaseId = { cluster: 'bench', namespace: 'ops', name: 'web' };
  const rows: string[][] = [];
  const measure = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const before = { ...driver.usage };
    const started = performance.now();
    const result = await run();
    const ms = performance.now() - started;
    rows.push([
      name,
      String(driver.usage.requests - before.requests),
      (driver.usage.readCapacity - before.readCapacity).toFixed(1),
      (driver.usage.writeCapacity - before.writeCapacity).toFixed(1),
      ms.toFixed(1),
    ]);
    return result;
  };
  const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n'.repeat(200);
  const begin = (i: number) =>
    store.begin({
      release,
      requestId: `ops-${i}`,
      action: i === 1 ? 'install' : 'upgrade',
      requestedBy: { principal: 'bench', channel: 'cli' },
      chart: { name: 'web', version: `1.0.${i}` },
      leaseExpiresAt: clock.now() + 5 * MINUTE,
    });
  const finish = (lease: Lease) =>
    store.finish({
      lease,
      status: 'deployed',
      description: 'Upgrade complete',
      body: { config: {}, values: {}, manifest, notes: '', hooks: [], objects: [] },
    });
  for (let i = 1; i <= 2; i++) {
    const started = await begin(i);
    if (started.kind !== 'started') throw new Error('bench: expected a new revision');
    await finish(started.lease);
  }
  // The third upgrade is measured: a release with history and a deployed revision to supersede.
  const started = await measure('record pending revision (begin)', () => begin(3));
  if (started.kind !== 'started') throw new Error('bench: expected a new revision');
  await measure('finish (deployed, 10 KB manifest)', () => finish(started.lease));
  await measure('history page (newest 20)', () => store.history(release, { limit: 20 }));
  await measure('list releases (one namespace)', () => store.list({ cluster: 'bench', namespace: 'ops' }));
  printTable(
    'Store: DynamoDB requests and consumed capacity per operation',
    ['operation', 'requests', 'RCU', 'WCU', 'ms'],
    rows,
  );
  process.stdout.write(
    "Capacity is estimated from item sizes with DynamoDB's rules where the endpoint reports none (DynamoDB Local).\n\n",
  );
}

async function historyLatency(store: ReleaseStore, driver: DynamoDbDriver): Promise<void> {
  const rows: string[][] = [];
  for (const count of [10, 10_000]) {
    const release: ReleaseId = { cluster: 'bench', namespace: 'history', name: `r${count}` };
    await seedRevisions(driver, release, count);
    const samples: number[] = [];
    let requests = 0;
    for (let i = 0; i < 50; i++) {
      const before = driver.usage.requests;
      const started = performance.now();
      const page = await store.history(release, { limit: 20 });
      samples.push(performance.now() - started);
      requests = driver.usage.requests - before;
      if (page.revisions[0]?.revision !== count) throw new Error('bench: newest revision missing');
    }
    samples.sort((a, b) => a - b);
    rows.push([
      String(count),
      String(requests),
      (samples[Math.floor(samples.length / 2)] ?? 0).toFixed(2),
      (samples[Math.floor(samples.length * 0.95)] ?? 0).toFixed(2),
    ]);
  }
  printTable(
    'Store: newest 20 revisions of a release (50 reads each)',
    ['revisions', 'requests', 'median ms', 'p95 ms'],
    rows,
  );
}

/** Writes revision items straight into the table: 100 per transaction, as a long-lived release would have them. */
async function seedRevisions(driver: DynamoDbDriver, release: ReleaseId, count: number): Promise<void> {
  const ops: WriteOp[] = [];
  const flush = async () => {
    if (ops.length > 0) await driver.transact(ops.splice(0));
  };
  for (let revision = 1; revision <= count; revision++) {
    const meta: RevisionMeta = {
      release,
      revision,
      status: revision === count ? 'deployed' : 'superseded',
      description: 'Upgrade complete',
      action: 'upgrade',
      chart: { name: 'web', version: `1.0.${revision}`, appVersion: '1.0' },
      requestId: `${release.name}-${revision}`,
      requestedBy: { principal: 'bench', channel: 'ci' },
      startedAt: new Date(Date.UTC(2026, 0, 1) + revision * MINUTE).toISOString(),
    };
    ops.push({ type: 'put', item: encodeRevisionMeta(meta, { chunks: 0 }) });
    if (ops.length === 100) await flush();
  }
  await flush();
}

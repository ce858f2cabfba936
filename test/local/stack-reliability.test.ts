import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { followRequest, sendRequest } from '../../lib/client/index.ts';
import type { ReleaseId } from '../../lib/domain/index.ts';
import { MemoryPublisher } from '../../lib/events/index.ts';
import { systemClock } from '../../lib/kube/index.ts';
import { LOCAL_CREDENTIALS, type LocalStack, startLocalStack } from '../../lib/local/index.ts';
import { repoRoot } from '../engine/world.ts';

const BOOTCAMP = join(repoRoot, 'examples', 'charts', 'kubernetes-bootcamp');
const SLOW_JOB = join(repoRoot, 'test', 'fixtures', 'charts', 'slow-job');

describe('the local stack on a bad day', () => {
  let stack: LocalStack | undefined;
  let sqs: SQSClient | undefined;
  const logs: string[] = [];

  afterEach(async () => {
    sqs?.destroy();
    await stack?.stop();
    stack = undefined;
  });

  async function start(options: { rolloutStepMs: number; dataDir?: string }): Promise<LocalStack> {
    stack = await startLocalStack({
      dataDir: options.dataDir ?? '',
      ephemeral: options.dataDir === undefined,
      projectRoot: repoRoot,
      events: new MemoryPublisher(),
      log: (line) => logs.push(line),
      rolloutStepMs: options.rolloutStepMs,
    });
    sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    return stack;
  }

  let ids = 0;
  async function send(
    s: LocalStack,
    release: ReleaseId,
    values: Record<string, unknown>,
    wait = true,
    extra: { chart?: string; waitForJobs?: boolean } = {},
  ) {
    ids += 1;
    const requestId = `${release.name}-${process.pid}-${ids}`;
    await sendRequest(sqs as SQSClient, s.queueUrl, {
      version: 'v1',
      requestId,
      action: 'upgrade',
      release,
      chart: { path: extra.chart ?? BOOTCAMP },
      values,
      options: { install: true, wait, timeout: '2m', ...(extra.waitForJobs ? { waitForJobs: true } : {}) },
      requestedBy: { principal: 'test', channel: 'cli' },
      requestedAt: new Date().toISOString(),
    });
    return requestId;
  }

  const follow = (s: LocalStack, release: ReleaseId, requestId: string, seconds = 120) =>
    followRequest({
      store: s.store,
      release,
      requestId,
      clock: systemClock,
      until: Date.now() + seconds * 1000,
    });

  it('frees a release within a minute of kill -9 of its worker: the next request for it succeeds', async () => {
    const s = await start({ rolloutStepMs: 400 });
    const release: ReleaseId = { cluster: s.cluster, namespace: 'default', name: 'killed' };
    expect((await follow(s, release, await send(s, release, { replicas: 1 }))).kind).toBe('finished');
    // An upgrade that rolls out for a while; its worker dies in the middle of it.
    const interrupted = await send(s, release, { replicas: 6, image: 'jocatalin/kubernetes-bootcamp:v2' });
    await waitFor(async () => (await s.store.getRelease(release))?.lease?.requestId === interrupted, 30_000);
    for (const pid of s.worker.pids()) process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    const next = await send(s, release, { replicas: 2 });
    const outcome = await follow(s, release, next);
    expect(outcome.kind).toBe('finished');
    expect(outcome.kind === 'finished' && outcome.revision?.status).toBe('deployed');
    expect(Date.now() - killedAt).toBeLessThan(60_000);
    // The interrupted request was carried on (or recorded failed as interrupted), never left pending.
    const history = (await s.store.history(release, { oldestFirst: true })).revisions;
    expect(history.filter((r) => r.status === 'deployed')).toHaveLength(1);
    expect(history.some((r) => r.status.startsWith('pending'))).toBe(false);
    expect(history.map((r) => r.requestId)).toContain(interrupted);
  }, 150_000);

  it('lets groups flow independently: three installs finish while one slow release goes on', async () => {
    // A Job of eight pods run one after another, one controller step (a second) each, waited for.
    const s = await start({ rolloutStepMs: 1_000 });
    const slow: ReleaseId = { cluster: s.cluster, namespace: 'default', name: 'slow' };
    const slowId = await send(s, slow, { completions: 8 }, true, { chart: SLOW_JOB, waitForJobs: true });
    await waitFor(async () => (await s.store.getRelease(slow))?.status === 'pending-install', 60_000);
    const quick = ['quick-a', 'quick-b', 'quick-c'].map((name) => ({
      cluster: s.cluster,
      namespace: 'default',
      name,
    }));
    const quickIds = await Promise.all(quick.map((release) => send(s, release, { replicas: 1 }, false)));
    const quickDone = await Promise.all(quick.map((release, i) => follow(s, release, quickIds[i] as string)));
    expect(quickDone.map((o) => o.kind === 'finished' && o.revision?.status)).toEqual([
      'deployed',
      'deployed',
      'deployed',
    ]);
    // The slow one is still rolling out when the three are done.
    expect((await s.store.getRelease(slow))?.status).toBe('pending-install');
    expect((await follow(s, slow, slowId)).kind).toBe('finished');
  }, 150_000);

  it('pauses the worker while DynamoDB Local is down, restarts it, and dead-letters nothing for it', async () => {
    const s = await start({
      rolloutStepMs: 20,
      dataDir: join(mkdtempSync(join(tmpdir(), 'quayside-down-')), 'data'),
    });
    const release: ReleaseId = { cluster: s.cluster, namespace: 'default', name: 'outage' };
    expect((await follow(s, release, await send(s, release, { replicas: 1 }, false))).kind).toBe('finished');
    process.kill(s.dynamoPid() as number, 'SIGKILL');
    const during = await send(s, release, { replicas: 2 }, false);
    await waitFor(async () => logs.some((l) => l.includes('the store does not answer')), 30_000);
    const outcome = await follow(s, release, during, 120);
    expect(outcome.kind === 'finished' && outcome.revision?.status).toBe('deployed');
    expect(logs.some((l) => l.includes('DynamoDB Local stopped unexpectedly'))).toBe(true);
    // The watcher's next check sees the store back; a delivery already in flight may finish first.
    await waitFor(async () => logs.some((l) => l.includes('the store answers again')), 30_000);
    const dead = await (sqs as SQSClient).send(
      new ReceiveMessageCommand({ QueueUrl: s.deadLetterQueueUrl, WaitTimeSeconds: 0 }),
    );
    expect(dead.Messages ?? []).toEqual([]);
  }, 150_000);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FollowUpdate, followRequest, sendRequest } from '../../lib/client/index.ts';
import { ValidationError } from '../../lib/domain/index.ts';
import { MemoryPublisher } from '../../lib/events/index.ts';
import { LOCAL_CREDENTIALS, type LocalStack, startLocalStack } from '../../lib/local/index.ts';
import { exampleChart, realClock, repoRoot } from '../engine/world.ts';

describe('sending a request to the queue and following it through the store', () => {
  let stack: LocalStack;
  let sqs: SQSClient;
  const events = new MemoryPublisher();

  beforeAll(async () => {
    stack = await startLocalStack({
      dataDir: '',
      ephemeral: true,
      projectRoot: repoRoot,
      events,
      log: () => {},
      rolloutStepMs: 20,
    });
    sqs = new SQSClient({
      endpoint: stack.sqsEndpoint,
      region: 'us-east-1',
      credentials: LOCAL_CREDENTIALS,
    });
  }, 60_000);
  afterAll(async () => {
    sqs.destroy();
    await stack.stop();
  });

  const base = (requestId: string, name: string) => ({
    version: 'v1',
    requestId,
    release: { cluster: stack.cluster, namespace: 'default', name },
    requestedBy: { principal: 'test', channel: 'cli' },
    requestedAt: new Date().toISOString(),
  });

  it('follows an install from the queue to deployed', async () => {
    const request = {
      ...base('follow-1', 'followed'),
      action: 'install',
      chart: { path: (exampleChart('kubernetes-bootcamp') as { path: string }).path },
      values: { replicas: 1 },
      options: { timeout: '30s' },
    };
    await sendRequest(sqs, stack.queueUrl, request);
    const updates: FollowUpdate[] = [];
    const end = await followRequest({
      store: stack.store,
      release: request.release,
      requestId: 'follow-1',
      clock: realClock,
      until: Date.now() + 60_000,
      onUpdate: (u) => updates.push(u),
    });
    expect(end).toMatchObject({ kind: 'finished', revision: { status: 'deployed', revision: 1 } });
    expect(updates.map((u) => u.kind)[0]).toBe('queued');
  });

  it('reports a request the worker refused, with the reason', async () => {
    const request = { ...base('follow-2', 'nobody'), action: 'rollback', revision: 1 };
    await sendRequest(sqs, stack.queueUrl, request);
    const end = await followRequest({
      store: stack.store,
      release: request.release,
      requestId: 'follow-2',
      clock: realClock,
      until: Date.now() + 30_000,
    });
    expect(end).toMatchObject({ kind: 'rejected' });
    expect((end as { reason: string }).reason).toContain('release "nobody" not found');
  });

  it('refuses to send an invalid request, naming the field', async () => {
    const error = await sendRequest(sqs, stack.queueUrl, {
      ...base('follow-3', 'Bad_Name'),
      action: 'uninstall',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems[0]?.field).toBe('release.name');
  });
});

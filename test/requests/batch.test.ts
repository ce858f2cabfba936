import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ManualClock,
  QuaysideError,
  ReleaseNotFoundError,
  RevisionNotFoundError,
  ValidationError,
} from '../../lib/domain/index.ts';
import { MemoryPublisher, type StatusEvent, toEventJson } from '../../lib/events/index.ts';
import {
  type BatchDependencies,
  type DeployRequest,
  type ExecutionResult,
  processBatch,
  type QueueMessage,
  toBatchResponse,
} from '../../lib/requests/index.ts';
import { OperationInProgressError } from '../../lib/store/index.ts';

const SECRET = 'db-pa55word-SECRET-71';
const sample = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../events/requests/${name}`, import.meta.url), 'utf8'));

/** A request for release `name` (default blog), with a unique request id. */
function body(requestId: string, name = 'blog', extra: Record<string, unknown> = {}): string {
  const request = sample('upgrade-blog.json');
  return JSON.stringify({ ...request, requestId, release: { ...request.release, name }, ...extra });
}

function message(id: string, text: string, receiveCount = 1): QueueMessage {
  return { messageId: id, body: text, receiveCount };
}

const deployed: ExecutionResult = { status: 'deployed', revision: 2, description: 'Upgrade complete' };

/** Runs a batch with an engine stand-in that answers per request id, recording the order it ran them in. */
async function run(
  messages: QueueMessage[],
  answer: (request: DeployRequest) => Promise<ExecutionResult> | ExecutionResult = () => deployed,
  extra: Partial<BatchDependencies> = {},
) {
  const publisher = new MemoryPublisher();
  const executed: string[] = [];
  const outcomes = await processBatch(messages, {
    execute: async (request) => {
      executed.push(request.requestId);
      return answer(request);
    },
    publish: (event) => publisher.publish([event]),
    clock: new ManualClock(Date.UTC(2026, 10, 23, 12)),
    ...extra,
  });
  return { outcomes, events: publisher.events, executed };
}

const throwing = (error: unknown) => () => {
  throw error;
};

describe('processing a batch of queue messages', () => {
  it('runs a valid request and reports it done, leaving status events to the engine', async () => {
    const { outcomes, events, executed } = await run([message('m1', body('r1'))]);
    expect(outcomes).toMatchObject([{ messageId: 'm1', outcome: 'done', result: deployed }]);
    expect(outcomes[0]?.request?.requestId).toBe('r1');
    expect(executed).toEqual(['r1']);
    expect(events).toEqual([]);
  });

  it('hands the engine the parsed request with defaults applied', async () => {
    const seen: DeployRequest[] = [];
    await run([message('m1', body('r1'))], (request) => {
      seen.push(request);
      return deployed;
    });
    expect(seen[0]).toMatchObject({
      action: 'upgrade',
      options: { wait: true, timeout: '5m0s', historyMax: 10 },
    });
  });

  it('rejects malformed JSON once, with one Request Rejected event naming the message, and runs nothing', async () => {
    const { outcomes, events, executed } = await run([message('m1', `{"values": {"pw": "${SECRET}"`)]);
    expect(outcomes).toEqual([{ messageId: 'm1', outcome: 'rejected', reason: 'invalid request (body)' }]);
    expect(executed).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      detailType: 'Request Rejected',
      detail: { messageId: 'm1', status: 'rejected', problems: [{ field: 'body' }] },
    });
  });

  it('rejects an unknown action and invalid names, naming the request and each field', async () => {
    const { outcomes, events, executed } = await run([
      message('m1', body('r1', 'blog', { action: 'restart' })),
      message('m2', body('r2', 'Blog_2')),
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['rejected', 'rejected']);
    expect(executed).toEqual([]);
    expect(events.map((e) => [e.detail.requestId, e.detail.problems?.map((p) => p.field)])).toEqual([
      ['r1', ['action']],
      ['r2', ['release.name']],
    ]);
    expect(events[0]?.detail.release).toEqual({ cluster: 'local', namespace: 'tools', name: 'blog' });
  });

  it("retries when the release is busy with a live operation, publishing nothing, after the holder's deadline", async () => {
    const busy = new OperationInProgressError({
      release: 'local/tools/blog',
      owner: 'worker-1',
      requestId: 'r0',
      expiresAt: '2026-11-23T12:00:30Z',
      revision: 4,
      deadline: Date.UTC(2026, 10, 23, 12, 10),
    });
    const { outcomes, events } = await run([message('m1', body('r1'))], throwing(busy));
    // Ten minutes until the holder must have finished: one receive for the whole wait, not one per poll.
    expect(outcomes).toMatchObject([
      { messageId: 'm1', outcome: 'retry', reason: busy.message, retryAfterSeconds: 601 },
    ]);
    expect(busy.message).toBe('waiting for revision 4 of release "local/tools/blog" (held by request r0)');
    expect(events).toEqual([]);
  });

  it('waits in the same invocation for a release held by a live operation, saying so, while its timeout still fits', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
    let attempts = 0;
    const slept: number[] = [];
    const waiting: string[] = [];
    const busy = () =>
      new OperationInProgressError({
        release: 'local/tools/blog',
        owner: 'worker-1',
        requestId: 'r0',
        expiresAt: new Date(clock.now() + 30_000).toISOString(),
        revision: 4,
        deadline: clock.now() + 60_000,
      });
    const { outcomes } = await run(
      [message('m1', body('r1'))],
      () => {
        attempts += 1;
        if (attempts < 3) throw busy();
        return deployed;
      },
      {
        clock,
        deadline: clock.now() + 15 * 60_000,
        sleep: async (ms) => {
          slept.push(ms);
          clock.advance(ms);
        },
        onWaiting: (_request, reason) => waiting.push(reason),
      },
    );
    expect(outcomes[0]?.outcome).toBe('done');
    expect(slept).toEqual([500, 1000]);
    expect(waiting).toEqual([
      'waiting for revision 4 of release "local/tools/blog" (held by request r0)',
      'waiting for revision 4 of release "local/tools/blog" (held by request r0)',
    ]);
  });

  it('returns a waiting message to the queue once its timeout would no longer fit this invocation', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
    const { outcomes, executed } = await run(
      [message('m1', body('r1'))],
      () => {
        throw new QuaysideError('the store is unavailable', { retryable: true });
      },
      {
        clock,
        deadline: clock.now() + 5 * 60_000 + 2_000,
        sleep: async (ms) => clock.advance(ms),
      },
    );
    expect(executed).toEqual(['r1', 'r1', 'r1']);
    expect(outcomes).toMatchObject([
      { outcome: 'retry', reason: 'the store is unavailable', retryAfterSeconds: 5 },
    ]);
  });

  it('gives up a retryable error on the last receive, with one event naming the cause, unless a live lease holds it', async () => {
    const unreachable = new QuaysideError(
      'cluster "gamma": cannot reach the API server: connect ECONNREFUSED',
      {
        retryable: true,
      },
    );
    const early = await run([message('m1', body('r1'), 4)], () => Promise.reject(unreachable), {
      maxReceives: 5,
    });
    expect(early.outcomes).toMatchObject([{ outcome: 'retry' }]);
    expect(early.events).toEqual([]);

    const last = await run([message('m1', body('r1'), 5)], () => Promise.reject(unreachable), {
      maxReceives: 5,
    });
    expect(last.outcomes).toMatchObject([{ outcome: 'dead-letter', retryAfterSeconds: 0 }]);
    expect(last.outcomes[0]?.reason).toMatch(/^still failing on receive 5 \(cluster "gamma": cannot reach/);
    expect(last.events).toHaveLength(1);
    expect(last.events[0]?.detailType).toBe('Request Rejected');
    expect(last.events[0]?.detail.error).toEqual({ type: 'QuaysideError', message: unreachable.message });

    // Waiting for a holder that is alive is no fault of the request: never given up for it.
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
    const held = new QuaysideError('waiting for revision 4 (held by request r0)', {
      retryable: true,
      busyUntil: clock.now() + 20_000,
    });
    const waiting = await run([message('m1', body('r1'), 5)], () => Promise.reject(held), {
      maxReceives: 5,
      clock,
    });
    expect(waiting.outcomes).toMatchObject([{ outcome: 'retry', retryAfterSeconds: 21 }]);
    expect(waiting.events).toEqual([]);
  });

  it('rejects a request asking for more time than the worker can give one action', async () => {
    const { outcomes, events, executed } = await run(
      [message('m1', body('r1', 'blog', { options: { timeout: '20m' } }))],
      () => deployed,
      { maxActionMs: 14 * 60_000 + 30_000 },
    );
    expect(executed).toEqual([]);
    expect(outcomes[0]?.outcome).toBe('rejected');
    expect(events[0]?.detail.problems).toEqual([
      {
        field: 'options.timeout',
        message:
          'is longer than this worker can give one action (14m30s, its function timeout less a margin); ask for less',
      },
    ]);
  });

  it.each([
    [
      'a ValidationError',
      new ValidationError([{ field: 'values.replicaCount', message: 'must be an integer' }]),
    ],
    ['a ReleaseNotFoundError', new ReleaseNotFoundError({ name: 'blog', namespace: 'tools' })],
    ['a RevisionNotFoundError', new RevisionNotFoundError({ name: 'blog', revision: 9 })],
    ['a non-retryable QuaysideError (chart not found)', new QuaysideError('chart "ghost" 9.9.9 not found')],
  ])('rejects with one event when the engine throws %s', async (_, error) => {
    const { outcomes, events } = await run([message('m1', body('r1'))], throwing(error));
    expect(outcomes).toMatchObject([{ messageId: 'm1', outcome: 'rejected', reason: error.message }]);
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toMatchObject({
      requestId: 'r1',
      action: 'upgrade',
      status: 'rejected',
      error: { type: error.name, message: error.message },
      requestedBy: { principal: 'ci:github-actions/blog-deploy', channel: 'ci' },
    });
  });

  it("carries a ValidationError's problems into the rejection event", async () => {
    const problems = [{ field: 'values.image.tag', message: 'must be a string' }];
    const { events } = await run([message('m1', body('r1'))], throwing(new ValidationError(problems)));
    expect(events[0]?.detail.problems).toEqual(problems);
  });

  it('retries an unexpected error until the last receive, then leaves it to the dead-letter queue with one event', async () => {
    const bug = new TypeError('x is undefined');
    const seen: unknown[] = [];
    const onUnexpectedError = (error: unknown) => seen.push(error);
    const early = await run([message('m1', body('r1'), 4)], throwing(bug), {
      maxReceives: 5,
      onUnexpectedError,
    });
    expect(early.outcomes).toMatchObject([
      {
        messageId: 'm1',
        outcome: 'retry',
        reason: 'unexpected TypeError (receive 4 of 5)',
        retryAfterSeconds: 40,
      },
    ]);
    expect(early.events).toEqual([]);
    const last = await run([message('m1', body('r1'), 5)], throwing(bug), {
      maxReceives: 5,
      onUnexpectedError,
    });
    expect(last.outcomes[0]).toMatchObject({ outcome: 'dead-letter', retryAfterSeconds: 0 });
    expect(toBatchResponse(last.outcomes)).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }] });
    expect(last.events).toHaveLength(1);
    expect(last.events[0]?.detail.error).toEqual({
      type: 'TypeError',
      message: 'an unexpected error occurred; the worker logs hold the details',
    });
    expect(seen).toEqual([bug, bug]);
  });

  it('stops a group at its first retry: later messages of that group are retried without running', async () => {
    const busy = new QuaysideError('throttled', { retryable: true });
    const { outcomes, executed } = await run(
      [
        message('a1', body('a1', 'blog')),
        message('b1', body('b1', 'shop')),
        message('a2', body('a2', 'blog')),
        message('a3', body('a3', 'blog')),
        message('b2', body('b2', 'shop')),
      ],
      (request) => (request.requestId === 'a1' ? Promise.reject(busy) : deployed),
    );
    expect(outcomes.map((o) => [o.messageId, o.outcome])).toEqual([
      ['a1', 'retry'],
      ['b1', 'done'],
      ['a2', 'retry'],
      ['a3', 'retry'],
      ['b2', 'done'],
    ]);
    expect(executed.filter((id) => id.startsWith('a'))).toEqual(['a1']);
    expect(executed.filter((id) => id.startsWith('b'))).toEqual(['b1', 'b2']);
    expect(toBatchResponse(outcomes)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'a1' }, { itemIdentifier: 'a2' }, { itemIdentifier: 'a3' }],
    });
  });

  it('keeps running a group after a rejection: only retries hold the order back', async () => {
    const { outcomes, executed } = await run(
      [message('a1', body('a1')), message('a2', body('a2')), message('a3', body('a3'))],
      (request) =>
        request.requestId === 'a1'
          ? Promise.reject(new RevisionNotFoundError({ name: 'blog', revision: 9 }))
          : deployed,
    );
    expect(outcomes.map((o) => o.outcome)).toEqual(['rejected', 'done', 'done']);
    expect(executed).toEqual(['a1', 'a2', 'a3']);
  });

  it('orders by the queue group id when it is given, even across releases', async () => {
    const { outcomes, executed } = await run(
      [
        { ...message('m1', body('r1', 'blog')), groupId: 'shared' },
        { ...message('m2', body('r2', 'shop')), groupId: 'shared' },
      ],
      (request) =>
        request.requestId === 'r1'
          ? Promise.reject(new QuaysideError('busy', { retryable: true }))
          : deployed,
    );
    expect(outcomes.map((o) => o.outcome)).toEqual(['retry', 'retry']);
    expect(executed).toEqual(['r1']);
  });

  it('runs one group in order while different groups run concurrently, at most `concurrency` at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const running = new Set<string>();
    const overlaps: string[] = [];
    const names = ['blog', 'shop', 'wiki', 'chat', 'docs'];
    const messages = names.flatMap((name) =>
      [1, 2, 3].map((n) => message(`${name}-${n}`, body(`${name}-${n}`, name))),
    );
    const { outcomes, executed } = await run(
      messages,
      async (request) => {
        const group = request.release.name;
        if (running.has(group)) overlaps.push(request.requestId);
        running.add(group);
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight -= 1;
        running.delete(group);
        return deployed;
      },
      { concurrency: 3 },
    );
    expect(outcomes.every((o) => o.outcome === 'done')).toBe(true);
    expect(overlaps).toEqual([]);
    expect(peak).toBe(3);
    for (const name of names) {
      expect(executed.filter((id) => id.startsWith(name))).toEqual([`${name}-1`, `${name}-2`, `${name}-3`]);
    }
  });

  it('retries, and holds its group back, when a rejection cannot be published', async () => {
    const outcomes = await processBatch(
      [message('m1', body('r1', 'blog', { action: 'restart' })), message('m2', body('r2'))],
      {
        execute: async () => deployed,
        publish: async () => {
          throw new Error('EventBridge is down');
        },
        clock: new ManualClock(),
      },
    );
    expect(outcomes.map((o) => [o.outcome, o.reason])).toEqual([
      ['retry', 'the rejection could not be published (Error); retrying'],
      ['retry', 'an earlier message of the same group is to be retried; this one waits to keep the order'],
    ]);
  });

  it('starts a message only when its whole timeout fits before the deadline, returning those left', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
    // Each request may take its default 5 minutes; this invocation has 6.
    const deadline = clock.now() + 6 * 60_000;
    const { outcomes, executed } = await run(
      [
        message('a1', body('a1', 'blog')),
        message('a2', body('a2', 'blog')),
        message('a3', body('a3', 'blog')),
      ],
      () => {
        clock.advance(45_000);
        return deployed;
      },
      { clock, deadline },
    );
    expect(executed).toEqual(['a1', 'a2']);
    expect(outcomes.map((o) => [o.outcome, o.reason])).toEqual([
      ['done', undefined],
      ['done', undefined],
      ['retry', 'not started: too little time is left in this invocation'],
    ]);
  });

  it('returns outcomes in the order of the messages and an empty response for an empty batch', async () => {
    expect(await run([])).toMatchObject({ outcomes: [] });
    expect(toBatchResponse([])).toEqual({ batchItemFailures: [] });
  });

  it('never lets a secret in values, --set or an error reach events or outcome reasons', async () => {
    const secretBody = body('r1', 'blog', {
      values: { db: { password: SECRET } },
      set: [`db.password=${SECRET}`],
    });
    const errors: unknown[] = [
      new ValidationError([{ field: 'values.db.password', message: 'must be at least 20 characters' }]),
      new SyntaxError(`Unexpected token in "${SECRET}"`),
      new QuaysideError('values do not match the chart schema', { retryable: false }),
    ];
    const events: StatusEvent[] = [];
    const reasons: (string | undefined)[] = [];
    for (const error of errors) {
      const result = await run([message('m1', secretBody, 9)], throwing(error));
      events.push(...result.events);
      reasons.push(...result.outcomes.map((o) => o.reason));
    }
    const invalid = await run([message('m2', secretBody.replace('"upgrade"', `"${SECRET}"`))]);
    events.push(...invalid.events);
    reasons.push(...invalid.outcomes.map((o) => o.reason));
    expect(events).toHaveLength(4);
    expect(JSON.stringify(events.map(toEventJson))).not.toContain(SECRET);
    expect(JSON.stringify(reasons)).not.toContain(SECRET);
  });
});

import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildReleaseEvent,
  EventBridgePublisher,
  EventPublishError,
  EventTooLargeError,
  type StatusEvent,
} from '../../lib/events/index.ts';
import {
  type EntryAnswer,
  type PutEventsStub,
  startPutEventsStub,
  type WireEntry,
} from '../fixtures/put-events-stub.ts';

const stubs: PutEventsStub[] = [];
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((stub) => stub.close()));
});

async function publisherFor(answer?: (entry: WireEntry, call: number) => EntryAnswer, maxAttempts = 3) {
  const stub = await startPutEventsStub(answer);
  stubs.push(stub);
  const client = new EventBridgeClient({
    endpoint: stub.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  const publisher = new EventBridgePublisher({
    client,
    busName: 'quayside',
    maxAttempts,
    baseDelayMs: 1,
    maxDelayMs: 4,
  });
  return { stub, publisher };
}

function deployed(index: number, descriptionBytes = 20): StatusEvent {
  return buildReleaseEvent({
    requestId: `req-${index}`,
    action: 'upgrade',
    release: { cluster: 'local', namespace: 'tools', name: `blog-${index}` },
    status: 'deployed',
    description: 'x'.repeat(descriptionBytes),
    revision: 2,
    chart: { name: 'ghost', version: '1.24.9', appVersion: '1.24.9' },
    requestedBy: { principal: 'ci', channel: 'ci' },
    startedAt: Date.UTC(2026, 10, 23, 12),
    finishedAt: Date.UTC(2026, 10, 23, 12, 0, 1),
  });
}

const requestIdOf = (entry: WireEntry) =>
  (JSON.parse(entry.Detail as string) as { requestId: string }).requestId;

describe('the EventBridge publisher', () => {
  it('sends PutEvents with source quayside, the detail-type, the detail as JSON, the bus and the time', async () => {
    const { stub, publisher } = await publisherFor();
    const event = deployed(1);
    await publisher.publish([event]);
    expect(stub.violations).toEqual([]);
    expect(stub.calls).toHaveLength(1);
    expect(stub.calls[0]?.entries).toEqual([
      {
        Source: 'quayside',
        DetailType: 'Release Deployed',
        Detail: JSON.stringify(event.detail),
        EventBusName: 'quayside',
        Time: Date.UTC(2026, 10, 23, 12, 0, 1) / 1000,
      },
    ]);
  });

  it('splits 23 events into calls of 10, 10 and 3, in order', async () => {
    const { stub, publisher } = await publisherFor();
    const events = Array.from({ length: 23 }, (_, i) => deployed(i));
    await publisher.publish(events);
    expect(stub.violations).toEqual([]);
    expect(stub.calls.map((call) => call.entries.length)).toEqual([10, 10, 3]);
    expect(stub.calls.flatMap((call) => call.entries.map(requestIdOf))).toEqual(
      events.map((e) => e.detail.requestId),
    );
  });

  it('keeps each call under 256 KiB even with fewer than 10 entries', async () => {
    const { stub, publisher } = await publisherFor();
    // Five events of ~100 KB: two fit in a call, a third would not.
    await publisher.publish(Array.from({ length: 5 }, (_, i) => deployed(i, 100_000)));
    expect(stub.violations).toEqual([]);
    expect(stub.calls.map((call) => call.entries.length)).toEqual([2, 2, 1]);
  });

  it('refuses an event larger than EventBridge takes, sending nothing', async () => {
    const { stub, publisher } = await publisherFor();
    await expect(publisher.publish([deployed(1), deployed(2, 300_000)])).rejects.toBeInstanceOf(
      EventTooLargeError,
    );
    expect(stub.calls).toEqual([]);
  });

  it('resends only the entries a call reports as failed, until all are delivered', async () => {
    const { stub, publisher } = await publisherFor((entry, call) =>
      call === 0 && ['req-1', 'req-3'].includes(requestIdOf(entry))
        ? { ok: false, code: 'ThrottlingException', message: 'Rate exceeded' }
        : { ok: true },
    );
    await publisher.publish([0, 1, 2, 3].map((i) => deployed(i)));
    expect(stub.violations).toEqual([]);
    expect(stub.calls.map((call) => call.entries.map(requestIdOf))).toEqual([
      ['req-0', 'req-1', 'req-2', 'req-3'],
      ['req-1', 'req-3'],
    ]);
  });

  it('gives up after the last attempt with a typed, retryable error naming the undelivered events', async () => {
    const { stub, publisher } = await publisherFor((entry) =>
      requestIdOf(entry) === 'req-2'
        ? { ok: false, code: 'InternalFailure', message: 'try again' }
        : { ok: true },
    );
    const error = await publisher.publish([0, 1, 2, 3].map((i) => deployed(i))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventPublishError);
    const publishError = error as EventPublishError;
    expect(publishError.retryable).toBe(true);
    expect(publishError.failures.map((f) => [f.event.detail.requestId, f.code])).toEqual([
      ['req-2', 'InternalFailure'],
    ]);
    expect(stub.calls.map((call) => call.entries.length)).toEqual([4, 1, 1]);
  });

  it('still sends the later batches when an earlier one fails, and reports only what was lost', async () => {
    const { stub, publisher } = await publisherFor((entry) =>
      requestIdOf(entry) === 'req-0' ? { ok: false, code: 'InternalFailure', message: 'no' } : { ok: true },
    );
    const error = await publisher
      .publish(Array.from({ length: 12 }, (_, i) => deployed(i)))
      .catch((e: unknown) => e);
    expect((error as EventPublishError).failures.map((f) => f.event.detail.requestId)).toEqual(['req-0']);
    expect(stub.calls.flatMap((call) => call.entries.map(requestIdOf))).toContain('req-11');
  });

  it('reports a call the service refuses outright as a publish error with the cause', async () => {
    const stub = await startPutEventsStub();
    stubs.push(stub);
    const client = new EventBridgeClient({
      endpoint: `${stub.endpoint}/wrong-path`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    const publisher = new EventBridgePublisher({ client, busName: 'quayside', baseDelayMs: 1 });
    const error = await publisher.publish([deployed(1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventPublishError);
    expect((error as EventPublishError).failures).toMatchObject([{ code: 'ValidationException' }]);
    expect((error as EventPublishError).cause).toBeInstanceOf(Error);
  });

  it('is checked by a stub that refuses what EventBridge refuses (11 entries, over 256 KiB)', async () => {
    const stub = await startPutEventsStub();
    stubs.push(stub);
    const client = new EventBridgeClient({
      endpoint: stub.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    const entry = (detail: string) => ({
      Source: 'quayside',
      DetailType: 'Release Deployed',
      Detail: detail,
      EventBusName: 'b',
    });
    const eleven = Array.from({ length: 11 }, () => entry('{}'));
    await expect(client.send(new PutEventsCommand({ Entries: eleven }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    const big = [
      entry(JSON.stringify({ x: 'x'.repeat(140_000) })),
      entry(JSON.stringify({ x: 'x'.repeat(140_000) })),
    ];
    await expect(client.send(new PutEventsCommand({ Entries: big }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    expect(stub.violations).toEqual([
      '11 entries in one call; the limit is 10',
      expect.stringMatching(/^\d+ bytes in one call; the limit is 262144$/),
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSlackMessage, buildTeamsMessage } from '../../lib/chatops/index.ts';
import type { ReleaseId } from '../../lib/domain/index.ts';
import { readHistory, readStatus } from '../../lib/engine/index.ts';
import { formatEventLine, MemoryPublisher } from '../../lib/events/index.ts';
import { type MessageOutcome, processBatch, type QueueMessage } from '../../lib/requests/index.ts';
import { createExecutor, ProgressRecorder, publishRecordingRejections } from '../../lib/worker/index.ts';
import { CLUSTER, realClock, repoRoot, startWorld, type World } from '../engine/world.ts';
import {
  expectCollected,
  expectNoMarkers,
  MARKED_CHART,
  MARKER_INPUTS,
  type MarkerInput,
  type OutputChannel,
  releaseNameOf,
  supports,
  type ValueSources,
} from '../fixtures/markers.ts';

/** What a DeployRequest carries of Helm's value sources (no files). */
const REQUEST_SOURCES: ReadonlyArray<keyof ValueSources> = ['values', 'set', 'setString', 'setJson'];

describe('values never leak from requests on the queue', () => {
  let world: World;
  const publisher = new MemoryPublisher();
  const outcomes: MessageOutcome[] = [];
  const unexpected: string[] = [];
  const progressLines: string[] = [];
  const requestIds: string[] = [];
  const releases: ReleaseId[] = [];
  let sequence = 0;

  function requestOf(input: MarkerInput, step: ValueSources, index: number) {
    const requestId = `leak-${process.pid}-${++sequence}`;
    requestIds.push(requestId);
    return {
      version: 'v1',
      requestId,
      action: index === 0 ? 'install' : 'upgrade',
      release: { cluster: CLUSTER, namespace: 'default', name: releaseNameOf('queue', input) },
      chart: { path: MARKED_CHART },
      values: step.values ?? {},
      ...(step.set ? { set: step.set } : {}),
      ...(step.setString ? { setString: step.setString } : {}),
      ...(step.setJson ? { setJson: step.setJson } : {}),
      options: { timeout: '20s', wait: false },
      requestedBy: { principal: 'ci:leak-test', channel: 'ci' },
      requestedAt: new Date().toISOString(),
    };
  }

  async function send(body: unknown): Promise<MessageOutcome> {
    const message: QueueMessage = {
      messageId: `m-${++sequence}`,
      body: JSON.stringify(body),
      receiveCount: 1,
    };
    const [outcome] = await processBatch([message], {
      execute: createExecutor({
        engine: world.engine,
        publisher,
        localChartRoots: [repoRoot],
        progress: new ProgressRecorder(world.store),
        onProgress: (_request, event) => progressLines.push(event.message),
      }),
      publish: publishRecordingRejections(world.store, (event) => publisher.publish([event])),
      clock: realClock,
      onUnexpectedError: (error) =>
        unexpected.push(error instanceof Error ? (error.stack ?? error.message) : String(error)),
    });
    if (outcome === undefined) throw new Error('no outcome');
    outcomes.push(outcome);
    return outcome;
  }

  /** The text of every Secret, ConfigMap and Job of a release, Secret data decoded. */
  async function onCluster(name: string): Promise<string> {
    const texts: string[] = [];
    for (const path of [
      `/api/v1/namespaces/default/secrets/${name}`,
      `/api/v1/namespaces/default/configmaps/${name}`,
      `/apis/batch/v1/namespaces/default/jobs/${name}`,
    ]) {
      const response = await world.connection.send({
        method: 'GET',
        path,
        ref: { apiVersion: 'v1', kind: 'Object', name },
      });
      const object = response.body as { data?: Record<string, string> };
      texts.push(JSON.stringify(object));
      if (path.includes('/secrets/'))
        for (const value of Object.values(object.data ?? {}))
          texts.push(Buffer.from(value, 'base64').toString());
    }
    return texts.join('\n');
  }

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(() => world.stop());

  it('keeps every marker secret out of events, rejections, logs, progress, history and status', async () => {
    const inputs = MARKER_INPUTS.filter((input) => supports(input, REQUEST_SOURCES));
    expect(inputs.length).toBeGreaterThanOrEqual(12);
    for (const input of inputs) {
      const id = { cluster: CLUSTER, namespace: 'default', name: releaseNameOf('queue', input) };
      releases.push(id);
      let last: MessageOutcome | undefined;
      for (const [index, step] of input.steps.entries()) last = await send(requestOf(input, step, index));
      const label = input.name;
      switch (input.expect.outcome) {
        case 'deployed':
          expect(last, label).toMatchObject({ outcome: 'done', result: { status: 'deployed' } });
          expect(await onCluster(id.name), label).toContain(input.expect.lands);
          break;
        case 'failed':
          expect(last, label).toMatchObject({ outcome: 'done', result: { status: 'failed' } });
          break;
        case 'rejected':
          expect(last?.outcome, label).toBe('rejected');
          break;
      }
    }

    const channels: OutputChannel[] = [
      { name: 'events (JSON)', text: () => JSON.stringify(publisher.events) },
      { name: 'events (log lines)', text: () => publisher.events.map(formatEventLine).join('\n') },
      // What the notifier would post for these events: Slack Block Kit, the Teams card (webhooks carry the event JSON above).
      { name: 'Slack messages', text: () => JSON.stringify(publisher.events.map(buildSlackMessage)) },
      { name: 'Teams cards', text: () => JSON.stringify(publisher.events.map(buildTeamsMessage)) },
      { name: 'outcome reasons (worker log)', text: () => outcomes.map((o) => o.reason ?? '').join('\n') },
      { name: 'progress lines', text: () => progressLines.join('\n') },
      {
        name: 'progress records',
        text: async () =>
          JSON.stringify(
            await Promise.all(requestIds.map((requestId) => world.store.readProgress(requestId))),
          ),
      },
      {
        name: 'rejection records',
        text: async () =>
          JSON.stringify(
            await Promise.all(requestIds.map((requestId) => world.store.findRejection(requestId))),
          ),
      },
      {
        name: 'history',
        text: async () => {
          const found = await Promise.all(releases.map((id) => readHistory(world.store, id).catch(() => [])));
          return JSON.stringify(found);
        },
      },
      {
        name: 'status',
        text: async () => {
          const found = await Promise.all(
            releases.map((id) => readStatus(world.store, id).catch(() => null)),
          );
          return JSON.stringify(found);
        },
      },
    ];
    await expectCollected(channels);
    await expectNoMarkers([
      ...channels,
      { name: 'unexpected errors (worker log)', text: () => unexpected.join('\n') },
    ]);
  });
});

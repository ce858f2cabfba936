import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessPolicy, parseGrant } from '../../lib/chatops/index.ts';
import { systemClock } from '../../lib/domain/index.ts';
import {
  expectCollected,
  expectNoMarkers,
  MARKER,
  MARKER_INPUTS,
  type MarkerInput,
  releaseNameOf,
  supports,
  type ValueSources,
} from '../fixtures/markers.ts';
import { type ChatWorld, CLUSTER, startChatWorld } from './world.ts';

/** What a slash command carries of Helm's value sources. */
const CHAT_SOURCES: ReadonlyArray<keyof ValueSources> = ['set', 'setString'];

/** An input's step as typed in Slack: --set / --set-string, each in quotes. */
const commandOf = (input: MarkerInput, step: ValueSources) =>
  [
    `upgrade ${releaseNameOf('chat', input)} oci://registry.example.com/charts/marked --install -n leak --cluster ${CLUSTER}`,
    ...(step.set ?? []).map((s) => `--set '${s}'`),
    ...(step.setString ?? []).map((s) => `--set-string '${s}'`),
  ].join(' ');

describe('values never leak from chat commands', () => {
  let world: ChatWorld;
  const replies: string[] = [];
  const queued: string[] = [];

  beforeAll(async () => {
    world = await startChatWorld();
    await new AccessPolicy({ driver: world.driver, clock: systemClock }).grant(
      parseGrant({ subject: 'slack:UOPS', right: 'deploy', namespace: 'leak' }),
    );
    for (const input of MARKER_INPUTS.filter((i) => supports(i, CHAT_SOURCES))) {
      for (const step of input.steps) replies.push((await world.slash(commandOf(input, step), 'ops')).text);
    }
    // Refused on the way in: a metacharacter, an unknown flag and a malformed --set, each holding a marker.
    for (const text of [
      `upgrade web x/y --set 'password=${MARKER}-meta;id' -n leak`,
      `upgrade web x/y --password=${MARKER}-flag -n leak`,
      `upgrade web x/y --set ${MARKER}-noequals -n leak`,
    ]) {
      replies.push((await world.slash(text, 'ops')).text);
    }
    queued.push(...(await world.drainQueue()).map((r) => JSON.stringify(r)));
  }, 120_000);
  afterAll(() => world?.close());

  it('passes --set values on to the worker in the request, and shows them in no reply, log line or Slack message', async () => {
    // Proof the values got through: the queued requests carry them (the queue is the worker's input).
    const sent = MARKER_INPUTS.filter((i) => supports(i, CHAT_SOURCES) && i.expect.outcome === 'deployed');
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const input of sent)
      expect(queued.join('\n')).toContain(input.expect.outcome === 'deployed' ? input.expect.lands : '');
    const channels = [
      { name: 'chat replies', text: () => replies.join('\n') },
      { name: 'chat function log', text: () => world.logs.join('') },
      { name: 'Slack messages', text: () => JSON.stringify(world.slack.posts) },
    ];
    await expectCollected(channels.slice(0, 2));
    await expectNoMarkers(channels);
    expect(replies.filter((r) => r.includes('Queued: upgrade'))).toHaveLength(
      MARKER_INPUTS.filter((i) => supports(i, CHAT_SOURCES)).reduce((n, i) => n + i.steps.length, 0),
    );
  });
});

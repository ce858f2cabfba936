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
  /** Replies to `/quayside schedule …` (made, listed, cancelled) of upgrades carrying the markers. */
  const scheduleReplies: string[] = [];
  /** A whole minute an hour after the scheduler's time (its clock starts at the real time). */
  const due = () => Math.ceil((world.schedulerClock.now() + 3_600_000) / 60_000) * 60_000;

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
    // The same values scheduled for later; one of them cancelled, all listed.
    const at = `--at ${new Date(due()).toISOString().slice(0, 16)}Z`;
    for (const input of MARKER_INPUTS.filter((i) => supports(i, CHAT_SOURCES))) {
      for (const step of input.steps)
        scheduleReplies.push((await world.slash(`schedule ${commandOf(input, step)} ${at}`, 'ops')).text);
    }
    scheduleReplies.push((await world.slash('schedule list', 'ops')).text);
    const first = /Schedule `([\w.-]+)`/.exec(scheduleReplies[0] ?? '')?.[1];
    scheduleReplies.push((await world.slash(`schedule cancel ${first}`, 'ops')).text);
    // A bad time, with values in the command: the refusal names the time, never the values.
    scheduleReplies.push(
      (
        await world.slash(
          `schedule upgrade web x/y --set 'password=${MARKER}-past' --install -n leak --cluster ${CLUSTER} --at 2020-01-01T00:00`,
          'ops',
        )
      ).text,
    );
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

  it('schedules upgrades with --set values that reach the queue when they fire, and shows them in no reply or log line', async () => {
    expect(scheduleReplies.filter((r) => r.includes('Scheduled: upgrade'))).toHaveLength(
      MARKER_INPUTS.filter((i) => supports(i, CHAT_SOURCES)).reduce((n, i) => n + i.steps.length, 0),
    );
    expect(scheduleReplies.some((r) => r.includes('Cancelled schedule'))).toBe(true);
    expect(scheduleReplies.at(-1)).toContain('--at is in the past');
    // Proof the values got through: the schedules that were not cancelled send them to the worker.
    world.schedulerClock.set(due() + 3_600_000);
    await world.scheduler.idle();
    const fired = (await world.drainQueue()).map((r) => JSON.stringify(r)).join('\n');
    const sent = MARKER_INPUTS.filter((i) => supports(i, CHAT_SOURCES) && i.expect.outcome === 'deployed');
    expect(fired.length).toBeGreaterThan(0);
    expect(sent.some((i) => i.expect.outcome === 'deployed' && fired.includes(i.expect.lands))).toBe(true);
    const channels = [
      { name: 'schedule replies', text: () => scheduleReplies.join('\n') },
      { name: 'chat function log', text: () => world.logs.join('') },
    ];
    await expectCollected(channels);
    await expectNoMarkers(channels);
  });
});

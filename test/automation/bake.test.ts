import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleAlarmEvent, runGuard } from '../../lib/automation/index.ts';
import type { ReleaseId } from '../../lib/domain/index.ts';
import { readHistory } from '../../lib/engine/index.ts';
import { kubeconfigConnectionProvider } from '../../lib/kube/index.ts';
import {
  type AutomationWorld,
  alarmEvent,
  bootcampRequest,
  startAutomationWorld,
  uniqueRelease,
} from './world.ts';

const MINUTE = 60_000;

describe('bake windows: automatic guarded rollbacks', () => {
  let w: AutomationWorld;
  beforeAll(async () => {
    w = await startAutomationWorld();
  });
  afterAll(() => w.stop());

  /** Sends a request for the release, runs the queue, and returns the revision it made. */
  const deploy = async (release: ReleaseId, overrides: Record<string, unknown> = {}) => {
    await w.send(bootcampRequest(release, overrides));
    await w.drain();
    const history = await readHistory(w.store, release);
    return history[history.length - 1]?.revision as number;
  };
  const bake = (fields: Record<string, unknown>) => ({ bake: { for: '15m', ...fields } });
  const bakeOf = async (release: ReleaseId, revision: number) => {
    const record = await w.records.getBake(release, revision);
    if (record === undefined) throw new Error(`revision ${revision} has no bake`);
    return record;
  };
  const guard = () =>
    runGuard({ ...w.deps, connections: kubeconfigConnectionProvider({ yaml: w.sim.kubeconfig }) });
  const mine = (release: ReleaseId) => (e: { detail: { release?: ReleaseId } }) =>
    e.detail.release?.name === release.name;
  const mine2 = (release: ReleaseId) => (o: { release: ReleaseId }) => o.release.name === release.name;
  const descriptions = async (release: ReleaseId) =>
    (await readHistory(w.store, release)).map((r) => `${r.revision} ${r.status} ${r.description}`);

  it('records a revision as verified when its bake ends without trouble', async () => {
    const release = uniqueRelease('verified');
    await deploy(release);
    const revision = await deploy(release, bake({ alarms: ['web-5xx'], health: true }));
    const baking = await bakeOf(release, revision);
    expect(baking).toMatchObject({ state: 'baking', alarms: ['web-5xx'], health: true });
    expect(baking.endsAt - baking.startedAt).toBe(15 * MINUTE);

    w.clock.set(baking.startedAt + MINUTE);
    expect((await guard()).bakes.find((b) => b.release.name === release.name)?.verdict).toEqual({
      kind: 'healthy',
    });
    w.clock.set(baking.endsAt);
    expect((await guard()).bakes.find((b) => b.release.name === release.name)?.verdict).toEqual({
      kind: 'verified',
    });
    expect((await bakeOf(release, revision)).state).toBe('verified');
    const [verified] = w.events('Release Verified').filter(mine(release));
    expect(verified?.detail).toMatchObject({
      revision,
      status: 'deployed',
      description: `Revision ${revision} verified: its 15m0s bake ended without trouble`,
      automation: { cause: 'bake', forRevision: revision },
      requestedBy: { channel: 'automation' },
    });
    expect(await descriptions(release)).toEqual([
      '1 superseded Install complete',
      '2 deployed Upgrade complete',
    ]);
  });

  it('rolls back when a named alarm fires during the bake, to the last revision that finished its bake', async () => {
    const release = uniqueRelease('alarmed');
    await deploy(release, bake({ for: '1m' }));
    const first = await bakeOf(release, 1);
    w.clock.set(first.endsAt);
    await guard();
    expect((await bakeOf(release, 1)).state).toBe('verified');
    // Revision 2's bake is cut short by revision 3: it never finished, so it is passed over.
    await deploy(release, { ...bake({}), values: { replicas: 2 } });
    await deploy(release, { ...bake({ alarms: ['web-5xx'] }), values: { replicas: 3 } });
    expect((await bakeOf(release, 2)).state).toBe('ended');
    const third = await bakeOf(release, 3);

    const outcomes = await handleAlarmEvent(w.deps, alarmEvent('web-5xx', third.startedAt + 2 * MINUTE));
    expect(outcomes.find((o) => o.release.name === release.name)?.reaction).toMatchObject({
      kind: 'rolled-back',
      to: 1,
    });
    await w.drain();
    expect(await descriptions(release)).toEqual([
      '1 superseded Install complete',
      '2 superseded Upgrade complete',
      '3 superseded Upgrade complete',
      '4 deployed Rollback to 1: alarm "web-5xx" fired during bake of revision 3',
    ]);
    const [rolledBack] = w.events('Release Rolled Back').filter(mine(release));
    expect(rolledBack?.detail).toMatchObject({
      revision: 4,
      previousRevision: 3,
      requestedBy: { principal: 'quayside-automation: alarm "web-5xx"', channel: 'automation' },
      automation: {
        cause: 'alarm',
        alarm: 'web-5xx',
        forRevision: 3,
        reason: 'alarm "web-5xx" fired during bake of revision 3',
      },
    });
    expect(await bakeOf(release, 3)).toMatchObject({ state: 'failed', cause: 'alarm', rollback: { to: 1 } });
  });

  it('makes one rollback of two alarms in one bake, and says why the second did nothing', async () => {
    const release = uniqueRelease('twice');
    await deploy(release);
    const revision = await deploy(release, bake({ alarms: ['web-5xx', 'web-latency'] }));
    const at = (await bakeOf(release, revision)).startedAt + MINUTE;
    // The first alarm's function is slow to reach the queue: the second comes while it is on its way.
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const slow = {
      ...w.deps,
      send: async (request: Record<string, unknown>) => gate.then(() => w.deps.send(request)),
    };
    const first = handleAlarmEvent(slow, alarmEvent('web-5xx', at));
    while ((await w.records.getBake(release, revision))?.state !== 'failed') {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const second = await handleAlarmEvent(w.deps, alarmEvent('web-latency', at + 1));
    expect(second.find((o) => o.release.name === release.name)?.reaction).toEqual({ kind: 'already' });
    open();
    expect((await first).find((o) => o.release.name === release.name)?.reaction).toMatchObject({
      kind: 'rolled-back',
    });
    await w.drain();
    // Once its rollback is sent the release is not baking: a third alarm finds nothing to do.
    expect((await handleAlarmEvent(w.deps, alarmEvent('web-5xx', at + 2))).filter(mine2(release))).toEqual(
      [],
    );
    const history = await readHistory(w.store, release);
    expect(history.map((r) => r.status)).toEqual(['superseded', 'superseded', 'deployed']);
    expect(history[2]?.description).toMatch(
      /^Rollback to 1: alarm "web-(5xx|latency)" fired during bake of revision 2$/,
    );
    expect(w.events('Release Rolled Back').filter(mine(release))).toHaveLength(1);
    const skipped = w.events('Automation Skipped').filter(mine(release));
    expect(skipped.map((e) => e.detail.description)).toEqual([
      expect.stringMatching(
        /^No second automatic rollback: the bake of revision 2 already failed \(alarm "web-5xx" fired during bake of revision 2\); one automatic rollback per revision$/,
      ),
    ]);
  });

  it('sends a claimed rollback whose sender died before the queue had it, at the guard’s next round', async () => {
    const release = uniqueRelease('resent');
    await deploy(release);
    const revision = await deploy(release, bake({ alarms: ['web-5xx'] }));
    const baking = await bakeOf(release, revision);
    const dying = {
      ...w.deps,
      send: async () => {
        throw new Error('the function was stopped before SendMessage');
      },
    };
    await expect(handleAlarmEvent(dying, alarmEvent('web-5xx', baking.startedAt + MINUTE))).rejects.toThrow(
      /stopped/,
    );
    expect(await w.drain()).toEqual([]);
    w.clock.set(baking.startedAt + 2 * MINUTE);
    const round = await guard();
    expect(round.bakes.find((b) => b.release.name === release.name)?.verdict).toMatchObject({
      kind: 'trouble',
      reaction: { kind: 'rolled-back', to: 1 },
    });
    await w.drain();
    expect(await descriptions(release)).toEqual([
      '1 superseded Install complete',
      '2 superseded Upgrade complete',
      '3 deployed Rollback to 1: alarm "web-5xx" fired during bake of revision 2',
    ]);
    expect((await guard()).bakes.filter((b) => b.release.name === release.name)).toEqual([]);
  });

  it('does nothing for an alarm after the bake ended', async () => {
    const release = uniqueRelease('late');
    await deploy(release);
    const revision = await deploy(release, bake({ alarms: ['web-5xx'] }));
    const baked = await bakeOf(release, revision);
    const late = await handleAlarmEvent(w.deps, alarmEvent('web-5xx', baked.endsAt + MINUTE));
    expect(late.find((o) => o.release.name === release.name)?.reaction).toEqual({ kind: 'outside-bake' });
    w.clock.set(baked.endsAt + MINUTE);
    await guard();
    const after = await handleAlarmEvent(w.deps, alarmEvent('web-5xx', baked.endsAt + 2 * MINUTE));
    expect(after.filter((o) => o.release.name === release.name)).toEqual([]);
    expect(await w.drain()).toEqual([]);
    expect((await readHistory(w.store, release)).map((r) => r.status)).toEqual(['superseded', 'deployed']);
    expect(w.events('Automation Skipped').filter(mine(release))).toEqual([]);
  });

  it('does no rollback for an alarm about revision 2 once 3 is deployed, and says why', async () => {
    const release = uniqueRelease('newer');
    await deploy(release);
    const revision = await deploy(release, bake({ alarms: ['web-5xx'] }));
    await deploy(release, { values: { replicas: 2 } });
    const at = (await bakeOf(release, revision)).startedAt + MINUTE;
    const outcomes = await handleAlarmEvent(w.deps, alarmEvent('web-5xx', at));
    expect(outcomes.find((o) => o.release.name === release.name)?.reaction).toEqual({
      kind: 'newer-deployed',
      deployed: 3,
    });
    expect(await w.drain()).toEqual([]);
    expect((await readHistory(w.store, release)).map((r) => r.status)).toEqual([
      'superseded',
      'superseded',
      'deployed',
    ]);
    const [skipped] = w.events('Automation Skipped').filter(mine(release));
    expect(skipped?.detail).toMatchObject({
      status: 'skipped',
      revision: 2,
      description: 'No automatic rollback: revision 3 has been deployed since the bake of revision 2 began',
      automation: { cause: 'alarm', alarm: 'web-5xx', forRevision: 2 },
    });
    expect((await bakeOf(release, revision)).state).toBe('ended');
  });

  it('refuses, with an event saying why, a rollback for revision 2 that reaches the worker after 3 was deployed', async () => {
    const release = uniqueRelease('queued');
    await deploy(release);
    const revision = await deploy(release, bake({ alarms: ['web-5xx'] }));
    // An upgrade is queued ahead of the alarm's rollback: the rollback finds revision 3 deployed.
    await w.send(bootcampRequest(release, { values: { replicas: 2 } }));
    const at = (await bakeOf(release, revision)).startedAt + MINUTE;
    await handleAlarmEvent(w.deps, alarmEvent('web-5xx', at));
    const outcomes = await w.drain();
    expect(outcomes.map((o) => o.outcome)).toEqual(['done', 'rejected']);
    expect((await readHistory(w.store, release)).map((r) => r.description)).toEqual([
      'Install complete',
      'Upgrade complete',
      'Upgrade complete',
    ]);
    const [rejected] = w.events('Request Rejected').filter(mine(release));
    expect(rejected?.detail.error).toEqual({
      type: 'AutomationSkippedError',
      message: 'the automatic rollback for revision 2 does nothing: revision 3 has been deployed since',
    });
  });

  it('rolls back when the workloads turn unhealthy during the bake', async () => {
    const release = uniqueRelease('unhealthy');
    await deploy(release);
    // Deployed without waiting, its pods then crash: the bake's health guard sees it.
    const revision = await deploy(release, {
      ...bake({ health: true }),
      values: { replicas: 1, image: 'example/crashloop:2' },
      options: { timeout: '30s', wait: false },
    });
    const baking = await bakeOf(release, revision);
    w.clock.set(baking.startedAt + MINUTE);
    let verdict: unknown;
    for (let look = 0; look < 50; look++) {
      verdict = (await guard()).bakes.find((b) => b.release.name === release.name)?.verdict;
      if ((verdict as { kind: string }).kind === 'trouble') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(verdict).toMatchObject({ kind: 'trouble', reaction: { kind: 'rolled-back', to: 1 } });
    await w.drain();
    const history = await readHistory(w.store, release);
    expect(history.map((r) => r.status)).toEqual(['superseded', 'superseded', 'deployed']);
    expect(history[2]?.description).toMatch(
      /^Rollback to 1: workloads unhealthy during bake of revision 2: deployment\/.+CrashLoopBackOff/,
    );
    const [rolledBack] = w.events('Release Rolled Back').filter(mine(release));
    expect(rolledBack?.detail.automation).toMatchObject({ cause: 'health', forRevision: 2 });
    expect(rolledBack?.detail.requestedBy).toEqual({
      principal: 'quayside-automation: health guard',
      channel: 'automation',
    });
  });

  it('ignores an alarm while the automation is paused and says so; the bake then ends unverified', async () => {
    const release = uniqueRelease('paused');
    await deploy(release);
    const revision = await deploy(release, bake({ alarms: ['web-5xx'] }));
    await w.records.setPaused(release, { paused: true, by: 'alice', at: new Date().toISOString() });
    const baking = await bakeOf(release, revision);
    const outcomes = await handleAlarmEvent(w.deps, alarmEvent('web-5xx', baking.startedAt + MINUTE));
    expect(outcomes.find((o) => o.release.name === release.name)?.reaction).toEqual({ kind: 'paused' });
    expect(await w.drain()).toEqual([]);
    const [skipped] = w.events('Automation Skipped').filter(mine(release));
    expect(skipped?.detail.description).toBe(
      `Automatic rollback of ${release.cluster}/default/${release.name} is paused (by alice): alarm "web-5xx" fired during bake of revision 2; ignored`,
    );
    w.clock.set(baking.endsAt);
    await guard();
    expect(await bakeOf(release, revision)).toMatchObject({
      state: 'ended',
      reason: 'not verified: alarm "web-5xx" fired during bake of revision 2 while the automation was paused',
    });
    expect(w.events('Release Verified').filter(mine(release))).toEqual([]);
  });

  it('refuses an automatic request that would roll forward', async () => {
    const release = uniqueRelease('forward');
    await deploy(release);
    await deploy(release, { values: { replicas: 2 } });
    await w.send({
      ...bootcampRequest(release),
      action: 'rollback',
      chart: undefined,
      values: undefined,
      options: undefined,
      revision: 3,
      automation: { cause: 'alarm', forRevision: 2, reason: 'forged' },
      requestedBy: { principal: 'quayside-automation: alarm "x"', channel: 'automation' },
    });
    expect((await w.drain()).map((o) => o.outcome)).toEqual(['rejected']);
    const [rejected] = w.events('Request Rejected').filter(mine(release));
    expect(rejected?.detail.error?.message).toBe(
      'the automatic rollback for revision 2 does nothing: revision 3 is not earlier (never an automatic roll forward)',
    );
  });

  it('says so when a bad first install has nothing to roll back to', async () => {
    const release = uniqueRelease('first');
    const revision = await deploy(release, bake({ alarms: ['web-5xx'] }));
    const at = (await bakeOf(release, revision)).startedAt + MINUTE;
    const outcomes = await handleAlarmEvent(w.deps, alarmEvent('web-5xx', at));
    expect(outcomes.find((o) => o.release.name === release.name)?.reaction).toEqual({ kind: 'no-target' });
    expect(
      w
        .events('Automation Skipped')
        .filter(mine(release))
        .map((e) => e.detail.description),
    ).toEqual(['No automatic rollback: no revision before 1 finished its bake or was deployed']);
  });
});

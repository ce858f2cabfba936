import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FollowUpdate, followRequest } from '../../lib/client/index.ts';
import { ManualClock } from '../../lib/domain/index.ts';
import { FileDriver } from '../../lib/store/file.ts';
import { ReleaseStore } from '../../lib/store/index.ts';
import { MemoryDriver } from '../../lib/store/memory.ts';
import { ProgressRecorder } from '../../lib/worker/progress.ts';
import { beginInput, blog, body } from '../fixtures/store.ts';

const freshDir = () => mkdtempSync(join(tmpdir(), 'quayside-follow-'));

describe('following a request through the store', () => {
  it('shows the steps of a run that became final while it was looking', async () => {
    const clock = new ManualClock();
    const dir = freshDir();
    const worker = new ReleaseStore(new FileDriver(dir), { clock });
    const started = await worker.begin(
      beginInput({ requestId: 'r1', action: 'install', leaseExpiresAt: clock.now() + 60_000 }),
    );
    if (started.kind !== 'started') throw new Error('expected started');
    const { lease } = started;
    // The worker's whole run lands while the sender looks at the request: its steps, then the final revision.
    let ran = false;
    class Sender extends ReleaseStore {
      override async findRejection(requestId: string) {
        if (!ran) {
          ran = true;
          await worker.recordProgress('r1', [{ at: clock.now(), message: 'applying 3 objects' }]);
          await worker.finish({
            lease,
            status: 'deployed',
            description: 'Install complete',
            body: body('kept\n'),
          });
        }
        return super.findRejection(requestId);
      }
    }
    const updates: FollowUpdate[] = [];
    const end = await followRequest({
      store: new Sender(new FileDriver(dir), { clock }),
      release: blog,
      requestId: 'r1',
      clock: { now: () => clock.now(), sleep: async () => {} },
      until: clock.now() + 60_000,
      onUpdate: (update) => updates.push(update),
    });
    expect(end).toMatchObject({ kind: 'finished', revision: { status: 'deployed' } });
    expect(updates.map((u) => (u.kind === 'step' ? u.message : u.kind))).toEqual([
      'applying 3 objects',
      'finished',
    ]);
  });

  it("writes a run's steps when the engine starts recording the revision, not a throttle later", async () => {
    const clock = new ManualClock();
    const store = new ReleaseStore(new FileDriver(freshDir()), { clock });
    const recorder = new ProgressRecorder(store);
    recorder.note('r2', { at: 1, step: 'apply', message: 'applying 3 objects' });
    recorder.note('r2', { at: 2, step: 'record', message: 'recording revision 1 as deployed' });
    // No timer has fired (the throttle is 500 ms of real time): the write was started by the 'record' step.
    await new Promise((resolve) => setImmediate(resolve));
    await expect.poll(() => store.readProgress('r2'), { timeout: 400, interval: 20 }).toHaveLength(2);
    await recorder.flush('r2');
  });

  it('writes each set of lines once: a flush after the write at record writes only what is new', async () => {
    const driver = new MemoryDriver();
    const store = new ReleaseStore(driver, { clock: new ManualClock() });
    const recorder = new ProgressRecorder(store);
    const writes = () => driver.usage.requests;
    recorder.note('r3', { at: 1, step: 'apply', message: 'applying 3 objects' });
    recorder.note('r3', { at: 2, step: 'record', message: 'recording revision 1 as deployed' });
    await recorder.flush('r3');
    expect(writes()).toBe(1);
    expect(await store.readProgress('r3')).toHaveLength(2);

    const before = writes();
    recorder.note('r4', { at: 1, step: 'record', message: 'recording revision 1 as failed' });
    recorder.note('r4', { at: 2, step: 'rollback', message: 'rolling back to revision 0' });
    await recorder.flush('r4');
    expect(writes() - before).toBe(2);
    expect((await store.readProgress('r4')).map((line) => line.message)).toEqual([
      'recording revision 1 as failed',
      'rolling back to revision 0',
    ]);
  });
});

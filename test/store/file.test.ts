import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/domain/index.ts';
import { FileDriver } from '../../lib/store/file.ts';
import { ReleaseStore } from '../../lib/store/index.ts';
import { beginInput, blog, body } from '../fixtures/store.ts';
import { automationRecordsContract } from './automation.contract.ts';
import { releaseStoreContract } from './release-store.contract.ts';

const freshDir = () => mkdtempSync(join(tmpdir(), 'quayside-store-'));

releaseStoreContract('the file driver', async () => new FileDriver(freshDir()));
automationRecordsContract('the file driver', async () => new FileDriver(freshDir()));

describe('the file driver', () => {
  it('keeps history across restarts and shares it between processes using one folder', async () => {
    const dir = freshDir();
    const clock = new ManualClock();
    const first = new ReleaseStore(new FileDriver(dir), { clock });
    const started = await first.begin(
      beginInput({ requestId: 'f1', action: 'install', leaseExpiresAt: clock.now() + 60_000 }),
    );
    if (started.kind !== 'started') throw new Error('expected started');
    // A second handle (another CLI process) sees the live lease written by the first.
    const second = new ReleaseStore(new FileDriver(dir), { clock });
    expect((await second.getRelease(blog))?.lease?.requestId).toBe('f1');
    await first.finish({
      lease: started.lease,
      status: 'deployed',
      description: 'Install complete',
      body: body('kept\n'),
    });
    expect((await second.getRevision(blog, 1)).body.manifest).toBe('kept\n');
    const reopened = new ReleaseStore(new FileDriver(dir), { clock });
    expect(await reopened.getRelease(blog)).toMatchObject({ status: 'deployed', deployedRevision: 1 });
  });
});

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  decodeHelmRelease,
  encodeHelmRelease,
  HelmRecordUnreadableError,
  helmFromRevision,
  revisionFromHelm,
} from '../../lib/helm/index.ts';

const release = { cluster: 'c', namespace: 'tools', name: 'blog' };
const record = {
  name: 'blog',
  namespace: 'tools',
  version: 3,
  info: {
    first_deployed: '2026-11-29T20:35:38.123456789Z',
    last_deployed: '2026-11-29T21:00:01.5+01:00',
    description: 'Rollback to 1',
    status: 'deployed',
    notes: 'Thanks',
  },
  chart: {
    metadata: { name: 'ghost', version: '1.24.8', appVersion: '1.24.8' },
    values: { replicas: 1, image: { tag: 'a' } },
  },
  config: { image: { tag: 'b' } },
  manifest: '---\nkind: ConfigMap\n',
  hooks: [
    {
      name: 'migrate',
      kind: 'Job',
      path: 'ghost/templates/job.yaml',
      manifest: 'kind: Job\n',
      events: ['pre-upgrade'],
      last_run: {
        started_at: '2026-11-29T20:35:40Z',
        completed_at: '2026-11-29T20:35:45Z',
        phase: 'Succeeded',
      },
      weight: 5,
      delete_policies: ['hook-succeeded'],
    },
  ],
  apply_method: 'ssa',
};

describe("helm's release records", () => {
  it('reads base64 of gzipped JSON, as helm writes it, and plain JSON from before compression', () => {
    const gzipped = gzipSync(Buffer.from(JSON.stringify(record))).toString('base64');
    expect(decodeHelmRelease(gzipped, 'x')).toEqual(record);
    expect(decodeHelmRelease(Buffer.from(JSON.stringify(record)).toString('base64'), 'x')).toEqual(record);
    expect(decodeHelmRelease(encodeHelmRelease(record), 'x')).toEqual(record);
  });

  it('refuses what is not a record, naming the record', () => {
    expect(() => decodeHelmRelease('not base64!', 'secret tools/x')).toThrow(HelmRecordUnreadableError);
    expect(() => decodeHelmRelease(Buffer.from('{"name":"x"}').toString('base64'), 'secret tools/x')).toThrow(
      /secret tools\/x cannot be read: version/,
    );
  });

  it('becomes a quayside revision with its number, status, times, values and hooks', () => {
    const revision = revisionFromHelm(decodeHelmRelease(encodeHelmRelease(record), 'x'), release);
    expect(revision).toMatchObject({
      revision: 3,
      status: 'deployed',
      action: 'rollback',
      rollbackTo: 1,
      description: 'Rollback to 1',
      chart: { name: 'ghost', version: '1.24.8', appVersion: '1.24.8' },
      firstDeployed: '2026-11-29T20:35:38.123Z',
      lastDeployed: '2026-11-29T20:00:01.500Z',
    });
    expect(revision.body.config).toEqual({ image: { tag: 'b' } });
    // `helm get values --all`: the chart's values with the user's over them.
    expect(revision.body.values).toEqual({ replicas: 1, image: { tag: 'b' } });
    expect(revision.body.hooks[0]).toMatchObject({
      name: 'migrate',
      weight: 5,
      events: ['pre-upgrade'],
      lastRun: { phase: 'Succeeded', startedAt: '2026-11-29T20:35:40.000Z' },
    });
  });

  it('goes back to the record helm would have written, which reads back the same', () => {
    const revision = revisionFromHelm(record, release);
    const written = helmFromRevision(revision);
    expect(written).toMatchObject({
      name: 'blog',
      namespace: 'tools',
      version: 3,
      info: { status: 'deployed', description: 'Rollback to 1', notes: 'Thanks' },
      config: { image: { tag: 'b' } },
      manifest: record.manifest,
    });
    const again = revisionFromHelm(decodeHelmRelease(encodeHelmRelease(written), 'x'), release);
    expect({ ...again, requestId: '' }).toEqual({ ...revision, requestId: '' });
  });
});

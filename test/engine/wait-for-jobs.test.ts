import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChartSource } from '../../lib/chart/index.ts';
import { live, release, request, startWorld, type World } from './world.ts';

/** A chart of one Job running `image`. */
function jobChart(): ChartSource {
  const dir = mkdtempSync(join(tmpdir(), 'quayside-job-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: job\nversion: 1.0.0\n');
  writeFileSync(join(dir, 'values.yaml'), 'image: busybox:1.36\n');
  writeFileSync(
    join(dir, 'templates', 'job.yaml'),
    [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}',
      'spec:',
      '  backoffLimit: 0',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: run',
      '          image: {{ .Values.image }}',
      '',
    ].join('\n'),
  );
  return { kind: 'directory', path: dir };
}

const complete = (job: Record<string, unknown> | undefined) =>
  ((job?.status as { conditions?: Array<{ type: string; status: string }> })?.conditions ?? []).some(
    (c) => c.type === 'Complete' && c.status === 'True',
  );

describe('--wait-for-jobs', () => {
  let world: World;
  const chart = jobChart();
  beforeAll(async () => {
    // Slow enough steps that a Job is still running when the other objects are ready.
    world = await startWorld({ rolloutStepMs: 300 });
  });
  afterAll(() => world.stop());

  it('without it, counts a running Job as ready, as helm does', async () => {
    const id = release('job-no-wait');
    const result = await world.engine.install(
      { release: id, chart, options: { timeoutMs: 20_000 } },
      request(),
    );
    expect(result.status).toBe('deployed');
    const job = await live(world.connection, `/apis/batch/v1/namespaces/default/jobs/${id.name}`);
    expect(complete(job)).toBe(false);
  });

  it('with it, waits until the Job has completed', async () => {
    const id = release('job-wait');
    const result = await world.engine.install(
      { release: id, chart, options: { timeoutMs: 20_000, waitForJobs: true } },
      request(),
    );
    expect(result.status).toBe('deployed');
    const job = await live(world.connection, `/apis/batch/v1/namespaces/default/jobs/${id.name}`);
    expect(complete(job)).toBe(true);
  });

  it('with it, fails the revision when the Job cannot run, naming the pod and image', async () => {
    const id = release('job-broken');
    const result = await world.engine.install(
      {
        release: id,
        chart,
        values: { image: 'registry.example/nonexistent:1' },
        options: { timeoutMs: 20_000, waitForJobs: true },
      },
      request(),
    );
    expect(result.status).toBe('failed');
    expect(result.description).toMatch(
      /job\/job-broken: pod job-broken-\S+: (ErrImagePull|ImagePullBackOff)/,
    );
  });
});

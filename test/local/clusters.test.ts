import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryPublisher } from '../../lib/events/index.ts';
import { type LocalStack, startLocalStack } from '../../lib/local/index.ts';
import { type CliRun, charts, repoRoot } from '../cli/cli-world.ts';

describe('the local stack with three simulated EKS clusters', () => {
  let stack: LocalStack;
  let env: Record<string, string>;
  const events = new MemoryPublisher();

  const cli = (args: readonly string[]): Promise<CliRun> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        [join(repoRoot, 'bin', 'quayside.js'), ...args],
        { env, cwd: repoRoot },
        (error, stdout, stderr) => {
          const code = error ? ((error as { code?: number }).code ?? 1) : 0;
          done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
        },
      );
    });

  beforeAll(async () => {
    stack = await startLocalStack({
      dataDir: '',
      ephemeral: true,
      projectRoot: repoRoot,
      events,
      log: () => {},
      rolloutStepMs: 20,
      clusters: 3,
    });
    env = {
      ...(process.env as Record<string, string>),
      QUAYSIDE_QUEUE_URL: stack.queueUrl,
      QUAYSIDE_STORE: stack.storeUrl,
      KUBECONFIG: stack.kubeconfigPath,
      AWS_ENDPOINT_URL_SQS: stack.sqsEndpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'quayside',
      AWS_SECRET_ACCESS_KEY: 'quayside',
    };
  }, 90_000);
  afterAll(() => stack?.stop());

  it('registers each simulator as an EKS cluster, the others in a second account behind a role', async () => {
    const list = await cli(['cluster', 'list', '-o', 'json']);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ name: 'sim-1', kind: 'eks', clusterName: 'sim-1', region: 'us-east-1' }),
      expect.objectContaining({
        name: 'sim-2',
        roleArn: 'arn:aws:iam::222222222222:role/quayside-deployer',
        externalId: 'quayside-local',
      }),
      expect.objectContaining({ name: 'sim-3', roleArn: 'arn:aws:iam::222222222222:role/quayside-deployer' }),
    ]);
    expect(JSON.parse(list.stdout)[0].roleArn).toBeUndefined();
  });

  it('deploys one release to two clusters through the queue, the worker signing EKS tokens for each', async () => {
    for (const cluster of ['sim-2', 'sim-3']) {
      const install = await cli([
        'install',
        'web',
        charts.bootcamp,
        '--set',
        'replicas=1',
        '--cluster',
        cluster,
        '--timeout',
        '30s',
      ]);
      expect(install.code, install.stderr).toBe(0);
      expect(install.stderr).toContain(`queued for ${cluster}/default/web`);
      expect(install.stderr).toMatch(/revision 1 deployed: Install complete/);
    }
    const upgrade = await cli([
      'upgrade',
      'web',
      charts.bootcamp,
      '--set',
      'replicas=2',
      '--cluster',
      'sim-3',
      '--timeout',
      '30s',
    ]);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    // The worker has no kubeconfig here: every call was made with an EKS token the simulators accepted.
    for (const cluster of stack.clusters) expect(cluster.simulator.authFailures).toEqual([]);
    expect(
      stack.clusters.find((c) => c.name === 'sim-2')?.simulator.requests.some((r) => r.verb === 'patch'),
    ).toBe(true);
  });

  it('lists and shows history per cluster', async () => {
    const sim2 = await cli(['list', '-A', '--cluster', 'sim-2', '-o', 'json']);
    expect(JSON.parse(sim2.stdout)).toEqual([
      expect.objectContaining({ name: 'web', namespace: 'default', revision: '1', status: 'deployed' }),
    ]);
    const sim1 = await cli(['list', '-A', '--cluster', 'sim-1', '-o', 'json']);
    expect(JSON.parse(sim1.stdout)).toEqual([]);
    const history = await cli(['history', 'web', '--cluster', 'sim-3', '-o', 'json']);
    expect(
      JSON.parse(history.stdout).map((r: { revision: number; status: string }) => [r.revision, r.status]),
    ).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
  });

  it('refuses a request for a cluster nobody registered, naming the three there are', async () => {
    const install = await cli(['install', 'web', charts.bootcamp, '--cluster', 'sim-9', '--timeout', '30s']);
    expect(install.code).not.toBe(0);
    expect(install.stderr).toContain(
      'cluster "sim-9" is not registered (registered clusters: "sim-1", "sim-2", "sim-3")',
    );
  });
});

import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryPublisher } from '../../lib/events/index.ts';
import { type LocalStack, startLocalStack } from '../../lib/local/index.ts';
import { type CliRun, charts, repoRoot } from './cli-world.ts';

describe('the CLI in queued mode, against the local stack', () => {
  let stack: LocalStack;
  let env: Record<string, string>;
  const events = new MemoryPublisher();

  const cli = (args: readonly string[]): Promise<CliRun> =>
    new Promise((done) => {
      execFile(
        process.execPath,
        ['bin/quayside.js', ...args],
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
  }, 60_000);
  afterAll(() => stack.stop());

  it('sends install and upgrade through the queue and follows them to deployed, with progress on stderr', async () => {
    const install = await cli(['install', 'web', charts.bootcamp, '--set', 'replicas=1', '--timeout', '30s']);
    expect(install.code, install.stderr).toBe(0);
    expect(install.stderr).toMatch(/request \S+ queued for quayside-sim\/default\/web/);
    expect(install.stderr).toMatch(/revision 1 deployed: Install complete \(\d+\.\d s\)/);
    // Each step and object as the worker reports it.
    expect(install.stderr).toMatch(/^ {4}applying \d+ objects \(\d+\.\d s\)$/m);
    expect(install.stderr).toMatch(/^ {4}.*deployment\/web.* \(\d+\.\d s\)$/m);
    const failed = await cli([
      'upgrade',
      'web',
      charts.bootcamp,
      '--set',
      'image=example/nonexistent:1',
      '--atomic',
      '--timeout',
      '30s',
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/revision 2 failed: Upgrade "web" failed: .*nonexistent/);
    expect(failed.stderr).toMatch(/revision 3 deployed: Rollback to 1/);
    const history = await cli(['history', 'web', '-o', 'json']);
    expect(JSON.parse(history.stdout).map((r: { status: string }) => r.status)).toEqual([
      'superseded',
      'failed',
      'deployed',
    ]);
    const rollback = await cli(['rollback', 'web', '1']);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stderr).toMatch(/revision 4 deployed: Rollback to 1/);
    const uninstall = await cli(['uninstall', 'web']);
    expect(uninstall.code, uninstall.stderr).toBe(0);
    expect((await cli(['status', 'web'])).code).toBe(2);
  }, 90_000);

  it('returns the request id at once with --no-follow, and refuses --no-follow without a queue', async () => {
    const queued = await cli(['install', 'later', charts.bootcamp, '--set', 'replicas=1', '--no-follow']);
    expect(queued.code, queued.stderr).toBe(0);
    const requestId = queued.stdout.trim();
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const status = async () => (await cli(['status', 'later', '-o', 'json'])).stdout;
    for (let i = 0; i < 60 && !(await status()).includes('"deployed"'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await status()).toContain('"deployed"');
    const { QUAYSIDE_QUEUE_URL: _queue, ...directEnv } = env;
    const direct = await new Promise<CliRun>((done) => {
      execFile(
        process.execPath,
        ['bin/quayside.js', 'rollback', 'later', '--no-follow'],
        { env: directEnv, cwd: repoRoot },
        (error, stdout, stderr) =>
          done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(direct.code).toBe(2);
    expect(direct.stderr).toContain('--no-follow needs queued mode');
  }, 90_000);

  it("exits 2 with the worker's reason when the request is rejected", async () => {
    const rejected = await cli(['rollback', 'nobody', '1']);
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toMatch(/was rejected: .*release "nobody" not found/);
  }, 60_000);
});

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryPublisher } from '../../lib/events/index.ts';
import { type LocalStack, startLocalStack } from '../../lib/local/index.ts';
import { type CliRun, charts, repoRoot } from './cli-world.ts';

describe('the CLI in queued mode, against the local stack', () => {
  let stack: LocalStack;
  let env: Record<string, string>;
  const events = new MemoryPublisher();

  // The command npm installs: it starts these commands from the start-up snapshot, whose SQS client
  // is loaded from dist/cli/outside.cjs.
  const cli = (args: readonly string[], cwd = repoRoot): Promise<CliRun> =>
    new Promise((done) => {
      execFile(join(repoRoot, 'bin', 'quayside'), args, { env, cwd }, (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      });
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

  it("sends a local chart folder inline, so a relative path means the sender's folder, not the worker's", async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'quayside-sender-'));
    cpSync(charts.myNginx, join(elsewhere, 'site'), { recursive: true });
    const install = await cli(['upgrade', 'relative', './site', '--install', '--wait=false'], elsewhere);
    expect(install.code, install.stderr).toBe(0);
    // upgrade --install of a missing release made an install, and says so as direct mode does.
    expect(install.stdout).toMatch(
      /^Release "relative" does not exist\. Installing it now\.\nNAME: relative\n/,
    );
    expect(install.stdout).toContain('REVISION: 1');
    const rollbackTarget = await cli(
      ['upgrade', 'relative', './site', '--set', 'replicaCount=2', '--wait=false'],
      elsewhere,
    );
    expect(rollbackTarget.stdout).toContain('Release "relative" has been upgraded.');
    // rollback 0: the revision before the latest, as helm reads it.
    const rollback = await cli(['rollback', 'relative', '0', '--wait=false']);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stderr).toMatch(/revision 3 deployed: Rollback to 1/);
  }, 90_000);

  it('runs --dry-run in its own process, sending nothing', async () => {
    const dry = await cli(['install', 'dry', charts.myNginx, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('Release "dry": dry run, nothing was applied or recorded.');
    expect(dry.stderr).not.toContain('queued');
    expect((await cli(['status', 'dry'])).code).toBe(2);
  }, 60_000);

  it("refuses a request over SQS's 256 KiB before sending it, naming the large part and the way out", async () => {
    const big = mkdtempSync(join(tmpdir(), 'quayside-big-'));
    cpSync(charts.myNginx, join(big, 'chart'), { recursive: true });
    // Random bytes do not compress: the packed chart stays over the limit.
    writeFileSync(join(big, 'chart', 'blob.bin'), randomBytes(300 * 1024));
    const chart = await cli(['install', 'big-chart', join(big, 'chart')]);
    expect(chart.code).toBe(2);
    expect(chart.stderr).toMatch(
      /the request is \d+ KiB, over SQS's 256 KiB message limit \(chart sent inline: \d+ KiB; values: \d+ KiB\)/,
    );
    expect(chart.stderr).toContain('publish the chart to a chart repository or an OCI registry');
    writeFileSync(join(big, 'values.txt'), randomBytes(200 * 1024).toString('base64'));
    const values = await cli([
      'install',
      'big-values',
      charts.myNginx,
      '--set-file',
      `blob=${join(big, 'values.txt')}`,
    ]);
    expect(values.code).toBe(2);
    expect(values.stderr).toContain('values this large do not fit in a queued request');
    expect(`${chart.stderr}${values.stderr}`).not.toContain('queued for');
  }, 60_000);
});

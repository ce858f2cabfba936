import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/quayside.js', import.meta.url));

describe('quayside start', () => {
  it('plays the stories through the queue with --demo, prints the history and exits 0', async () => {
    const { stdout } = await run(process.execPath, [bin, 'start', '--demo'], { timeout: 240_000 });
    expect(stdout).toContain('export QUAYSIDE_QUEUE_URL=http://127.0.0.1:');
    expect(stdout).toMatch(/Release Failed .*kubernetes-bootcamp rev 3 .*(ErrImagePull|ImagePullBackOff)/);
    expect(stdout).toMatch(/Release Rolled Back .*kubernetes-bootcamp rev 4 .*Rollback to 2/);
    expect(stdout).toMatch(/3 +\S.*deployed +ghost-1\.24\.8 +1\.24\.8 +Rollback to 1/);
    // Chat-ops: the rollback asked for in Slack, refused for carol, done for alice, posted with buttons.
    expect(stdout).toMatch(
      /carol may not do that: the right `rollback` on quayside-sim\/tools\/blog is missing/,
    );
    expect(stdout).toMatch(/Release Rolled Back .*blog rev 4 .*Rollback to 2/);
    expect(stdout).toMatch(/asked by slack:UALICE \(alice\) via chatops/);
    expect(stdout).toMatch(/\[Roll back to 3\] \(danger, asks to confirm\) \[History\]/);
    // Issue 14: a bake verified, a bake rolled back by an alarm, a scheduled rollback firing.
    expect(stdout).toMatch(
      /Release Verified .*\/web rev 1 .*Revision 1 verified: its 3s bake ended without trouble/,
    );
    expect(stdout).toMatch(
      /Release Rolled Back .*\/web rev 3 .*Rollback to 1: alarm "web-5xx" fired during bake of revision 2/,
    );
    expect(stdout).toMatch(/4 +deployed +schedule web-rollback-\S+ \(made by demo\) +Rollback to 2/);
    expect(stdout).toMatch(
      /2 +superseded .*failed, rolled back to 1: alarm "web-5xx" fired during bake of revision 2/,
    );
    expect(stdout).toContain('The story played as expected.');
  }, 300_000);

  it('plays the stories on sim-1 and installs one release on sim-2 and sim-3 with --clusters 3 --demo', async () => {
    const { stdout } = await run(process.execPath, [bin, 'start', '--clusters', '3', '--demo'], {
      timeout: 120_000,
    });
    expect(stdout).toContain('3 simulated EKS clusters (sim-1, sim-2, sim-3), registered in the store');
    expect(stdout).toMatch(/Release Rolled Back sim-1\/default\/kubernetes-bootcamp rev 4 .*Rollback to 2/);
    expect(stdout).toMatch(/Release Deployed sim-2\/default\/web rev 1 .*Install complete/);
    expect(stdout).toMatch(/Release Deployed sim-3\/default\/web rev 1 .*Install complete/);
    expect(stdout).toMatch(
      /\$ quayside list -A --cluster sim-3\nNAME +NAMESPACE +REVISION.*\nweb +default +1 +.* deployed /,
    );
    expect(stdout).toContain('The story played as expected.');
  }, 150_000);

  it('refuses a --clusters count it cannot run, and --clusters with --kubeconfig', async () => {
    const zero = await run(process.execPath, [bin, 'start', '--clusters', '0']).catch((e: unknown) => e);
    expect(zero).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--clusters must be a whole number from 1 to 9'),
    });
    const both = await run(process.execPath, [bin, 'start', '--clusters', '2', '--kubeconfig', 'x']).catch(
      (e: unknown) => e,
    );
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining('does not go with --kubeconfig') });
  });

  it('keeps its data in the data folder and stops cleanly on SIGTERM', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'quayside-start-')), 'data');
    const child = spawn(process.execPath, [bin, 'start', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${output}`)), 60_000);
      child.stdout.on('data', () => {
        if (output.includes('Press Ctrl-C to stop.')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    expect(output).toContain(`export KUBECONFIG=${join(dataDir, 'kubeconfig')}`);
    child.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.once('exit', (c, s) => resolve([c, s])),
    );
    expect({ code, signal }, `${output}\n${errors}`).toEqual({ code: 0, signal: null });
    expect(output).toContain('Stopped.');
    expect(output).toContain('store    DynamoDB Local');
    expect(existsSync(join(dataDir, 'dynamodb', 'shared-local-instance.db'))).toBe(true);
  }, 90_000);
});

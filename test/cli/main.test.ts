import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/quayside.js', import.meta.url));

describe('quayside CLI', () => {
  it('prints usage with --help and exits 0', async () => {
    const { stdout } = await run(process.execPath, [bin, '--help']);
    expect(stdout).toContain('Usage: quayside <command>');
    for (const verb of [
      'install',
      'upgrade',
      'rollback',
      'uninstall',
      'history',
      'status',
      'list',
      'get',
      'diff',
      'test',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${verb} `, 'm'));
    }
  });

  it("prints a release verb's flags, with where releases are kept by default", async () => {
    const { stdout } = await run(process.execPath, [bin, 'upgrade', '--help'], {
      env: { ...process.env, KUBECONFIG: '/nonexistent' },
    });
    expect(stdout).toContain('Usage: quayside upgrade NAME CHART [flags]');
    expect(stdout).toContain('(default: $QUAYSIDE_STORE, else file://$HOME/.quayside/store)');
  });

  it('names an unknown command and exits 2', async () => {
    const error = await run(process.execPath, [bin, 'frobnicate']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 2 });
    expect((error as { stderr: string }).stderr).toContain('unknown command "frobnicate"');
  });
});

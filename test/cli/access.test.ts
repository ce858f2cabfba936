import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliRun, repoRoot } from './cli-world.ts';

const cli = (args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> =>
  new Promise((done) => {
    execFile(
      process.execPath,
      ['bin/quayside.js', ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env }, cwd: repoRoot },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });

describe('quayside access and chatops', () => {
  it('grants, lists and revokes rights in the store, refusing what it cannot read', async () => {
    const store = `file://${mkdtempSync(join(tmpdir(), 'quayside-access-'))}`;
    const granted = await cli([
      'access',
      'grant',
      'rollback',
      'slack:UALICE',
      '--namespace',
      'tools',
      '--store',
      store,
    ]);
    expect(granted).toMatchObject({ code: 0, stdout: 'granted rollback to slack:UALICE on */tools/*\n' });
    const listed = await cli(['access', 'list', '--store', store]);
    expect(listed.stdout).toMatch(/^SUBJECT\s+RIGHT\s+CLUSTER\/NAMESPACE\/RELEASE\s+GRANTED\s+BY/);
    expect(listed.stdout).toMatch(/slack:UALICE\s+rollback\s+\*\/tools\/\*\s+\S+\s+cli:/);
    const bad = await cli(['access', 'grant', 'admin', 'alice', '--store', store]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"admin" is not a right: use read, deploy or rollback');
    expect(bad.stderr).toContain('"alice" is not a subject');
    expect(
      (await cli(['access', 'revoke', 'rollback', 'slack:UALICE', '--namespace', 'tools', '--store', store]))
        .code,
    ).toBe(0);
    const again = await cli([
      'access',
      'revoke',
      'rollback',
      'slack:UALICE',
      '--namespace',
      'tools',
      '--store',
      store,
    ]);
    expect(again).toMatchObject({ code: 1 });
    expect(again.stderr).toContain('has no grant of rollback on */tools/*; nothing changed');
    expect((await cli(['access', 'list', '--store', store])).stdout).toBe(
      'no grants: nothing is allowed (default deny)\n',
    );
    // Channel defaults and chart repositories, and the refusal of a path as a repository.
    expect(
      (await cli(['chatops', 'channel', 'set', 'C0DEPLOYS', '--namespace', 'tools', '--store', store])).code,
    ).toBe(0);
    expect(
      (
        await cli([
          'chatops',
          'repo',
          'add',
          'bitnami',
          'oci://registry-1.docker.io/bitnamicharts',
          '--store',
          store,
        ])
      ).code,
    ).toBe(0);
    expect((await cli(['chatops', 'repo', 'add', 'local', 'file:///etc', '--store', store])).code).toBe(2);
    expect((await cli(['chatops', 'list', '--store', store])).stdout).toMatch(
      /channel\s+C0DEPLOYS[\s\S]*repo\s+bitnami\s+oci:\/\//,
    );
  });

  it('quayside chat says what it needs when the endpoint or secret is not given', async () => {
    const run = await cli(['chat', '/quayside status blog']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'no chat endpoint: give --url or set QUAYSIDE_CHAT_URL (npm start prints it)',
    );
  });
});

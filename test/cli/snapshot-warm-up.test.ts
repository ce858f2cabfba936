import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../lib/cli/run.ts';
import { warmUp } from '../../lib/cli/snapshot-warm-up.ts';

// The warm-up runs while the CLI's start-up snapshot is built (lib/cli/snapshot.ts); here it runs in
// this process, with the same commands, to show what it leaves behind: nothing.
describe("the start-up snapshot's warm-up", () => {
  const roots: string[] = [];
  const scratchRoot = () => {
    const root = mkdtempSync(join(tmpdir(), 'quayside-warm-up-test-'));
    roots.push(root);
    return root;
  };
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it('runs the read commands against scratch files, and leaves no files, output or exit code behind', async () => {
    const root = scratchRoot();
    const streams = ['stdout', 'stderr'].map((name) => Object.getOwnPropertyDescriptor(process, name));
    const ran: string[] = [];
    await warmUp(async (argv) => {
      ran.push(argv[0] === 'get' ? `get ${argv[1]}` : argv[0]!);
      // While it runs, the commands' output goes to a stand-in, not to this process's streams.
      expect(Object.getOwnPropertyDescriptor(process, 'stdout')).not.toEqual(streams[0]);
      return runCli(argv);
    }, root);
    expect(new Set(ran)).toEqual(new Set(['history', 'list', 'status', 'get values', 'get manifest']));
    expect(readdirSync(root)).toEqual([]);
    expect(['stdout', 'stderr'].map((name) => Object.getOwnPropertyDescriptor(process, name))).toEqual(
      streams,
    );
    expect(process.exitCode).toBeUndefined();
  });

  it('fails, naming the command and with its output, when a command no longer runs', async () => {
    const root = scratchRoot();
    const failing = warmUp(
      async (argv) => (argv[0] === 'list' ? runCli(['list', '--no-such-flag']) : runCli(argv)),
      root,
    );
    await expect(failing).rejects.toThrow(
      /snapshot warm-up: quayside list -A .* exited 2[\s\S]*no-such-flag/,
    );
    expect(readdirSync(root)).toEqual([]);
    expect(process.exitCode).toBeUndefined();
  });
});

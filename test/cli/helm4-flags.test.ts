import { describe, expect, it } from 'vitest';
import { actionOptionsOf } from '../../lib/cli/action-input.ts';
import { ACTION_FLAGS, CHART_FLAGS, COMMON_FLAGS, parseCommand } from '../../lib/cli/args.ts';
import { CliUsageError } from '../../lib/cli/errors.ts';

const upgradeFlags = [...COMMON_FLAGS, ...CHART_FLAGS, ...ACTION_FLAGS, 'install' as const];
const options = (...argv: string[]) => {
  const { flags, positionals } = parseCommand('upgrade', ['web', './chart', ...argv], upgradeFlags);
  expect(positionals).toEqual(['web', './chart']);
  return actionOptionsOf('upgrade', flags);
};

describe("Helm 4's action flags", () => {
  it('reads a bare --wait as the watcher strategy without taking the next argument', () => {
    const { flags, positionals } = parseCommand('upgrade', ['--wait', 'web', './chart'], upgradeFlags);
    expect(positionals).toEqual(['web', './chart']);
    expect(actionOptionsOf('upgrade', flags).wait).toBe(true);
  });

  it('waits for the objects with watcher and legacy, only for hooks with hookOnly', () => {
    expect(options('--wait=watcher').wait).toBe(true);
    expect(options('--wait=legacy').wait).toBe(true);
    expect(options('--wait=hookOnly').wait).toBe(false);
    expect(options('--wait=false').wait).toBe(false);
  });

  it('takes --rollback-on-failure as --atomic, waiting even with --wait=hookOnly as helm 4 does', () => {
    expect(options('--rollback-on-failure', '--wait=hookOnly')).toMatchObject({ atomic: true, wait: true });
  });

  it('takes --force-conflicts and --force-replace apart', () => {
    expect(options('--force-conflicts')).toMatchObject({ forceConflicts: true });
    expect(options('--force-replace')).toMatchObject({ forceReplace: true });
  });

  it('accepts --server-side, =true and =auto, and refuses client-side apply by name', () => {
    expect(() => options('--server-side')).not.toThrow();
    expect(() => options('--server-side=auto')).not.toThrow();
    expect(() => options('--server-side=false')).toThrow(CliUsageError);
    expect(() => options('--server-side=false')).toThrow(/always applies server-side/);
  });

  it("reads helm 4's --dry-run=server|client|none", () => {
    expect(options('--dry-run=server').dryRun).toBe(true);
    expect(options('--dry-run=client').dryRun).toBe(true);
    expect(options('--dry-run=none').dryRun).toBe(false);
  });

  it('refuses an unknown wait strategy, naming the flag', () => {
    expect(() => options('--wait=sometimes')).toThrow(/invalid argument "sometimes" for "--wait" flag/);
  });
});

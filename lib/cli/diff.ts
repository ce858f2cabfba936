import { diffRevisions } from '../engine/index.ts';
import type { DiffResult } from '../kube/index.ts';
import { actionOptionsOf, chartOf, valuesOf } from './action-input.ts';
import {
  ACTION_FLAGS,
  CHART_FLAGS,
  COMMON_FLAGS,
  expectArgs,
  revisionNumber,
  rollbackRevision,
} from './args.ts';
import { type CommandSpec, print } from './command.ts';
import { releaseOf } from './context.ts';
import { CliUsageError } from './errors.ts';
import { encodeData } from './format.ts';
import { MESSAGES } from './messages.ts';
import { DirectRunner } from './runner.ts';
import { USAGE } from './usage.ts';

/** A dry run's server-side diff as text: each object's unified diff, or a line saying nothing changes. */
export function diffText(diff: DiffResult | undefined): string {
  const text = diff?.diff ?? '';
  const failures = (diff?.objects ?? [])
    .filter((o) => o.action === 'failed')
    .map((o) => `# ${o.kind}/${o.name} cannot be applied: ${o.error?.message ?? 'unknown error'}\n`)
    .join('');
  if (text.trim() === '' && failures === '') return `${MESSAGES.noChanges}\n`;
  return `${text.endsWith('\n') || text === '' ? text : `${text}\n`}${failures}`;
}

/** The diff for machines: each object, what would happen to it and its diff. */
function diffData(diff: DiffResult | undefined) {
  return {
    ok: diff?.ok ?? true,
    objects: (diff?.objects ?? []).map((o) => ({
      apiVersion: o.apiVersion,
      kind: o.kind,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      name: o.name,
      action: o.action,
      diff: o.diff,
      ...(o.error ? { error: o.error.message } : {}),
    })),
  };
}

/**
 * `diff upgrade NAME CHART`, `diff rollback NAME [REVISION]`: the engine's dry run against the
 * cluster (always in this process: nothing is recorded); `diff revision NAME A B`: two stored manifests.
 */
export const diffCommand: CommandSpec = {
  name: 'diff',
  usage: USAGE.diff,
  flags: [...COMMON_FLAGS, ...CHART_FLAGS, ...ACTION_FLAGS, 'install'],
  async run(input) {
    const { positionals, flags, target, store, output } = input;
    const [what, name, ...rest] = positionals;
    const args = name === undefined ? [] : [name, ...rest];
    const show = (diff: DiffResult | undefined) =>
      print(output === 'table' ? diffText(diff) : encodeData(output, diffData(diff)));
    const runner = () => new DirectRunner({ store, kubeconfig: target.kubeconfig });
    switch (what) {
      case 'upgrade': {
        expectArgs('diff', args, 2, 2, 'quayside diff upgrade NAME CHART [flags]');
        const release = releaseOf(target, name as string);
        const values = await valuesOf(flags);
        const chart = await chartOf(rest[0] as string, flags);
        const options = { ...actionOptionsOf('diff', flags), dryRun: true };
        show((await runner().upgrade({ release, chart, values, options })).diff);
        return 0;
      }
      case 'rollback': {
        expectArgs('diff', args, 1, 2, 'quayside diff rollback NAME [REVISION]');
        const release = releaseOf(target, name as string);
        const revision = rollbackRevision(rest[0]);
        const options = { ...actionOptionsOf('diff', flags), dryRun: true };
        show((await runner().rollback({ release, ...(revision ? { revision } : {}), options })).diff);
        return 0;
      }
      case 'revision': {
        expectArgs('diff', args, 3, 3, 'quayside diff revision NAME A B');
        const release = releaseOf(target, name as string);
        const from = revisionNumber('diff', rest[0]) as number;
        const to = revisionNumber('diff', rest[1]) as number;
        const text = await diffRevisions(store, release, from, to);
        print(output === 'table' ? text : encodeData(output, { from, to, diff: text }));
        return 0;
      }
      default:
        throw new CliUsageError('diff', MESSAGES.diffWhat);
    }
  },
};

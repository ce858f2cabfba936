import type { ReleaseId } from '../domain/index.ts';
import type { ActionResult } from '../engine/index.ts';
import { COMMON_FLAGS, expectArgs } from './args.ts';
import { type CommandSpec, print } from './command.ts';
import { releaseOf } from './context.ts';
import { encodeData } from './format.ts';
import { MESSAGES } from './messages.ts';
import { EXIT } from './report.ts';
import { DirectRunner } from './runner.ts';
import { USAGE } from './usage.ts';

/**
 * `quayside import [RELEASE] [-n NS | -A]`: takes releases helm made into quayside's store with their
 * whole history. Without RELEASE, every helm release of the namespace (or, with -A, of the cluster).
 * Helm's records are only read. A release already imported says so and counts as done.
 */
export const importCommand: CommandSpec = {
  name: 'import',
  usage: USAGE.import,
  flags: [...COMMON_FLAGS, 'all-namespaces'],
  async run(input) {
    expectArgs('import', input.positionals, 0, 1, 'quayside import [RELEASE] [-n NAMESPACE | -A] [flags]');
    const runner = new DirectRunner({
      store: input.store,
      kubeconfig: input.target.kubeconfig,
      ...(input.flags.debug ? { onProgress: (e) => process.stderr.write(`[${e.step}] ${e.message}\n`) } : {}),
    });
    const [name] = input.positionals;
    const releases: ReleaseId[] =
      name !== undefined
        ? [releaseOf(input.target, name)]
        : await runner.helmReleases({
            cluster: input.target.cluster,
            ...(input.flags['all-namespaces'] ? {} : { namespace: input.target.namespace }),
          });
    if (releases.length === 0) {
      process.stderr.write(
        `${MESSAGES.noHelmReleases(input.flags['all-namespaces'] ? undefined : input.target.namespace)}\n`,
      );
      return EXIT.failed;
    }
    const results: ActionResult[] = [];
    let failed = false;
    for (const release of releases) {
      try {
        const result = await runner.import({ release });
        results.push(result);
        if (input.output === 'table') print(`${importedLine(result)}\n`);
      } catch (error) {
        failed = true;
        process.stderr.write(`Error: ${release.namespace}/${release.name}: ${(error as Error).message}\n`);
      }
    }
    if (input.output !== 'table') print(encodeData(input.output, results.map(importData)));
    return failed ? EXIT.failed : EXIT.ok;
  },
};

function importedLine(result: ActionResult): string {
  const numbers = result.imported ?? [];
  const range = numbers.length === 1 ? `revision ${numbers[0]}` : `revisions ${numbers[0]}-${numbers.at(-1)}`;
  const what = result.duplicate ? 'already up to date in quayside' : `imported ${range}`;
  return `${result.release.namespace}/${result.release.name}: ${what}; latest revision ${result.revision} ${result.status}: ${result.description}`;
}

function importData(result: ActionResult) {
  return {
    name: result.release.name,
    namespace: result.release.namespace,
    revisions: result.imported ?? [],
    latest: result.revision,
    status: result.status,
    ...(result.previousRevision === undefined ? {} : { deployed: result.previousRevision }),
    alreadyImported: result.duplicate === true,
  };
}

/** Every text the CLI shows people, in one place. */
export const MESSAGES = {
  upgraded: (name: string) => `Release "${name}" has been upgraded. Happy Helming!`,
  installingNow: (name: string) => `Release "${name}" does not exist. Installing it now.`,
  rolledBack: 'Rollback was a success! Happy Helming!',
  noFollowNeedsQueue: '--no-follow needs queued mode: give --queue-url or set QUAYSIDE_QUEUE_URL',
  uninstalled: (name: string) => `release "${name}" uninstalled`,
  uninstalledKept: (name: string) =>
    `release "${name}" uninstalled; its history is kept (see: quayside history ${name})`,
  dryRun: (name: string) => `Release "${name}": dry run, nothing was applied or recorded.`,
  noChanges: 'No changes.',
  atomicRolledBack: (revision: number | undefined) =>
    `; rolled back to the last deployed release (revision ${revision ?? '?'}) because --atomic was set`,
  testFailed: (message: string) => `TEST FAILED: ${message}`,
  unknownFlag: (flag: string) => `unknown flag: ${flag}`,
  badOutput: (value: string) =>
    `invalid argument "${value}" for "-o, --output": must be one of table, json, yaml`,
  badNumber: (flag: string, value: string) =>
    `invalid argument "${value}" for "${flag}": must be a whole number`,
  countTooSmall: (flag: string, value: string) =>
    `invalid argument "${value}" for "${flag}": must be at least 1`,
  badRevision: (value: string) => `invalid revision "${value}": revisions are whole numbers from 1`,
  badRollbackRevision: (value: string) =>
    `invalid revision "${value}": a whole number, or 0 for the revision before the latest`,
  args: (usage: string) => `wrong arguments; usage: ${usage}`,
  noCluster: (kubeconfig: string) =>
    `no kube context to use: "${kubeconfig}" has no current context or cannot be read`,
  getWhat: 'get needs one of: values, manifest, notes, hooks, all',
  diffWhat: 'diff needs one of: upgrade, rollback, revision',
  badFilter: (reason: string) => `invalid argument for "-f, --filter": not a regular expression: ${reason}`,
  badSelector: (text: string) =>
    `invalid argument "${text}" for "-l, --selector": want key=value, key==value or key!=value, comma-separated`,
  cannotReadChart: (path: string) => `cannot read chart archive ${path}`,
  bakeNeedsQueue:
    '--bake-for needs queued mode (give --queue-url or set QUAYSIDE_QUEUE_URL): the service watches the bake',
  bakeNeedsFor: '--bake-alarm and --bake-health need --bake-for DURATION',
} as const;

/** The hint after an error's one line: what to run next. */
export const HINTS = {
  help: (command: string) => `run 'quayside ${command} --help' for usage`,
  listReleases: (namespace: string) => `list releases with: quayside list -n ${namespace}`,
  history: (name: string, namespace: string) =>
    `see its revisions with: quayside history ${name} -n ${namespace}`,
  upgrade: (name: string, namespace: string) =>
    `change it with: quayside upgrade ${name} CHART -n ${namespace}`,
  noCluster: 'pass --cluster CONTEXT and --kubeconfig FILE, or set KUBECONFIG',
  retry: 'another operation holds the release; try again when it has finished',
  debug: 'run again with --debug for details',
} as const;

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
  noHelmReleases: (namespace: string | undefined) =>
    `Error: no helm releases ${namespace === undefined ? 'in any namespace' : `in namespace ${namespace}`} (no Secrets or ConfigMaps labelled owner=helm)`,
  badWait: (value: string) =>
    `invalid argument "${value}" for "--wait" flag: invalid wait strategy "${value}": must be watcher, hookOnly or legacy (or true, false)`,
  badServerSide: (value: string) =>
    `invalid argument "${value}" for "--server-side" flag: must be "true" or "auto"; quayside always applies server-side (client-side apply is not offered)`,
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

/** What `quayside cluster` says. */
export const CLUSTER_COMMAND = {
  verb: 'say add, list, show or remove',
  needsName: (verb: string) => `cluster ${verb} needs the cluster's NAME`,
  extraArgs: (extra: readonly string[]) => `unexpected arguments: ${extra.join(' ')}`,
  badOutput: (value: string) => `invalid argument "${value}" for "-o, --output"`,
  oneKind: 'say how to reach the cluster with one of --eks, --kubeconfig-secret or --context',
  notForKind: (kind: string) => `does not apply to a ${kind} entry`,
  needsRegion: 'an EKS cluster needs its --region',
  unreadableCa: (file: string, code: string) => `cannot read ${file}${code ? ` (${code})` : ''}`,
  added: (name: string, target: string) => `cluster "${name}" registered: ${target}`,
  removed: (name: string) => `cluster "${name}" removed from the registry`,
  notFound: (name: string) => `cluster "${name}" is not registered (see: quayside cluster list)`,
  none: 'no cluster is registered; add one with: quayside cluster add NAME --eks CLUSTER --region REGION',
  hasReleases: (name: string, example: string) =>
    `cluster "${name}" still has releases in the store (${example}, maybe more): requests for them would be rejected once it is removed; uninstall them first, or pass --force`,
} as const;

import { resolve } from 'node:path';
import { snapshotBlobOf } from '../../bin/launch.js';
import type { CommandSpec } from './command.ts';

const USAGE = `quayside — Helm's release model as a serverless service

Usage: quayside <command> [flags]

Release commands (as helm's):
  install     install a chart as a new release
  upgrade     upgrade a release to a chart (--install: install when missing)
  rollback    roll a release back to an earlier revision
  uninstall   delete a release's objects (--keep-history keeps its revisions)
  history     print a release's revisions
  status      print a release's status and notes
  list        list releases
  get         print a revision's values, manifest, notes, hooks, or all of them
  diff        show what an upgrade or rollback would change, or how two revisions differ
  test        run a release's test hooks
  import      take releases helm made into quayside, with their whole history

Other commands:
  template    render a chart locally and print it, as helm template does
  sim         run the Kubernetes API simulator and write a kubeconfig for kubectl
  start       run the whole service on this machine (queue, store, cluster, worker)
  dlq         list the requests the worker gave up on, or send them back (list, redrive)
  cluster     the clusters the service deploys to (add, list, show, remove)
  chat        sign a Slack slash command and post it to the chat endpoint
  access      who may read, deploy or roll back what from chat (grant, revoke, list)
  chatops     chat-ops settings: channel defaults, chart repositories
  schedule    send a rollback, upgrade or uninstall at a time you choose (list, cancel)
  automation  pause or resume a release's automatic rollbacks, or show its bakes
  alarm       set a CloudWatch alarm's state by hand, to play an alarm (alarm set NAME ALARM|OK)
  version     print the quayside version (--verbose: the runtime, how it started, where parses are kept)

Releases are kept in --store (default $QUAYSIDE_STORE, else file://$HOME/.quayside/store);
the cluster is a kube context of --kubeconfig (default $KUBECONFIG, else ~/.kube/config).
Exit codes: 0 done, 1 the action or revision failed, 2 invalid input.
Run 'quayside <command> --help' for a command's flags.`;

/** The release verbs, loaded only when used so that `--help` and `version` start fast. */
async function releaseCommand(name: string): Promise<CommandSpec | undefined> {
  switch (name) {
    case 'install':
    case 'upgrade':
    case 'rollback':
    case 'uninstall':
    case 'test': {
      const m = await import('./release-actions.ts');
      return {
        install: m.installCommand,
        upgrade: m.upgradeCommand,
        rollback: m.rollbackCommand,
        uninstall: m.uninstallCommand,
        test: m.testCommand,
      }[name];
    }
    case 'history':
    case 'status':
    case 'get': {
      const m = await import('./release-reads.ts');
      return { history: m.historyCommand, status: m.statusCommand, get: m.getCommand }[name];
    }
    case 'list':
      return (await import('./list.ts')).listCommand;
    case 'diff':
      return (await import('./diff.ts')).diffCommand;
    case 'import':
      return (await import('./import.ts')).importCommand;
    case 'schedule':
      return (await import('./schedule.ts')).scheduleCommand;
    case 'automation':
      return (await import('./automation.ts')).automationCommand;
    default:
      return undefined;
  }
}

/** What `version --verbose` adds: the runtime, and whether this process started from the snapshot. */
function startedFrom(): string {
  const blob = snapshotBlobOf(process.execArgv);
  const from =
    blob === undefined ? 'the bundle (dist/cli/quayside.mjs)' : `the start-up snapshot (${resolve(blob)})`;
  return `node ${process.version} (${process.platform}/${process.arch}), started from ${from}`;
}

/**
 * What `version --verbose` says of the chart engine: native, or WebAssembly and then whether Go starts
 * from its start-up image.
 */
async function engineStart(): Promise<string> {
  const native = (await import('../chart/engine/native-engine.ts')).nativeEngine();
  if ('path' in native) return `chart engine: native (${native.path})`;
  return `chart engine: WebAssembly, not native (${native.unusable})\n${await wasmEngineStart()}`;
}

async function wasmEngineStart(): Promise<string> {
  const image = await (await import('../chart/engine/wasm-engine.ts')).engineImage();
  if (!('path' in image)) return `chart engine: starts cold, without its start-up image: ${image.unusable}`;
  const hints = image.compilationHints > 0 ? `, ${image.compilationHints} functions compiled ahead` : '';
  return `chart engine: starts from its start-up image (${image.path}${hints})`;
}

/** What `version --verbose` says of the parse store: where charts' parsed templates are kept. */
async function parseStoreLine(): Promise<string> {
  const { parseStoreDir, storedParses } = await import('../chart/engine/parse-store.ts');
  const dir = parseStoreDir();
  if (dir === undefined) return 'parsed templates: not kept (QUAYSIDE_NO_PARSE_CACHE is set)';
  const count = storedParses(dir);
  return `parsed templates: kept in ${dir} (${count} ${count === 1 ? 'chart' : 'charts'})`;
}

/** Runs the CLI with the given arguments and returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'version':
    case '--version':
      process.stdout.write('quayside 0.1.0\n');
      if (argv.includes('--verbose')) {
        process.stdout.write(`${startedFrom()}\n${await engineStart()}\n${await parseStoreLine()}\n`);
      }
      return 0;
    case 'template':
      return (await import('./template.ts')).runTemplateCommand(argv.slice(1));
    case 'sim':
      return (await import('./sim.ts')).runSimCommand(argv.slice(1));
    case 'start':
      return (await import('./start.ts')).runStartCommand(argv.slice(1));
    case 'dlq':
      return (await import('./dlq.ts')).runDlqCommand(argv.slice(1));
    case 'cluster':
      return (await import('./cluster.ts')).runClusterCommand(argv.slice(1));
    case 'chat':
      return (await import('./chat.ts')).runChatCommand(argv.slice(1));
    case 'access':
      return (await import('./access.ts')).runAccessCommand(argv.slice(1));
    case 'chatops':
      return (await import('./access.ts')).runChatopsCommand(argv.slice(1));
    case 'alarm':
      return (await import('./automation.ts')).runAlarmCommand(argv.slice(1));
  }
  const spec = await releaseCommand(command);
  if (spec) return (await import('./command.ts')).runCommand(spec, argv.slice(1));
  process.stderr.write(
    `Error: unknown command "${command}" for "quayside"\nRun 'quayside --help' for usage.\n`,
  );
  return 2;
}

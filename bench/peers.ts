/**
 * The tools bench/apply.ts compares, each run as a whole process with its own environment:
 * quayside (bin/quayside, the command npm installs, as `npx quayside` runs it), the real helm and kubectl.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Stopwatch, startStopwatch } from './stopwatch.ts';

/** `node`: an empty Node.js process (`node -e 0`), the floor under any command of a Node CLI. */
export type PeerName = 'quayside' | 'helm' | 'kubectl' | 'node';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The benchmark's release: 51 objects (bench/charts/fleet). */
export const CHART = join(ROOT, 'bench', 'charts', 'fleet');
/** One ConfigMap, for the 50 releases `list -A` reads. */
export const SMALL_CHART = join(ROOT, 'bench', 'charts', 'tiny');

/** One timed run: its wall time in ms, and when it was spawned (ms since the epoch). */
export interface Timing {
  readonly ms: number;
  readonly startedAt: number;
}

export interface Peer {
  readonly name: PeerName;
  /** The command line and version, for the report. */
  describe(): string;
  /**
   * Runs the tool once, once the simulator is idle, and returns its wall time as the stopwatch process
   * sees it (spawn to exit) and when it was spawned. @throws when it fails
   */
  time(args: readonly string[]): Promise<Timing>;
  /** Runs the tool once, untimed (setting up). @throws when it fails */
  run(args: readonly string[]): Promise<void>;
}

/** Times every tool: one stopwatch process for the whole benchmark (see stopwatch.ts), started on first use. */
let stopwatch: Stopwatch | undefined;

/**
 * Resolves once this process (the simulator's) has had nothing to do for a few turns of its event loop:
 * each timed command starts against an idle simulator, not one still busy with what the previous
 * command left it (a Deployment's ReplicaSet and Pods). Gives up waiting after 3 s.
 */
async function untilQuiet(): Promise<void> {
  const giveUpAt = performance.now() + 3000;
  let quietTurns = 0;
  while (quietTurns < 5 && performance.now() < giveUpAt) {
    const asked = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 2));
    quietTurns = performance.now() - asked < 4 ? quietTurns + 1 : 0;
  }
}

function peer(name: PeerName, command: readonly string[], env: NodeJS.ProcessEnv, version: string): Peer {
  const [file, ...prefix] = command as [string, ...string[]];
  const exec = async (args: readonly string[]) => {
    stopwatch ??= startStopwatch();
    const result = await stopwatch.time({ file, args: [...prefix, ...args], env, cwd: ROOT });
    if (result.code === 0) return { ms: result.ms, startedAt: result.startedAt };
    throw new Error(
      `${name} ${args.join(' ')} ${result.error ?? `exited ${result.code ?? result.signal}`}:\n${result.output}`,
    );
  };
  return {
    name,
    describe: () => `${command.join(' ')} (${version})`,
    time: async (args) => {
      await untilQuiet();
      return exec(args);
    },
    run: async (args) => {
      await exec(args);
    },
  };
}

/** The empty Node.js process takes its turn with any command: it is given none of the arguments. */
function emptyProcess(node: Peer): Peer {
  return { ...node, time: () => node.time([]), run: () => node.run([]) };
}

/** The command npm installs: it starts from the CLI's start-up snapshot when this node built it. */
export const QUAYSIDE = join(ROOT, 'bin', 'quayside');

/**
 * The environment every tool runs in: only PATH from this process, a home of its own under `home`
 * (helm's cache, config and data in it), and the kubeconfig when there is a cluster.
 */
export function toolEnvironment(home: string, kubeconfig?: string): NodeJS.ProcessEnv {
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH,
    HOME: home,
    ...(kubeconfig === undefined ? {} : { KUBECONFIG: kubeconfig }),
    HELM_CACHE_HOME: join(home, 'helm-cache'),
    HELM_CONFIG_HOME: join(home, 'helm-config'),
    HELM_DATA_HOME: join(home, 'helm-data'),
  };
}

/** The three tools against one kubeconfig; helm's and quayside's own files stay under `dir`. */
export function createPeers(options: { dir: string; kubeconfig: string; helm: string; kubectl: string }) {
  const env = toolEnvironment(join(options.dir, 'home'), options.kubeconfig);
  const versionOf = (file: string, args: string[]) =>
    execFileSync(file, args, { env, encoding: 'utf8' }).trim().split('\n')[0]!;
  const quaysideCommand = [QUAYSIDE];
  // The first run builds the bundle if it is stale, so no timed run does.
  const quaysideVersion = versionOf(QUAYSIDE, ['version']);
  return {
    quayside: peer('quayside', quaysideCommand, env, `${quaysideVersion}, node ${process.version}`),
    helm: peer('helm', [options.helm], env, versionOf(options.helm, ['version', '--short'])),
    kubectl: peer(
      'kubectl',
      [options.kubectl],
      env,
      versionOf(options.kubectl, ['version', '--client']).replace('Client Version: ', ''),
    ),
    node: emptyProcess(
      peer('node', [process.execPath, '-e', '0'], env, `node ${process.version}, an empty process`),
    ),
    /**
     * Creates a namespace (untimed, through kubectl). Never synchronously: the simulator answers from
     * this process's event loop.
     */
    createNamespace: (name: string) =>
      new Promise<void>((resolve, reject) =>
        execFile(options.kubectl, ['create', 'namespace', name], { env }, (error, _out, stderr) =>
          error ? reject(new Error(`kubectl create namespace ${name}: ${stderr}`)) : resolve(),
        ),
      ),
  };
}

/** Runs the tasks with at most `limit` at once (setting up many releases). */
export async function runConcurrently(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { ChartSource, Values } from '../../lib/chart/index.ts';
import { main } from '../../lib/cli/main.ts';
import { type ActionResult, ReleaseEngine } from '../../lib/engine/index.ts';
import { kubeconfigConnectionProvider, systemClock } from '../../lib/kube/index.ts';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';
import { FileDriver, ReleaseStore } from '../../lib/store/index.ts';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The command npm installs: it starts the commands these tests run from the CLI's start-up snapshot. */
const bin = join(repoRoot, 'bin', 'quayside');

export const charts = {
  myNginx: join(repoRoot, 'examples', 'charts', 'my-nginx'),
  guestbook: join(repoRoot, 'examples', 'charts', 'guestbook'),
  ghost: join(repoRoot, 'examples', 'charts', 'ghost'),
  bootcamp: join(repoRoot, 'examples', 'charts', 'kubernetes-bootcamp'),
  /** A chart with a values schema, a pre-upgrade Job hook and a test Pod hook. */
  hooked: join(repoRoot, 'test', 'fixtures', 'charts', 'hooked'),
};
export const nginxValues = (version: 1 | 2) =>
  join(repoRoot, '..', 'shared', 'scenarios', 'my-nginx', `values-v${version}.yaml`);

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A simulator, its kubeconfig and a file store in a temp dir, and a way to run the real CLI process against them. */
export interface CliWorld {
  readonly dir: string;
  readonly sim: Simulator;
  readonly kubeconfig: string;
  readonly store: string;
  cli(args: readonly string[], env?: Record<string, string>): Promise<CliRun>;
  /**
   * Installs or upgrades a release in this process, on the same store and cluster the CLI uses:
   * state for the read verbs without paying for a CLI process per step.
   */
  seed(input: { name: string; chart: string; values?: Values; namespace?: string }): Promise<ActionResult>;
  stop(): Promise<void>;
}

/** The simulator's one kube context: the cluster name releases are stored under. */
export const CLUSTER = 'quayside-sim';

export async function startCliWorld(): Promise<CliWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'quayside-cli-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const sim = await startSimulator({ rolloutStepMs: 20, kubeconfigPath: kubeconfig });
  const store = `file://${join(dir, 'store')}`;
  const baseEnv: Record<string, string> = { ...(process.env as Record<string, string>) };
  delete baseEnv.QUAYSIDE_QUEUE_URL;
  Object.assign(baseEnv, { KUBECONFIG: kubeconfig, QUAYSIDE_STORE: store, HOME: dir });
  const releases = new ReleaseStore(new FileDriver(join(dir, 'store')));
  const engine = new ReleaseEngine({
    store: releases,
    connections: kubeconfigConnectionProvider({ file: kubeconfig }),
    clock: systemClock,
    poll: { initialMs: 20, maxMs: 100 },
  });
  let seeded = 0;
  return {
    dir,
    sim,
    kubeconfig,
    store,
    cli: (args, env = {}) =>
      new Promise((done) => {
        execFile(
          bin,
          args,
          { env: { ...baseEnv, ...env }, cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => {
            const code = error ? ((error as { code?: number }).code ?? 1) : 0;
            done({ code: typeof code === 'number' ? code : 1, stdout, stderr });
          },
        );
      }),
    seed: async ({ name, chart, values, namespace = 'default' }) => {
      const release = { cluster: CLUSTER, namespace, name };
      const source: ChartSource = { kind: 'directory', path: chart };
      const request = { requestId: `seed-${++seeded}`, requestedBy: { principal: 'test', channel: 'ci' } };
      const head = await releases.getRelease(release);
      const input = {
        release,
        chart: source,
        values: values ?? {},
        options: { createNamespace: namespace !== 'default' },
      };
      return head ? engine.upgrade(input, request) : engine.install(input, request);
    },
    stop: async () => {
      await releases.close();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A copy of a chart in `dir` with one template file replaced, for charts that must fail. */
export function chartWith(dir: string, chart: string, file: string, text: string): string {
  const copy = mkdtempSync(join(dir, 'chart-'));
  cpSync(chart, copy, { recursive: true });
  writeFileSync(join(copy, file), text);
  return copy;
}

/** The world's kubeconfig as `edit` changes it, written to `kubeconfig-NAME` in the world's folder. */
export function editedKubeconfig(
  world: CliWorld,
  name: string,
  // biome-ignore lint/suspicious/noExplicitAny: a kubeconfig as YAML reads it
  edit: (config: any) => void,
): string {
  const config = parse(readFileSync(world.kubeconfig, 'utf8'));
  edit(config);
  const file = join(world.dir, `kubeconfig-${name}`);
  writeFileSync(file, stringify(config));
  return file;
}

/** A kubeconfig whose current context sets `namespace`. */
export function kubeconfigWithNamespace(world: CliWorld, namespace: string): string {
  return editedKubeconfig(world, namespace, (config) => {
    for (const entry of config.contexts) entry.context.namespace = namespace;
  });
}

/**
 * Runs the CLI's main() in this process with stdout and stderr captured: the same code the binary
 * runs, without paying a process start (and a chart engine load) for each of some forty commands.
 * Commands run one at a time, since the capture swaps the process's writers.
 */
export async function cliInProcess(world: CliWorld, args: readonly string[]): Promise<CliRun> {
  const captured = { stdout: '', stderr: '' };
  const writers = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (stream: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array) => {
      captured[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    }) as typeof process.stdout.write;
  const env = { KUBECONFIG: process.env.KUBECONFIG, QUAYSIDE_STORE: process.env.QUAYSIDE_STORE };
  process.env.KUBECONFIG = world.kubeconfig;
  process.env.QUAYSIDE_STORE = world.store;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  try {
    const code = await main([...args]);
    return { code, ...captured };
  } finally {
    process.stdout.write = writers.stdout;
    process.stderr.write = writers.stderr;
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

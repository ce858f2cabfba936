/**
 * Benchmark: quayside against the real helm 4.1.4 and kubectl 1.34 (from the CDK kubectl layer), each a
 * whole process against one in-process simulator, on what users do most:
 *
 *   install   the 51-object bench chart, no wait (helm's default; quayside --wait=false; kubectl
 *             apply --server-side of the rendered objects), into a fresh namespace per run
 *   upgrade   the same release with one value changed (one ConfigMap of the 51 changes)
 *   rollback  the same release back to the revision before its latest (quayside and helm: one value
 *             changes back)
 *   uninstall the bench chart's release, installed untimed before each round (quayside and helm)
 *   history   of a 30-revision release
 *   list      `list -A` with 50 releases
 *   latency   install and upgrade again with every API request answered `--latency-ms` later (default
 *             10): the simulator on loopback answers in ~2 ms, a cluster across a network (the API
 *             server's admission and etcd's write, a network round trip) in tens. Not a target of its
 *             own; it shows where each tool's time goes when the cluster is not on the same machine.
 *   charts    (only when named) install of public charts from ../shared/conformance/real-charts
 *             (`--charts`), quayside against helm, each run into an empty cluster: the bench chart is
 *             plain, and real charts' templates make the render most of an install. Not a target of
 *             the issue; a chart either tool fails to install is reported and skipped.
 *
 * Runs alternate (the tools take turns within a round, in a rotating order) and medians are quoted,
 * with the median of the per-round ratios beside the ratio of medians: the machine is shared and its
 * speed drifts. kubectl has no releases, so it is timed on install and upgrade only (a rollback is, to
 * kubectl, an apply of an older manifest: an upgrade). An empty Node.js
 * process (`node -e 0`) takes its turn in every case: the floor under any command of a Node CLI, which
 * says how much of a gap is quayside's own and how much is the runtime's start. For install, a second
 * table says where each tool's run went, from the simulator's request log: its first request, its
 * first and last write, and its last request, each in ms after the command started.
 *
 *   node --import tsx bench/apply.ts [--runs N] [--cases install,upgrade,rollback,uninstall,history,list,latency,charts]
 *     [--latency-ms MS] [--charts podinfo,grafana,…]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type RequestLogEntry, startSimulator } from '../lib/sim/index.ts';
import { helmBinary, layerBinary } from '../test/fixtures/real-helm.ts';
import { CHART, createPeers, type Peer, type PeerName, runConcurrently, SMALL_CHART } from './peers.ts';
import { median, printTable } from './table.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    cases: { type: 'string', default: 'install,upgrade,rollback,uninstall,history,list,latency' },
    'latency-ms': { type: 'string', default: '10' },
    charts: {
      type: 'string',
      default: 'podinfo,kube-state-metrics,grafana,vault,prometheus,traefik,argo-cd',
    },
  },
});
const LATENCY_MS = Number(args['latency-ms']);
if (!Number.isFinite(LATENCY_MS) || LATENCY_MS <= 0)
  throw new Error(`--latency-ms must be a positive number of milliseconds, not ${args['latency-ms']}`);
const RUNS = Number(args.runs);
const CASES = new Set((args.cases ?? '').split(','));

const dir = mkdtempSync(join(tmpdir(), 'quayside-bench-peers-'));
const sim = await startSimulator({ kubeconfigPath: join(dir, 'kubeconfig') });
const peers = createPeers({
  dir,
  kubeconfig: join(dir, 'kubeconfig'),
  helm: await helmBinary('v34'),
  kubectl: await layerBinary('kubectl', 'v34'),
});
const { quayside, helm, kubectl, node } = peers;

/**
 * Where one timed run spent its time, from the simulator's request log: when (ms after the command was
 * started) its first request reached the API server, its first and last write (apply, create, update,
 * delete), and its last request of any kind.
 */
interface Phases {
  firstRequest: number;
  firstWrite: number;
  lastWrite: number;
  lastRequest: number;
}
const WRITES = new Set(['patch', 'create', 'update', 'delete']);

function phasesOf(requests: readonly RequestLogEntry[], startedAt: number): Phases | undefined {
  const writes = requests.filter((r) => WRITES.has(r.verb));
  if (writes.length === 0) return undefined;
  return {
    firstRequest: requests[0]!.at - startedAt,
    firstWrite: writes[0]!.at - startedAt,
    lastWrite: writes.at(-1)!.at - startedAt,
    lastRequest: requests.at(-1)!.at - startedAt,
  };
}

/**
 * Times each tool's command once per round, in a rotating order; `before` prepares a round untimed,
 * `beforeEach` each run. With `phases`, each timed run's Phases go there too.
 */
async function alternate(
  tools: readonly Peer[],
  command: (tool: Peer, round: number) => readonly string[],
  options: {
    before?: (round: number) => Promise<void>;
    beforeEach?: () => Promise<void>;
    phases?: Map<PeerName, Phases[]>;
  } = {},
): Promise<Map<PeerName, number[]>> {
  const { before, beforeEach, phases } = options;
  const times = new Map<PeerName, number[]>(tools.map((t) => [t.name, []]));
  // One untimed round first: caches (the page cache, kubectl's discovery cache) are warm for everyone.
  for (let round = -1; round < RUNS; round++) {
    await before?.(round);
    const order = tools.map((_, i) => tools[(i + Math.max(round, 0)) % tools.length]!);
    for (const tool of order) {
      await beforeEach?.();
      const logged = sim.requests.length;
      const { ms, startedAt } = await tool.time(command(tool, round));
      if (round < 0) continue;
      times.get(tool.name)!.push(ms);
      const found = phasesOf(sim.requests.slice(logged), startedAt);
      if (phases && found) phases.set(tool.name, [...(phases.get(tool.name) ?? []), found]);
    }
  }
  return times;
}

/** The medians of each tool's Phases, beside its median whole run. */
function reportPhases(title: string, times: Map<PeerName, number[]>, phases: Map<PeerName, Phases[]>): void {
  const rows = [...phases].map(([name, runs]) => {
    const at = (pick: (p: Phases) => number) => median(runs.map(pick)).toFixed(0);
    return [
      name,
      at((p) => p.firstRequest),
      at((p) => p.firstWrite),
      at((p) => p.lastWrite),
      at((p) => p.lastWrite - p.firstWrite),
      at((p) => p.lastRequest),
      median(times.get(name)!).toFixed(0),
    ];
  });
  printTable(
    `${title}: where the time goes (medians, ms after the command started, from the simulator's request log)`,
    ['tool', 'first request', 'first write', 'last write', 'writing', 'last request', 'whole run'],
    rows,
  );
}

const summary: string[][] = [];

function report(title: string, times: Map<PeerName, number[]>): void {
  const q = times.get('quayside')!;
  const rows = [...times].map(([name, ms]) => {
    const sorted = [...ms].sort((a, b) => a - b);
    const ratio = name === 'quayside' ? '' : (median(q) / median(ms)).toFixed(2);
    const perRound = name === 'quayside' ? '' : median(q.map((x, i) => x / ms[i]!)).toFixed(2);
    return [
      name,
      sorted[0]!.toFixed(0),
      median(ms).toFixed(0),
      sorted[sorted.length - 1]!.toFixed(0),
      ratio,
      perRound,
    ];
  });
  printTable(
    `${title} (${RUNS} alternating runs each, ms, load average ${loadavg()[0]!.toFixed(1)})`,
    ['tool', 'min', 'median', 'max', 'quayside/tool (medians)', 'median of per-run ratios'],
    rows,
  );
  for (const [name, ms] of times) {
    if (name !== 'quayside') summary.push([title, name, (median(q) / median(ms)).toFixed(2)]);
  }
}

const namespaceOf = (tool: Peer, what: string) => `${what}-${tool.name}`;
const kubectlManifests = new Map<string, string>();
/** The bench chart as kubectl gets it: rendered once per value by quayside's own template. */
function rendered(logLevel: string, namespace: string): string {
  const key = `${logLevel}/${namespace}`;
  const cached = kubectlManifests.get(key);
  if (cached) return cached;
  const file = join(dir, `manifest-${kubectlManifests.size}.yaml`);
  const text = execFileSync(
    process.execPath,
    ['bin/quayside.js', 'template', 'bench', CHART, '-n', namespace, '--set', `logLevel=${logLevel}`],
    { encoding: 'utf8' },
  );
  writeFileSync(file, text);
  kubectlManifests.set(key, file);
  return file;
}

/** The command installing or upgrading the bench release as each tool does it. */
function deploy(tool: Peer, namespace: string, logLevel: string, store: string): string[] {
  const set = ['--set', `logLevel=${logLevel}`];
  switch (tool.name) {
    case 'quayside':
      return [
        'upgrade',
        '--install',
        'bench',
        CHART,
        '-n',
        namespace,
        '--wait=false',
        '--store',
        store,
        ...set,
      ];
    case 'helm':
      return ['upgrade', '--install', 'bench', CHART, '-n', namespace, '--history-max', '0', ...set];
    case 'kubectl':
      return ['apply', '--server-side', '-n', namespace, '-f', rendered(logLevel, namespace)];
    case 'node':
      return [];
  }
}

try {
  process.stdout.write(
    `quayside: ${quayside.describe()}\nhelm:     ${helm.describe()}\nkubectl:  ${kubectl.describe()}\nnode:     ${node.describe()}\n\n`,
  );
  const store = (name: string) => `file://${join(dir, 'stores', name)}`;

  /** Installs the bench chart once per tool a round, each into an empty cluster; `latencyMs` delays every answer. */
  const timeInstalls = (title: string, latencyMs: number, phases?: Map<PeerName, Phases[]>) =>
    alternate(
      [quayside, helm, kubectl, node],
      (tool, round) =>
        tool.name === 'quayside'
          ? [
              'install',
              'bench',
              CHART,
              '-n',
              namespaceOf(tool, 'install'),
              '--wait=false',
              '--store',
              store(`${title}-${round}`),
            ]
          : tool.name === 'helm'
            ? ['install', 'bench', CHART, '-n', namespaceOf(tool, 'install')]
            : deploy(tool, namespaceOf(tool, 'install'), 'info', ''),
      {
        before: async () => {
          // Every run is a first install into an empty cluster (reset also clears injected latency).
          await sim.reset();
          for (const tool of [quayside, helm, kubectl])
            await peers.createNamespace(namespaceOf(tool, 'install'));
          if (latencyMs > 0) sim.injectFaults({ latencyMs });
        },
        ...(phases === undefined ? {} : { phases }),
      },
    );

  /** A fresh cluster with one release per tool, untimed; `what` names its namespace and quayside's store. */
  const releasePerTool = async (what: string) => {
    await sim.reset();
    for (const tool of [quayside, helm, kubectl]) {
      await peers.createNamespace(namespaceOf(tool, what));
      await tool.run(deploy(tool, namespaceOf(tool, what), 'v0', store(what)));
    }
  };
  /** Upgrades each tool's `what` release once a round, one value changed each time. */
  const timeUpgrades = (what: string) =>
    alternate([quayside, helm, kubectl, node], (tool, round) =>
      deploy(tool, namespaceOf(tool, what), `v${round + 2}`, store(what)),
    );

  /** Installs or upgrades quayside's and helm's `what` release, untimed, with the one value set to `value`. */
  const deployUntimed = async (what: string, value: string) => {
    for (const tool of [quayside, helm])
      await tool.run(deploy(tool, namespaceOf(tool, what), value, store(what)));
  };
  /** `verb` (rollback, uninstall) on a tool's `what` release: quayside's with no wait, from its store. */
  const releaseAction = (tool: Peer, verb: string, what: string) => [
    verb,
    'bench',
    '-n',
    namespaceOf(tool, what),
    ...(tool.name === 'quayside' ? ['--wait=false', '--store', store(what)] : []),
  ];

  if (CASES.has('install')) {
    const phases = new Map<PeerName, Phases[]>();
    const times = await timeInstalls('install', 0, phases);
    report('install, 51 objects, no wait', times);
    reportPhases('install', times, phases);
  }

  // One release per tool, kept from here on: upgraded, then its history read.
  await releasePerTool('app');
  let revisions = 1;
  if (CASES.has('upgrade')) {
    const times = await timeUpgrades('app');
    revisions += RUNS + 1;
    report('upgrade, one value changed (1 of 51 objects)', times);
  }

  if (CASES.has('rollback')) {
    // Something to go back to, untimed, when the upgrades did not run.
    for (; revisions < 2; revisions++) await deployUntimed('app', `r${revisions}`);
    // Each run goes back to the revision before the latest: the one value changes back.
    const phases = new Map<PeerName, Phases[]>();
    const times = await alternate([quayside, helm, node], (tool) => releaseAction(tool, 'rollback', 'app'), {
      phases,
    });
    revisions += RUNS + 1;
    report('rollback to the revision before (1 of 51 objects)', times);
    reportPhases('rollback', times, phases);
  }

  if (CASES.has('uninstall')) {
    // Each round uninstalls a release of the bench chart that each tool installed untimed before it.
    const phases = new Map<PeerName, Phases[]>();
    const times = await alternate(
      [quayside, helm, node],
      (tool) => releaseAction(tool, 'uninstall', 'gone'),
      {
        before: async () => {
          // The namespace stays from the round before: creating it again fails, and that is fine.
          for (const tool of [quayside, helm])
            await peers.createNamespace(namespaceOf(tool, 'gone')).catch(() => {});
          await deployUntimed('gone', 'info');
        },
        phases,
      },
    );
    report('uninstall, 51 objects', times);
    reportPhases('uninstall', times, phases);
  }

  if (CASES.has('history')) {
    // Up to 30 revisions, untimed.
    for (; revisions < 30; revisions++) await deployUntimed('app', `h${revisions}`);
    const times = await alternate([quayside, helm, node], (tool) => [
      'history',
      'bench',
      '-n',
      namespaceOf(tool, 'app'),
      ...(tool.name === 'quayside' ? ['--store', store('app')] : []),
    ]);
    report('history of a 30-revision release', times);
  }

  if (CASES.has('list')) {
    // 50 small releases per tool, each in its own namespace, untimed and a few at a time.
    const releases = Array.from({ length: 50 }, (_, i) => i);
    for (const i of releases) await peers.createNamespace(`list-${i}`);
    await runConcurrently(
      releases.flatMap((i) => [
        () =>
          quayside.run([
            'install',
            `q${i}`,
            SMALL_CHART,
            '-n',
            `list-${i}`,
            '--wait=false',
            '--store',
            store('list'),
          ]),
        () => helm.run(['install', `h${i}`, SMALL_CHART, '-n', `list-${i}`]),
      ]),
      4,
    );
    const times = await alternate([quayside, helm, node], (tool) => [
      'list',
      '-A',
      ...(tool.name === 'quayside' ? ['--store', store('list')] : []),
    ]);
    report('list -A, 50 releases', times);
  }

  if (CASES.has('latency')) {
    const slow = `${LATENCY_MS} ms per API request`;
    report(`install, 51 objects, no wait, ${slow}`, await timeInstalls('latency', LATENCY_MS));
    // One release per tool again, made without latency; then upgraded with it.
    await releasePerTool('slow');
    sim.injectFaults({ latencyMs: LATENCY_MS });
    const times = await timeUpgrades('slow');
    sim.clearFaults();
    report(`upgrade, one value changed, ${slow}`, times);
  }

  if (CASES.has('charts')) {
    const realCharts = join(ROOT, '..', 'shared', 'conformance', 'real-charts');
    for (const name of (args.charts ?? '').split(',').filter((n) => n !== '')) {
      const chart = join(realCharts, name, 'chart');
      let times: Map<PeerName, number[]>;
      const phases = new Map<PeerName, Phases[]>();
      try {
        times = await alternate(
          [quayside, helm],
          (tool, round) =>
            tool.name === 'quayside'
              ? [
                  'install',
                  name,
                  chart,
                  '-n',
                  'chart',
                  '--wait=false',
                  '--store',
                  store(`chart-${name}-${round}`),
                ]
              : ['install', name, chart, '-n', 'chart'],
          {
            // An empty cluster for each run: the charts' cluster-wide objects belong to one release.
            beforeEach: async () => {
              await sim.reset();
              await peers.createNamespace('chart');
            },
            phases,
          },
        );
      } catch (error) {
        // The failing command, then the last line it printed (its error).
        const lines = (error as Error).message.split('\n').filter((line) => line.trim() !== '');
        process.stdout.write(`\ninstall of ${name}: skipped, ${lines[0]}\n  ${lines.at(-1)}\n`);
        continue;
      }
      report(`install of the real chart ${name}, no wait`, times);
      reportPhases(`install of ${name}`, times, phases);
    }
  }

  printTable(
    'quayside/tool, ratio of medians (below 1: quayside is faster)',
    ['case', 'tool', 'ratio'],
    summary,
  );
} finally {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
}

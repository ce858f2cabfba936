/**
 * Benchmark: how long the CLI takes as a whole process, as `bin/quayside` runs it (from the start-up snapshot), against the targets of issue 15 —
 * `--help` ≤ 150 ms; `history` and `list` on the file store ≤ 300 ms; `template` of
 * examples/charts/ghost ≤ 400 ms. Medians of alternating runs (the commands take turns).
 *
 *   node --import tsx bench/cli.ts [--runs N]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from '../lib/sim/index.ts';
import { helmBinary, layerBinary } from '../test/fixtures/real-helm.ts';
import { createPeers } from './peers.ts';
import { median, printTable } from './table.ts';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const RUNS = Number(args.runs);

const dir = mkdtempSync(join(tmpdir(), 'quayside-bench-cli-'));
const kubeconfig = join(dir, 'kubeconfig');
const sim = await startSimulator({ kubeconfigPath: kubeconfig });
const { quayside, createNamespace } = createPeers({
  dir,
  kubeconfig,
  helm: await helmBinary('v34'),
  kubectl: await layerBinary('kubectl', 'v34'),
});
const store = `file://${join(dir, 'store')}`;
const ghost = join(import.meta.dirname, '..', 'examples', 'charts', 'ghost');

const cases: { name: string; args: string[]; targetMs: number }[] = [
  { name: 'quayside --help', args: ['--help'], targetMs: 150 },
  {
    name: 'quayside history blog',
    args: ['history', 'blog', '-n', 'tools', '--store', store],
    targetMs: 300,
  },
  { name: 'quayside list -A', args: ['list', '-A', '--store', store], targetMs: 300 },
  { name: 'quayside template blog ghost', args: ['template', 'blog', ghost], targetMs: 400 },
];

try {
  // A release with a few revisions for history and list to read.
  await createNamespace('tools');
  for (let i = 0; i < 5; i++) {
    await quayside.run([
      'upgrade',
      '--install',
      'blog',
      ghost,
      '-n',
      'tools',
      '--wait=false',
      '--store',
      store,
    ]);
  }
  const times = cases.map(() => [] as number[]);
  for (let round = -1; round < RUNS; round++) {
    for (const [i, c] of cases.entries()) {
      const { ms } = await quayside.time(c.args);
      if (round >= 0) times[i]!.push(ms);
    }
  }
  printTable(
    `the CLI as bin/quayside runs it, a whole process (${RUNS} alternating runs each, ms, load average ${loadavg()[0]!.toFixed(1)})`,
    ['command', 'min', 'median', 'max', 'target', 'met'],
    cases.map((c, i) => {
      const sorted = [...times[i]!].sort((a, b) => a - b);
      const m = median(times[i]!);
      return [
        c.name,
        sorted[0]!.toFixed(0),
        m.toFixed(0),
        sorted.at(-1)!.toFixed(0),
        `≤ ${c.targetMs}`,
        m <= c.targetMs ? 'yes' : 'NO',
      ];
    }),
  );
} finally {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
}

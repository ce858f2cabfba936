/**
 * Benchmark: `quayside template` against the real `helm template` (Helm 4.1.4) on the public charts of
 * ../shared/conformance/real-charts, the default case of each (cases.tsv), whole processes as users
 * run them (`bin/quayside`, from its start-up snapshot). The charts the other cases use (bench/charts,
 * examples/charts) are small and taught the engine's compile hints; these are the charts people
 * install, with their subcharts, large values files and values.schema.json files.
 *
 * quayside is timed with the engine the CLI picks (the native one where it ships: Linux x86-64), and
 * with the WebAssembly engine (QUAYSIDE_ENGINE=wasm, as on other machines) twice over: rendering a
 * chart for the first time (an empty parse store each run: the templates are parsed, and a marker
 * left), and again (from the parse the CLI kept the second time, lib/chart/engine/parse-store.ts), as
 * a chart is when its values change or the same version is rendered again. helm parses every time, and
 * so does the native engine (parsing natively costs less than reading a kept parse).
 *
 * Each chart is rendered once by each tool untimed (the page cache; the WebAssembly engine's "again"
 * twice, so that its parse is kept before the timed renders), then RUNS times each, the tools
 * taking turns and the order changing every round; the table gives the medians and their ratios. A
 * case either tool cannot render (a library chart, say) is listed as skipped with the reason.
 *
 *   node --import tsx bench/real-charts.ts [--runs N] [--charts argo-cd,traefik]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type NamedCase, sharedCorpusCases } from '../test/chart/corpus/cases.ts';
import { helmBinary } from '../test/fixtures/real-helm.ts';
import { QUAYSIDE, toolEnvironment } from './peers.ts';
import { startStopwatch } from './stopwatch.ts';
import { median, printTable } from './table.ts';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, charts: { type: 'string' } },
});
const RUNS = Number(args.runs);
if (!Number.isInteger(RUNS) || RUNS < 1)
  throw new Error(`--runs must be a whole number of at least 1, not ${args.runs}`);
const wanted = args.charts === undefined ? undefined : new Set(args.charts.split(','));

const HELM = await helmBinary('v34');
const home = mkdtempSync(join(tmpdir(), 'quayside-bench-charts-'));
const env = toolEnvironment(home);
const stopwatch = startStopwatch();
const TOOLS = ['helm', 'quayside', 'wasm-first', 'wasm-again'] as const;
type Tool = (typeof TOOLS)[number];
let firstRenders = 0;

/** The default case of each chart, or those --charts names. */
const cases = sharedCorpusCases().filter((c) => {
  const [chart, variant] = c.id.split('/');
  return variant === 'default' && (wanted === undefined || wanted.has(chart ?? ''));
});
if (wanted !== undefined && cases.length < wanted.size) {
  const found = new Set(cases.map((c) => c.id.split('/')[0]));
  throw new Error(
    `--charts names no default case for: ${[...wanted].filter((w) => !found.has(w)).join(', ')}`,
  );
}

async function time(tool: Tool, c: NamedCase): Promise<{ ms: number } | { failed: string }> {
  let toolEnv = env;
  if (tool === 'wasm-again') toolEnv = { ...env, QUAYSIDE_ENGINE: 'wasm' };
  if (tool === 'wasm-first') {
    const store = join(home, 'first-renders', String(firstRenders++));
    mkdirSync(store, { recursive: true });
    toolEnv = { ...env, QUAYSIDE_ENGINE: 'wasm', QUAYSIDE_CACHE_HOME: store };
  }
  const file = tool === 'helm' ? HELM : QUAYSIDE;
  const result = await stopwatch.time({ file, args: c.args.slice(), env: toolEnv, cwd: c.cwd });
  if (result.code === 0) return { ms: result.ms };
  const lastLine = result.output.trim().split('\n').at(-1) ?? '';
  return {
    failed: `${tool} ${result.error ?? `exited ${result.code ?? result.signal}`}: ${lastLine.slice(0, 120)}`,
  };
}

const rows: string[][] = [];
const skipped: string[] = [];
const ratios: Record<Exclude<Tool, 'helm'>, number[]> = { quayside: [], 'wasm-first': [], 'wasm-again': [] };

try {
  process.stdout.write(`helm: ${HELM}\nquayside: ${QUAYSIDE}, node ${process.version}\n\n`);
  for (const c of cases) {
    const times: Record<Tool, number[]> = { helm: [], quayside: [], 'wasm-first': [], 'wasm-again': [] };
    let failure: string | undefined;
    for (let round = -1; round < RUNS && failure === undefined; round++) {
      const order: Tool[] = round % 2 === 0 ? [...TOOLS] : [...TOOLS].reverse();
      for (const tool of round < 0 ? [...order, 'wasm-again' as const] : order) {
        const result = await time(tool, c);
        if ('failed' in result) {
          // Whether the other tool fails too: a chart only one of them renders is a difference to report.
          const other = await time(tool === 'helm' ? 'quayside' : 'helm', c);
          failure =
            'failed' in other ? `${result.failed}; ${other.failed}` : `${result.failed}; only ${tool} fails`;
          break;
        }
        if (round >= 0) times[tool].push(result.ms);
      }
    }
    if (failure !== undefined) {
      skipped.push(`${c.id}: ${failure}`);
      continue;
    }
    const helm = median(times.helm);
    const row = [c.id, helm.toFixed(0)];
    for (const tool of ['quayside', 'wasm-first', 'wasm-again'] as const) {
      const ratio = median(times[tool]) / helm;
      ratios[tool].push(ratio);
      row.push(median(times[tool]).toFixed(0), ratio.toFixed(2));
    }
    rows.push(row);
  }
  printTable(
    `template of the real charts' default cases (${RUNS} alternating runs each, ms, load average ${loadavg()[0]!.toFixed(1)})`,
    ['case', 'helm 4.1.4', 'quayside', '/helm', 'wasm, first', '/helm', 'wasm, again', '/helm'],
    rows,
  );
  for (const [what, list] of [
    ['quayside (the engine the CLI picks)', ratios.quayside],
    ['the WebAssembly engine, first render', ratios['wasm-first']],
    ['the WebAssembly engine, again, from the kept parse', ratios['wasm-again']],
  ] as const) {
    if (list.length === 0) continue;
    const geometric = Math.exp(list.reduce((sum, r) => sum + Math.log(r), 0) / list.length);
    process.stdout.write(
      `${list.length} charts, ${what}: quayside/helm median ${median(list).toFixed(2)}, geometric mean ${geometric.toFixed(2)}, ` +
        `from ${Math.min(...list).toFixed(2)} to ${Math.max(...list).toFixed(2)}\n`,
    );
  }
  for (const line of skipped) process.stdout.write(`skipped ${line}\n`);
} finally {
  rmSync(home, { recursive: true, force: true });
}

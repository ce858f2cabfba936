/**
 * The chart engine in a worker thread, as the bundled CLI runs it (lib/chart/engine/engine-host.ts):
 * the same renders and the same errors as in this thread, a worker that stops is replaced, and a
 * worker that owes nothing never holds a process open.
 */
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  readYamlLikeHelm,
  releaseEngineWorker,
  useEngineWorker,
} from '../../lib/chart/engine/engine-host.ts';
import { EngineError, loadChart, renderChart, TemplateError, YamlError } from '../../lib/chart/index.ts';
import {
  BROKEN_CHART,
  chartOf,
  ENDLESS_CHART,
  outcome,
  INSTALL_RELEASE as RELEASE,
  REPO_ROOT,
  runScript,
} from './helpers.ts';

// Built by `npm ci` (the prepare script), as bin/quayside.js runs it.
const WORKER_MODULE = new URL(`file://${join(REPO_ROOT, 'dist', 'cli', 'engine-worker.mjs')}`);

const ghost = { kind: 'directory', path: join(REPO_ROOT, 'examples', 'charts', 'ghost') } as const;
/** A chart whose values.yaml is not YAML: the engine reads values files as Helm does. */
function badValuesChart(): string {
  const dir = mkdtempSync(join(tmpdir(), 'quayside-engine-worker-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: bad\nversion: 1.0.0\n');
  writeFileSync(join(dir, 'values.yaml'), 'a: [1, 2\nb: 3\n');
  return dir;
}
const badValues = { kind: 'directory', path: badValuesChart() } as const;
/** A chart whose render runs for seconds (40 million turns of an empty loop). */
const slow = chartOf({
  'templates/cm.yaml': '{{- range until 20000 }}{{- range until 2000 }}{{- end }}{{- end }}\nx: 1\n',
});

const cases = {
  ghost: async () =>
    renderChart({ chart: await loadChart(ghost), values: { replicas: 2 }, release: RELEASE }),
  templateError: () => renderChart({ chart: BROKEN_CHART, values: {}, release: RELEASE }),
  tooDeep: () => renderChart({ chart: ENDLESS_CHART, values: {}, release: RELEASE }),
  badValuesYaml: () => loadChart(badValues),
};

describe('the chart engine in a worker thread', () => {
  it('renders, and fails, exactly as in this thread; a worker that stops is replaced', async () => {
    expect(existsSync(WORKER_MODULE)).toBe(true);
    const here: Record<string, unknown> = {};
    for (const [name, run] of Object.entries(cases)) here[name] = await outcome(run);
    expect(here.templateError).toMatchObject({ error: { class: TemplateError.name, phase: 'execute' } });
    expect(here.tooDeep).toMatchObject({ error: { class: TemplateError.name } });
    expect(here.badValuesYaml).toMatchObject({ error: { class: YamlError.name, file: 'values.yaml' } });

    // From here on, this file's renders go through a worker: first one started beforehand, as bin/quayside.js does.
    const early = new Worker(WORKER_MODULE);
    useEngineWorker(WORKER_MODULE, { worker: early, stopped: false });
    for (const [name, run] of Object.entries(cases)) expect(await outcome(run), name).toEqual(here[name]);

    // The worker dies under a render: that render fails as the engine's crash, and the next starts a new worker.
    // It is stopped once the render has been posted to it, and the render takes seconds, so it dies under it.
    const renderPosted = new Promise<void>((resolve) => {
      const post = early.postMessage.bind(early);
      early.postMessage = (...args: Parameters<Worker['postMessage']>) => {
        post(...args);
        if ((args[0] as { op?: string }).op === 'render') resolve();
      };
    });
    const dying = renderChart({ chart: slow, values: {}, release: RELEASE });
    await renderPosted;
    await early.terminate();
    await expect(dying).rejects.toBeInstanceOf(EngineError);
    expect(await outcome(cases.ghost)).toEqual(here.ghost);
  }, 60_000);

  it('stops its worker when told nothing more is rendered, unless it owes an answer; a later render starts another', async () => {
    const here = await outcome(cases.ghost);
    const worker = new Worker(WORKER_MODULE);
    let exited = false;
    worker.once('exit', () => {
      exited = true;
    });
    useEngineWorker(WORKER_MODULE, { worker, stopped: false });
    // Told while a call is under way: the worker stays, and the call is answered.
    const reading = readYamlLikeHelm('values', 'a: 1');
    releaseEngineWorker();
    expect(await reading).toEqual({ a: 1 });
    expect(exited).toBe(false);
    // Told with nothing owed (an install takes its lease once rendered): the worker stops.
    const exit = once(worker, 'exit');
    releaseEngineWorker();
    await exit;
    expect(exited).toBe(true);
    expect(await outcome(cases.ghost)).toEqual(here);
  }, 60_000);

  it('holds no process open while it owes nothing, started early or on first use', async () => {
    // `diff revision` starts the engine early (bin/quayside.js) and never renders.
    const host = join(REPO_ROOT, 'lib', 'chart', 'engine', 'engine-host.ts');
    const script = join(mkdtempSync(join(tmpdir(), 'quayside-engine-worker-')), 'idle.mjs');
    writeFileSync(
      script,
      `import { Worker } from 'node:worker_threads';
      import { readYamlLikeHelm, useEngineWorker } from ${JSON.stringify(host)};
      const url = new URL(${JSON.stringify(WORKER_MODULE.href)});
      const early = new Worker(url);
      early.unref();
      useEngineWorker(url, { worker: early, stopped: false });
      if (process.argv[2] === 'call') console.log(JSON.stringify(await readYamlLikeHelm('values', 'a: 1')));
      `,
    );
    for (const mode of ['idle', 'call']) {
      const run = await runScript(script, [mode]);
      // A process held open is killed by the timeout: its code is not 0.
      expect({ mode, code: run.code }, run.stderr).toEqual({ mode, code: 0 });
      if (mode === 'call') expect(JSON.parse(run.stdout)).toEqual({ a: 1 });
    }
  }, 60_000);
});

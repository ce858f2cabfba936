/**
 * The chart engine as a native program (lib/chart/engine/native-engine.ts and main_native.go), as the
 * CLI runs it where one ships for its machine: the same renders and the same errors as engine.wasm in
 * this thread, calls answered in order, an engine that stops is replaced and says why, and an engine
 * that owes nothing never holds a process open.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEngineProcess } from '../../bin/launch.js';
import {
  readYamlLikeHelm,
  releaseEngineWorker,
  useEngineChannel,
} from '../../lib/chart/engine/engine-host.ts';
import { nativeEngineName, ProcessEngine } from '../../lib/chart/engine/native-engine.ts';
import { EngineError, loadChart, renderChart, TemplateError, YamlError } from '../../lib/chart/index.ts';
import {
  BROKEN_CHART,
  CONFORMANCE_DIR,
  chartOf,
  ENDLESS_CHART,
  outcome,
  INSTALL_RELEASE as RELEASE,
  REPO_ROOT,
  runScript,
} from './helpers.ts';

// Built by build.sh and copied beside the bundle by `npm ci` (the prepare script), as the CLI runs it.
const NATIVE = join(REPO_ROOT, 'dist', 'cli', nativeEngineName());
const ships = process.platform === 'linux' && process.arch === 'x64';

const directory = (...path: string[]) => ({ kind: 'directory', path: join(...path) }) as const;
/** A chart whose render runs for seconds natively too (400 million turns of an empty loop). */
const slow = chartOf({
  'templates/cm.yaml': '{{- range until 20000 }}{{- range until 20000 }}{{- end }}{{- end }}\nx: 1\n',
});

const render = async (chart: ReturnType<typeof directory>, values: Record<string, unknown> = {}) =>
  renderChart({ chart: await loadChart(chart), values, release: RELEASE });

/** Renders without random or time functions, so that two engines' outputs compare byte for byte. */
const cases = {
  ghost: () => render(directory(REPO_ROOT, 'examples', 'charts', 'ghost'), { replicas: 2 }),
  guestbook: () => render(directory(REPO_ROOT, 'examples', 'charts', 'guestbook')),
  fleet: () => render(directory(REPO_ROOT, 'bench', 'charts', 'fleet')),
  subchart: () => render(directory(CONFORMANCE_DIR, 'charts', 'subchart'), { global: { a: 'b' } }),
  templateError: () => renderChart({ chart: BROKEN_CHART, values: {}, release: RELEASE }),
  values: () => readYamlLikeHelm('values', 'a: 1\nb: [x, y, "on"]\nc: 0x1F\nd: 1e3\n'),
  badYaml: () => readYamlLikeHelm('values', 'a: [1, 2\nb: 3\n'),
};

/** A stand-in for the engine: a shell script. */
function fakeEngine(body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'quayside-native-engine-')), 'engine');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

afterEach(() => useEngineChannel(undefined));

/** `quayside version --verbose`, as a user runs it. */
const verbose = (env: Record<string, string> = {}) =>
  new Promise<string>((resolve, reject) =>
    execFile(
      join(REPO_ROOT, 'bin', 'quayside'),
      ['version', '--verbose'],
      { env: { ...process.env, QUAYSIDE_ENGINE: undefined, ...env } },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    ),
  );

describe('the native chart engine', () => {
  if (!ships) {
    it('does not ship for this machine: the CLI runs the WebAssembly engine', async () => {
      expect(await verbose()).toContain('chart engine: WebAssembly, not native (none ships for');
    });
    return;
  }

  it('ships beside the bundle for linux/x64, and the CLI runs it', async () => {
    expect(existsSync(NATIVE)).toBe(true);
    expect(await verbose()).toContain(`chart engine: native (${NATIVE})`);
    expect(await verbose({ QUAYSIDE_ENGINE: 'wasm' })).toContain(
      'chart engine: WebAssembly, not native (QUAYSIDE_ENGINE=wasm is set)',
    );
  });

  it('renders, and fails, exactly as engine.wasm does in this thread; a template error is a TemplateError', async () => {
    const here: Record<string, unknown> = {};
    for (const [name, run] of Object.entries(cases)) here[name] = await outcome(run);
    expect(here.templateError).toMatchObject({ error: { class: TemplateError.name, phase: 'execute' } });
    expect(here.values).toEqual({ value: { a: 1, b: ['x', true, 'on'], c: 31, d: 1000 } });
    expect(here.badYaml).toMatchObject({ error: { class: 'EngineYamlError' } });

    useEngineChannel(new ProcessEngine(NATIVE, startEngineProcess(NATIVE, spawn)));
    for (const [name, run] of Object.entries(cases)) expect(await outcome(run), name).toEqual(here[name]);
    // Calls in flight together are answered each with its own answer.
    const names = Object.keys(cases) as Array<keyof typeof cases>;
    const together = await Promise.all([...names, ...names].map((name) => outcome(cases[name])));
    expect(together).toEqual([...names, ...names].map((name) => here[name]));
  }, 60_000);

  it("stops templates that include themselves endlessly with Helm's own error, as a TemplateError", async () => {
    useEngineChannel(new ProcessEngine(NATIVE));
    const result = await outcome(() => renderChart({ chart: ENDLESS_CHART, values: {}, release: RELEASE }));
    expect(result).toMatchObject({ error: { class: TemplateError.name } });
    const { message } = (result as { error: { message: string } }).error;
    expect(
      message.endsWith('rendering template has a nested reference name: loop: unable to execute template'),
    ).toBe(true);
  });

  it('reads a values file of the chart as Helm does, naming the file when it is not YAML', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quayside-native-engine-'));
    writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: bad\nversion: 1.0.0\n');
    writeFileSync(join(dir, 'values.yaml'), 'a: [1, 2\nb: 3\n');
    const here = await outcome(() => loadChart(directory(dir)));
    expect(here).toMatchObject({ error: { class: YamlError.name, file: 'values.yaml' } });
    useEngineChannel(new ProcessEngine(NATIVE));
    expect(await outcome(() => loadChart(directory(dir)))).toEqual(here);
  });

  it('fails a render under way when the engine is killed, saying so; the next render starts another', async () => {
    const started = startEngineProcess(NATIVE, spawn);
    useEngineChannel(new ProcessEngine(NATIVE, started));
    const dying = renderChart({ chart: slow, values: {}, release: RELEASE });
    // The call is written to the engine at once; it dies under it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    started.child.kill('SIGKILL');
    const error = await dying.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as Error).message).toContain(`the native engine (${NATIVE}) stopped unexpectedly`);
    expect(String((error as Error).cause)).toContain('signal SIGKILL');
    expect(await outcome(cases.ghost)).toEqual(await outcome(cases.ghost));
    expect(await outcome(cases.ghost)).toMatchObject({ value: expect.anything() });
  }, 60_000);

  it('stops its process when told nothing more is rendered, unless it owes an answer; a later call starts another', async () => {
    const started = startEngineProcess(NATIVE, spawn);
    let exited = false;
    started.child.once('exit', () => {
      exited = true;
    });
    useEngineChannel(new ProcessEngine(NATIVE, started));
    const reading = readYamlLikeHelm('values', 'a: 1');
    releaseEngineWorker();
    expect(await reading).toEqual({ a: 1 });
    expect(exited).toBe(false);
    const exit = once(started.child, 'exit');
    releaseEngineWorker();
    expect(await exit).toEqual([0, null]);
    expect(await readYamlLikeHelm('values', 'b: 2')).toEqual({ b: 2 });
  });

  it('holds no process open while it owes nothing, and holds it open while it does', async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'quayside-native-engine-')), 'idle.mjs');
    const launch = join(REPO_ROOT, 'bin', 'launch.js');
    const host = join(REPO_ROOT, 'lib', 'chart', 'engine', 'engine-host.ts');
    const native = join(REPO_ROOT, 'lib', 'chart', 'engine', 'native-engine.ts');
    writeFileSync(
      script,
      `import { spawn } from 'node:child_process';
      import { startEngineProcess } from ${JSON.stringify(launch)};
      import { readYamlLikeHelm, useEngineChannel } from ${JSON.stringify(host)};
      import { ProcessEngine } from ${JSON.stringify(native)};
      const path = ${JSON.stringify(NATIVE)};
      useEngineChannel(new ProcessEngine(path, startEngineProcess(path, spawn)));
      // No await at the top: only the engine's pending answer keeps this process alive for the print.
      if (process.argv[2] === 'call') readYamlLikeHelm('values', 'a: 1').then((v) => console.log(JSON.stringify(v)));
      `,
    );
    for (const mode of ['idle', 'call']) {
      const run = await runScript(script, [mode]);
      expect(run, mode).toEqual({ code: 0, stdout: mode === 'call' ? '{"a":1}\n' : '', stderr: '' });
    }
  }, 60_000);
});

describe('the native chart engine, by its protocol (stand-ins for the program)', () => {
  it('reports an engine that exits with what it wrote to stderr and its exit code', async () => {
    const path = fakeEngine('cat >/dev/null & echo "quayside-engine: out of cheese" >&2; exit 3');
    useEngineChannel(new ProcessEngine(path));
    const error = await readYamlLikeHelm('values', 'a: 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as Error).message).toContain(`the native engine (${path}) stopped unexpectedly`);
    expect(String((error as Error).cause)).toMatch(/code 3: quayside-engine: out of cheese/);
  });

  it('reports an engine that cannot be started, naming it', async () => {
    const path = join(tmpdir(), 'quayside-no-such-engine');
    useEngineChannel(new ProcessEngine(path));
    const error = await readYamlLikeHelm('values', 'a: 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as Error).message).toBe(
      `template engine: the native engine (${path}) could not be started (QUAYSIDE_ENGINE=wasm runs the WebAssembly engine instead)`,
    );
    expect(String((error as Error).cause)).toContain('ENOENT');
  });

  it('refuses an answer that is not JSON, and reads answers split across many writes', async () => {
    // Reads each call (26 bytes); answers the first with `{"value":{"a":1}}` a byte at a time, the second with garbage.
    const answer = '\\000\\000\\000\\021{"value":{"a":1}}\\000\\000\\000\\000';
    const split = answer.replace(/(\\\d{3}|.)/g, "printf '$1'; sleep 0.001; ");
    const path = fakeEngine(
      `head -c 26 >/dev/null; ${split} head -c 26 >/dev/null; printf '\\000\\000\\000\\003{no\\000\\000\\000\\000'; cat >/dev/null`,
    );
    useEngineChannel(new ProcessEngine(path));
    expect(await readYamlLikeHelm('values', 'a: 1')).toEqual({ a: 1 });
    const error = await readYamlLikeHelm('values', 'a: 1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineError);
    expect((error as Error).message).toBe('template engine: unreadable response from the engine');
  });
});

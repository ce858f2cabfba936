/**
 * The native chart engine bin/quayside starts beside Node (`engine --handoff PID &`, then exec node)
 * and the command takes over through /proc (bin/launch.js's adoptEngineProcess): the command's calls
 * are answered by it, nothing is left running after the command, and whatever goes wrong on the way
 * (an engine already gone, a variable naming someone else's process) ends in the command starting
 * its own engine, never in a render lost or another process touched. The launcher's choice of
 * commands is tested in snapshot.test.ts.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adoptEngineProcess, dismissEngine, nativeEngineName } from '../../bin/launch.js';
import { repoRoot } from './cli-world.ts';

const ships = process.platform === 'linux' && process.arch === 'x64';
const NATIVE = join(repoRoot, 'dist', 'cli', nativeEngineName());
const FIXTURE = join(repoRoot, 'test', 'fixtures', 'adopt-engine.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const run = (file: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) =>
  new Promise<Run & { pid: number }>((resolve) => {
    const child = execFile(file, args, { env }, (error, stdout, stderr) =>
      resolve({
        code: error ? Number((error as { code?: number }).code ?? 1) : 0,
        stdout,
        stderr,
        pid: child.pid!,
      }),
    );
  });

/** A process's state letter (`S`, `R`, `Z`…), or `gone`. */
function stateOf(pid: number): string {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return text.slice(text.lastIndexOf(')') + 2).split(' ')[0]!;
  } catch {
    return 'gone';
  }
}

const ended = (pid: number) => ['Z', 'X', 'gone'].includes(stateOf(pid));

async function waitEnded(pid: number, ms = 5000): Promise<boolean> {
  for (const start = Date.now(); Date.now() - start < ms; await new Promise((r) => setTimeout(r, 10)))
    if (ended(pid)) return true;
  return ended(pid);
}

/** Engines started with `--handoff PARENT` that are still running (not ended, not a zombie). */
function runningEnginesOf(parent: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes('--handoff') && argv[argv.indexOf('--handoff') + 1] === String(parent)) {
        if (!ended(Number(entry))) found.push(Number(entry));
      }
    } catch {}
  }
  return found;
}

/**
 * Runs the fixture as bin/quayside runs a command: a shell starts `engine --handoff $$` (or the
 * `handoff` given) in the background and execs node, naming the engine in QUAYSIDE_ENGINE_HANDOFF.
 */
async function handedRun(options: { handoff?: string; waitMs?: number; calls?: boolean } = {}) {
  const script = [
    `"$ENGINE" --handoff ${options.handoff ?? '$$'} </dev/null >/dev/null 2>&1 &`,
    'QUAYSIDE_ENGINE_HANDOFF=$! exec "$NODE" --import tsx "$FIXTURE" "$ENGINE" "$WAIT" "$CALLS"',
  ].join('\n');
  const result = await run('/bin/sh', ['-c', script], {
    ...process.env,
    ENGINE: NATIVE,
    NODE: process.execPath,
    FIXTURE,
    WAIT: String(options.waitMs ?? 0),
    CALLS: options.calls === false ? 'no-calls' : 'calls',
  });
  const facts = Object.assign(
    {},
    ...result.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  ) as Record<string, unknown>;
  return { ...result, facts };
}

describe.runIf(ships)('the native engine handed over by the launcher', () => {
  it('answers the command, which takes it over without starting one, and ends when released', async () => {
    const { code, stderr, facts } = await handedRun();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(facts.pid).toBe(facts.handed);
    expect(facts.spawned).toBe(false);
    // Nothing the command starts inherits the variable.
    expect(facts.left).toBeNull();
    expect(facts.values).toEqual({ a: 1, b: ['x', 'on'] });
    expect(facts.verify).toEqual({ error: expect.stringContaining('no certificate') });
    // Its end is seen as the end of its answers, with no status.
    expect(facts.exit).toEqual([null, null]);
    expect(['Z', 'gone']).toContain(facts.handedState);
  });

  it('is ended when released by a command that never called it', async () => {
    const { code, facts } = await handedRun({ calls: false });
    expect(code).toBe(0);
    expect(facts.spawned).toBe(false);
    expect(facts.exit).toEqual([null, null]);
    expect(['Z', 'gone']).toContain(facts.handedState);
  });

  it('is replaced by one the command starts when it is gone before the command takes it over', async () => {
    // Told its parent is process 1, the engine sees it is not and exits at once.
    const { code, facts } = await handedRun({ handoff: '1', waitMs: 100 });
    expect(code).toBe(0);
    expect(facts.spawned).toBe(true);
    expect(facts.pid).not.toBe(facts.handed);
    expect(facts.values).toEqual({ a: 1, b: ['x', 'on'] });
    expect(facts.exit).toEqual([0, null]);
    expect(['Z', 'gone']).toContain(facts.handedState);
  });

  it('dies with the process that started it when nobody takes it over', async () => {
    const shell = spawn('/bin/sh', [
      '-c',
      `"${NATIVE}" --handoff $$ </dev/null >/dev/null 2>&1 & echo $!; exec sleep 0.3`,
    ]);
    const [line] = (await once(shell.stdout, 'data')) as [Buffer];
    const engine = Number(line.toString().trim());
    expect(stateOf(engine)).not.toBe('gone');
    await once(shell, 'exit');
    expect(await waitEnded(engine)).toBe(true);
  });

  it('is never taken over, nor ended, when the variable names a process that is not this one’s child', async () => {
    // A grandchild: the shell's child, not this process's.
    const shell = spawn('/bin/sh', ['-c', 'sleep 5 & echo $!; wait']);
    const [line] = (await once(shell.stdout, 'data')) as [Buffer];
    const grandchild = Number(line.toString().trim());
    for (const pid of [grandchild, process.pid, process.ppid, 1, 2 ** 31])
      expect(adoptEngineProcess(pid)).toBeUndefined();
    dismissEngine(grandchild);
    await new Promise((r) => setTimeout(r, 100));
    expect(stateOf(grandchild)).not.toBe('gone');
    expect(ended(grandchild)).toBe(false);
    shell.kill();
    process.kill(grandchild);
  });

  it('refuses arguments it does not know, saying so', async () => {
    const bad = await run(NATIVE, ['--handoff', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('quayside-engine: --handoff:');
    const unknown = await run(NATIVE, ['--serve']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown arguments ["--serve"]');
  });
});

describe.runIf(ships)('bin/quayside with the engine it starts', () => {
  const bin = join(repoRoot, 'bin', 'quayside');
  const env = () => {
    const plain = { ...process.env };
    delete plain.NODE_OPTIONS;
    delete plain.QUAYSIDE_NO_SNAPSHOT;
    return plain;
  };

  it('renders with it, and leaves no engine running after the command', async () => {
    const chart = join(repoRoot, 'bench', 'charts', 'fleet');
    const handed = await run(bin, ['template', 'bench', chart], env());
    expect(handed.stderr).toBe('');
    expect(handed.code).toBe(0);
    expect(runningEnginesOf(handed.pid)).toEqual([]);
    // The same render as the bundle's start, which forks its own engine.
    const bundled = await run(bin, ['template', 'bench', chart], { ...env(), QUAYSIDE_NO_SNAPSHOT: '1' });
    expect(handed.stdout).toBe(bundled.stdout);
    expect(handed.stdout).toContain('kind: Deployment');
    // The launcher started it (its commands, traced by the shell).
    const traced = await run('/bin/sh', ['-x', bin, 'template', 'bench', chart], env());
    expect(traced.code).toBe(0);
    expect(traced.stderr).toMatch(/engine-linux-x64 --handoff [0-9]+/);
    expect(traced.stdout).toBe(handed.stdout);
  });

  it('ends the engine a command does not take over', async () => {
    const help = await run(bin, ['install', '--help'], env());
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: quayside install');
    expect(runningEnginesOf(help.pid)).toEqual([]);
  });
});

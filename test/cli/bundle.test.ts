import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './cli-world.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const run = (bin: string, args: string[]) =>
  new Promise<Run>((resolve) =>
    execFile(process.execPath, [bin, ...args], (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

/**
 * A copy of bin/quayside.js in a folder of its own, with a one-file "source", a bundle built from it
 * and a build script that writes the bundle again (or fails): what the launcher does with them is the
 * same as with the real bundle, without touching the real dist/.
 */
function launcherWorld(options: { buildFails?: boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'quayside-launcher-'));
  mkdirSync(join(root, 'bin'));
  for (const file of ['quayside.js', 'launch.js'])
    cpSync(join(repoRoot, 'bin', file), join(root, 'bin', file));
  symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  const source = join(root, 'source.ts');
  const writeBundle = (text: string) => {
    mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
    writeFileSync(
      join(root, 'dist', 'cli', 'quayside.mjs'),
      `process.stdout.write(${JSON.stringify(text)});\n`,
    );
    const { size, mtimeMs } = statSync(source);
    const stamp = { inputs: { 'source.ts': [size, mtimeMs] } };
    writeFileSync(join(root, 'dist', 'cli', 'build-stamp.json'), JSON.stringify(stamp));
  };
  writeFileSync(source, 'export const version = 1;\n');
  writeBundle('bundle 1\n');
  mkdirSync(join(root, 'scripts'));
  writeFileSync(
    join(root, 'scripts', 'build-cli.ts'),
    options.buildFails
      ? "process.stderr.write('source.ts: syntax error\\n');\nprocess.exit(1);\n"
      : `import { readFileSync, statSync, writeFileSync } from 'node:fs';
const source = new URL('../source.ts', import.meta.url);
writeFileSync(new URL('../dist/cli/quayside.mjs', import.meta.url), "process.stdout.write('bundle 2\\\\n');\\n");
const { size, mtimeMs } = statSync(source);
writeFileSync(new URL('../dist/cli/build-stamp.json', import.meta.url), JSON.stringify({ inputs: { 'source.ts': [size, mtimeMs] } }));
process.stdout.write('built\\n');
`,
  );
  return {
    root,
    bin: join(root, 'bin', 'quayside.js'),
    source,
    cleanup: () => rmSync(root, { recursive: true }),
  };
}

describe('the quayside launcher', () => {
  it('runs the bundle as it is while it matches its sources', async () => {
    const world = launcherWorld();
    expect(await run(world.bin, ['version'])).toEqual({ code: 0, stdout: 'bundle 1\n', stderr: '' });
    world.cleanup();
  });

  it('rebuilds a bundle older than a source, says so on stderr, and keeps stdout for the command', async () => {
    const world = launcherWorld();
    writeFileSync(world.source, 'export const version = 22;\n');
    const result = await run(world.bin, ['version']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('bundle 2\n');
    expect(result.stderr).toBe(
      'quayside: rebuilding the CLI bundle (source.ts changed since it was built)\nbuilt\n',
    );
    expect(await run(world.bin, ['version'])).toEqual({ code: 0, stdout: 'bundle 2\n', stderr: '' });
    world.cleanup();
  });

  it('rebuilds a bundle built in another checkout: the start-up snapshot holds its paths', async () => {
    const world = launcherWorld();
    const stampFile = join(world.root, 'dist', 'cli', 'build-stamp.json');
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as Record<string, unknown>;
    writeFileSync(stampFile, JSON.stringify({ ...stamp, root: '/elsewhere/quayside' }));
    const result = await run(world.bin, ['version']);
    expect(result.stdout).toBe('bundle 2\n');
    expect(result.stderr).toContain('rebuilding the CLI bundle (it was built in /elsewhere/quayside)');
    world.cleanup();
  });

  it('reports a missing bundle it cannot build and runs nothing else in its place', async () => {
    const world = launcherWorld({ buildFails: true });
    rmSync(join(world.root, 'dist'), { recursive: true });
    const result = await run(world.bin, ['version']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('quayside: rebuilding the CLI bundle (there is none in dist/cli)');
    expect(result.stderr).toContain('source.ts: syntax error');
    expect(result.stderr).toContain('run `npm run build`');
    world.cleanup();
  });

  it('is built from every source of the CLI, the chart engine beside it', () => {
    const stamp = JSON.parse(readFileSync(join(repoRoot, 'dist', 'cli', 'build-stamp.json'), 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    expect(Object.keys(stamp.inputs)).toEqual(
      expect.arrayContaining([
        'lib/cli/main.ts',
        'lib/kube/apply.ts',
        'lib/chart/engine/engine.wasm',
        'lib/chart/engine/wasm_exec.js',
        'node_modules/.package-lock.json',
        'scripts/build-cli.ts',
      ]),
    );
    expect(statSync(join(repoRoot, 'dist', 'cli', 'engine.wasm')).size).toBe(
      statSync(join(repoRoot, 'lib', 'chart', 'engine', 'engine.wasm')).size,
    );
  });
});

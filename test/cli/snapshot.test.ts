import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineNeeds, SNAPSHOT_COMMANDS } from '../../bin/launch.js';
import { FileDriver, ReleaseStore } from '../../lib/store/index.ts';
import {
  CLUSTER,
  type CliRun,
  type CliWorld,
  charts,
  editedKubeconfig,
  repoRoot,
  startCliWorld,
} from './cli-world.ts';

const launcher = join(repoRoot, 'bin', 'quayside');
const blob = join(repoRoot, 'dist', 'cli', 'quayside.blob');
/** The V8 flags the blob was built with, as bin/quayside passes them (the second line of BLOB.node). */
const blobFlags = () => readFileSync(`${blob}.node`, 'utf8').split('\n')[1]!.split(' ').filter(Boolean);

/** The environment of a plain shell: no NODE_OPTIONS (vitest's workers may have one), no opt-out. */
function plainEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!('NODE_OPTIONS' in extra)) delete env.NODE_OPTIONS;
  if (!('QUAYSIDE_NO_SNAPSHOT' in extra)) delete env.QUAYSIDE_NO_SNAPSHOT;
  return env;
}

const run = (
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
) =>
  new Promise<CliRun>((resolve) =>
    execFile(file, args, { env: options.env ?? plainEnv(), cwd: options.cwd }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

describe("the CLI's start-up snapshot", () => {
  it('is built beside the bundle, for the node binary that built it and the V8 flags it was built with, naming the native engine', () => {
    expect(existsSync(blob)).toBe(true);
    const [builtBy, flags, engine] = readFileSync(`${blob}.node`, 'utf8').split('\n');
    expect(builtBy).toBe(realpathSync(process.execPath));
    expect(flags).toMatch(/^--hash-seed=[1-9][0-9]* --no-rehash-snapshot --single-threaded-gc$/);
    // The native chart engine bin/quayside starts beside node, where one ships for this machine.
    expect(engine).toBe(process.platform === 'linux' && process.arch === 'x64' ? 'engine-linux-x64' : '');
  });

  it('is refused by V8 when started without its flags, or with another hash seed', async () => {
    const flags = blobFlags();
    const other = flags.map((f) =>
      f.replace(/^--hash-seed=(\d+)$/, (_, seed) => `--hash-seed=${Number(seed) + 1}`),
    );
    expect(other).not.toEqual(flags);
    for (const started of [[], other]) {
      const refused = await run(process.execPath, [...started, '--snapshot-blob', blob, '--', 'version']);
      expect(refused.code).toBe(14);
    }
    expect((await run(process.execPath, [...flags, '--snapshot-blob', blob, '--', 'version'])).code).toBe(0);
  });

  it('starts the commands people wait for; NODE_OPTIONS or QUAYSIDE_NO_SNAPSHOT start the bundle', async () => {
    const verbose = (env: NodeJS.ProcessEnv) => run(launcher, ['version', '--verbose'], { env });
    expect((await verbose(plainEnv())).stdout).toContain(`started from the start-up snapshot (${blob})`);
    expect((await verbose(plainEnv({ NODE_OPTIONS: '--max-old-space-size=512' }))).stdout).toContain(
      'started from the bundle',
    );
    expect((await verbose(plainEnv({ QUAYSIDE_NO_SNAPSHOT: '1' }))).stdout).toContain(
      'started from the bundle',
    );
  });

  it('hands a command it does not start to bin/quayside.js, with its arguments and exit code', async () => {
    const direct = await run(process.execPath, [
      ...blobFlags(),
      '--snapshot-blob',
      blob,
      '--',
      'dlq',
      '--frobnicate',
    ]);
    const bundle = await run(process.execPath, [join(repoRoot, 'bin', 'quayside.js'), 'dlq', '--frobnicate']);
    expect(bundle.code).toBe(2);
    expect(direct).toEqual(bundle);
  });

  describe('against a cluster and a store', () => {
    let world: CliWorld;
    beforeAll(async () => {
      world = await startCliWorld();
      await world.seed({ name: 'web', chart: charts.myNginx });
      await world.seed({ name: 'web', chart: charts.myNginx, values: { replicaCount: 2 } });
    });
    afterAll(() => world.stop());

    it('answers as the bundle does, reading the environment, home and folder of the process it runs in', async () => {
      // The build's environment is not this one: a store, kubeconfig or home kept in the snapshot would show.
      const env = plainEnv({ KUBECONFIG: world.kubeconfig, QUAYSIDE_STORE: world.store, HOME: world.dir });
      const chartDir = join(world.dir, 'charts');
      cpSync(charts.myNginx, join(chartDir, 'my-nginx'), { recursive: true });
      const commands = [
        ['history', 'web'],
        ['list', '-A'],
        ['status', 'web', '-o', 'json'],
        ['get', 'values', 'web', '--all'],
        ['diff', 'revision', 'web', '1', '2'],
        ['template', 'site', './my-nginx', '--set', 'replicaCount=3'],
      ];
      for (const args of commands) {
        const snapshot = await run(launcher, args, { env, cwd: chartDir });
        const bundle = await run(process.execPath, [join(repoRoot, 'bin', 'quayside.js'), ...args], {
          env,
          cwd: chartDir,
        });
        expect(snapshot, args.join(' ')).toEqual(bundle);
        expect(snapshot.code, `${args.join(' ')}: ${snapshot.stderr}`).toBe(0);
      }
      // With no QUAYSIDE_STORE, the default store is under this process's HOME.
      const home = join(world.dir, 'home');
      mkdirSync(join(home, '.quayside'), { recursive: true });
      symlinkSync(join(world.dir, 'store'), join(home, '.quayside', 'store'));
      const { QUAYSIDE_STORE: _, ...noStore } = plainEnv({ KUBECONFIG: world.kubeconfig, HOME: home });
      const listed = await run(launcher, ['history', 'web', '-o', 'json'], { env: noStore });
      expect(listed.stderr).toBe('');
      expect(JSON.parse(listed.stdout)).toHaveLength(2);
    });

    it('gives every process its own random ids: two installs started from it record different request ids', async () => {
      // Random ids come from crypto.randomUUID, whose cache of random bytes a snapshot would keep if
      // anything drew from it while the snapshot was built: every process would then make the same ids.
      const env = plainEnv({ KUBECONFIG: world.kubeconfig, QUAYSIDE_STORE: world.store, HOME: world.dir });
      for (const name of ['ids-a', 'ids-b']) {
        const installed = await run(launcher, ['install', name, charts.myNginx, '--wait=false'], { env });
        expect(installed.code, installed.stderr).toBe(0);
      }
      const store = new ReleaseStore(new FileDriver(new URL(world.store).pathname));
      const requestIds = await Promise.all(
        ['ids-a', 'ids-b'].map(async (name) => {
          const page = await store.history({ cluster: CLUSTER, namespace: 'default', name });
          return page.revisions.map((revision) => revision.requestId);
        }),
      );
      expect(requestIds.flat()).toHaveLength(2);
      expect(new Set(requestIds.flat()).size).toBe(2);
    });

    it("runs a kubeconfig's credential plugin, which gets the user's environment, not the launcher's glibc tunables", async () => {
      // A plugin is run with child_process, which a command started from the snapshot cannot import().
      const seen = join(world.dir, 'plugin-saw');
      const plugin = join(world.dir, 'plugin.sh');
      // The kubeconfig's user gets its token from the plugin instead of the file.
      let token = '';
      const kubeconfig = editedKubeconfig(world, 'exec', (config) => {
        const user = config.users[0].user;
        token = user.token;
        delete user.token;
        user.exec = {
          apiVersion: 'client.authentication.k8s.io/v1',
          command: plugin,
          interactiveMode: 'Never',
        };
      });
      const credential = {
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        status: { token },
      };
      writeFileSync(
        plugin,
        `#!/bin/sh\necho "\${GLIBC_TUNABLES-unset} \${QUAYSIDE_SET_GLIBC_TUNABLES-unset}" >> '${seen}'\necho '${JSON.stringify(credential)}'\n`,
      );
      chmodSync(plugin, 0o755);
      const env = plainEnv({ KUBECONFIG: kubeconfig, QUAYSIDE_STORE: world.store, HOME: world.dir });
      delete env.GLIBC_TUNABLES;
      const installed = await run(launcher, ['install', 'by-plugin', charts.myNginx, '--wait=false'], {
        env,
      });
      expect(installed.code, installed.stderr).toBe(0);
      const upgraded = await run(launcher, ['upgrade', 'by-plugin', charts.myNginx, '--wait=false'], {
        env: { ...env, GLIBC_TUNABLES: 'glibc.malloc.tcache_count=0' },
      });
      expect(upgraded.code, upgraded.stderr).toBe(0);
      expect(readFileSync(seen, 'utf8')).toBe('unset unset\nglibc.malloc.tcache_count=0 unset\n');
    });
  });
});

/**
 * bin/quayside in a folder of its own, with a stand-in `node` on PATH that prints the arguments it
 * was given: which way the launcher starts a command, without starting one.
 */
function launcherWorld() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'quayside-launcher-')));
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
  mkdirSync(join(root, 'path'));
  copyFileSync(launcher, join(root, 'bin', 'quayside'));
  chmodSync(join(root, 'bin', 'quayside'), 0o755);
  const node = join(root, 'path', 'node');
  writeFileSync(node, '#!/bin/sh\nprintf "%s\\n" "$@"\n');
  chmodSync(node, 0o755);
  // The blob after the node that built it: its status time is older than the blob's.
  const world = {
    root,
    node,
    blob: join(root, 'dist', 'cli', 'quayside.blob'),
    writeBlob: (builtBy = node, flags?: string) => {
      writeFileSync(world.blob, 'blob');
      writeFileSync(`${world.blob}.node`, `${builtBy}\n${flags === undefined ? '' : `${flags}\n`}`);
    },
    env: (extra: Record<string, string> = {}) =>
      plainEnv({ PATH: `${join(root, 'path')}:/usr/bin:/bin`, ...extra }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  return world;
}

describe('bin/quayside', () => {
  const fromSnapshot = (root: string, args: string[]) =>
    ['--snapshot-blob', `${root}/bin/../dist/cli/quayside.blob`, '--', ...args].join('\n');
  const fromBundle = (root: string, args: string[]) => [`${root}/bin/../bin/quayside.js`, ...args].join('\n');

  it('starts the commands it lists from the snapshot, the others from bin/quayside.js', async () => {
    const world = launcherWorld();
    await new Promise((r) => setTimeout(r, 20));
    world.writeBlob();
    const bin = join(world.root, 'bin', 'quayside');
    const started = async (args: string[], env = world.env()) =>
      (await run(bin, args, { env })).stdout.trim();
    expect(await started(['history', 'web', '--max', '3'])).toBe(
      fromSnapshot(world.root, ['history', 'web', '--max', '3']),
    );
    expect(await started([])).toBe(fromSnapshot(world.root, []));
    expect(await started(['--version'])).toBe(fromSnapshot(world.root, ['--version']));
    expect(await started(['start', '--demo'])).toBe(fromBundle(world.root, ['start', '--demo']));
    expect(await started(['list'], world.env({ NODE_OPTIONS: '--no-warnings' }))).toBe(
      fromBundle(world.root, ['list']),
    );
    expect(await started(['list'], world.env({ QUAYSIDE_NO_SNAPSHOT: '1' }))).toBe(
      fromBundle(world.root, ['list']),
    );
    // Linked as npm links it into node_modules/.bin: the checkout is where the link points.
    mkdirSync(join(world.root, 'elsewhere'));
    symlinkSync(bin, join(world.root, 'elsewhere', 'quayside'));
    const linked = await run(join(world.root, 'elsewhere', 'quayside'), ['list'], { env: world.env() });
    expect(linked.stdout.trim()).toBe(fromSnapshot(world.root, ['list']));
    world.cleanup();
  });

  it('starts the snapshot with the V8 flags it was built with, each an argument of its own', async () => {
    const world = launcherWorld();
    await new Promise((r) => setTimeout(r, 20));
    world.writeBlob(world.node, '--hash-seed=12345 --no-rehash-snapshot');
    const started = await run(join(world.root, 'bin', 'quayside'), ['status', 'web'], { env: world.env() });
    expect(started.stdout.trim()).toBe(
      ['--hash-seed=12345', '--no-rehash-snapshot', fromSnapshot(world.root, ['status', 'web'])].join('\n'),
    );
    world.cleanup();
  });

  it('starts the native engine beside node for the commands that render or talk to a cluster here, unless told not to', async () => {
    const world = launcherWorld();
    // The stand-in engine logs its arguments; the stand-in node prints the variable naming the engine
    // and its own process id (the launcher's, kept through exec), which the engine is to be told.
    const log = join(world.root, 'engine.log');
    const engine = join(world.root, 'dist', 'cli', 'engine-stand-in');
    writeFileSync(engine, `#!/bin/sh\necho "$*" >> ${JSON.stringify(log)}\n`);
    chmodSync(engine, 0o755);
    writeFileSync(world.node, `#!/bin/sh\necho "\${QUAYSIDE_ENGINE_HANDOFF-none} $$"\n`);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(world.blob, 'blob');
    const blobNode = (engineLine: string) =>
      writeFileSync(`${world.blob}.node`, `${world.node}\n\n${engineLine}`);
    blobNode('engine-stand-in\n');
    const bin = join(world.root, 'bin', 'quayside');
    const started = async (args: string[], extra: Record<string, string> = {}) => {
      const [handoff, launcher] = (await run(bin, args, { env: world.env(extra) })).stdout.trim().split(' ');
      if (handoff === 'none') return false;
      // The engine was told the launcher's process.
      for (
        let i = 0;
        i < 200 && !readFileSync(log, { flag: 'a+' }).toString().includes(`--handoff ${launcher}\n`);
        i++
      )
        await new Promise((r) => setTimeout(r, 10));
      expect(readFileSync(log, 'utf8')).toContain(`--handoff ${launcher}\n`);
      expect(Number(handoff)).toBeGreaterThan(0);
      return true;
    };
    const lines = [
      'install web ./chart',
      'upgrade web ./chart --set a=b',
      'diff upgrade web ./chart',
      'template web ./chart',
      'rollback web 1',
      'uninstall web',
    ];
    for (const line of lines) {
      expect(await started(line.split(' ')), line).toBe(true);
      // Never an engine the command would not take over (bin/launch.js's engineNeeds).
      expect(engineNeeds(line.split(' '), {}), line).toBeDefined();
    }
    for (const line of ['history web', 'list -A', 'status web', 'get values web', '--help', 'version'])
      expect(await started(line.split(' ')), line).toBe(false);
    // A queued action renders in a worker, not here; QUAYSIDE_ENGINE=wasm asks for the other engine.
    expect(await started(['install', 'web', './chart', '--queue-url', 'https://sqs.example/q.fifo'])).toBe(
      false,
    );
    expect(await started(['install', 'web', './chart', '--queue-url=https://sqs.example/q.fifo'])).toBe(
      false,
    );
    expect(
      await started(['install', 'web', './chart'], { QUAYSIDE_QUEUE_URL: 'https://sqs.example/q.fifo' }),
    ).toBe(false);
    expect(await started(['install', 'web', './chart'], { QUAYSIDE_ENGINE: 'wasm' })).toBe(false);
    // None for this machine (the third line empty, or a blob from before there was one).
    blobNode('\n');
    expect(await started(['install', 'web', './chart'])).toBe(false);
    blobNode('');
    expect(await started(['install', 'web', './chart'])).toBe(false);
    world.cleanup();
  });

  it('asks V8 for one helper thread instead of four when the native engine renders', async () => {
    const world = launcherWorld();
    writeFileSync(join(world.root, 'dist', 'cli', 'engine-stand-in'), '#!/bin/sh\n');
    chmodSync(join(world.root, 'dist', 'cli', 'engine-stand-in'), 0o755);
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(world.blob, 'blob');
    const blobNode = (engineLine: string) =>
      writeFileSync(`${world.blob}.node`, `${world.node}\n--hash-seed=1\n${engineLine}`);
    const bin = join(world.root, 'bin', 'quayside');
    const args = async (line: string, extra: Record<string, string> = {}) =>
      (await run(bin, line.split(' '), { env: world.env(extra) })).stdout.trim().split('\n');
    blobNode('engine-stand-in\n');
    for (const line of ['install web ./chart', 'history web', '--help'])
      expect(await args(line), line).toEqual([
        '--hash-seed=1',
        '--v8-pool-size=1',
        ...fromSnapshot(world.root, line.split(' ')).split('\n'),
      ]);
    // The WebAssembly engine compiles on V8's helper threads: they stay as they are.
    expect(await args('template web ./chart', { QUAYSIDE_ENGINE: 'wasm' })).not.toContain('--v8-pool-size=1');
    blobNode('\n');
    expect(await args('install web ./chart')).toEqual([
      '--hash-seed=1',
      ...fromSnapshot(world.root, ['install', 'web', './chart']).split('\n'),
    ]);
    world.cleanup();
  });

  it("asks glibc for huge pages for a command it starts from the snapshot, unless the user set glibc's tunables", async () => {
    const world = launcherWorld();
    // The stand-in node prints the two variables instead of its arguments. It is rewritten before the
    // blob is: a node changed after its blob was built sends every command to the bundle.
    writeFileSync(
      world.node,
      `#!/bin/sh\necho "[\${GLIBC_TUNABLES-unset}] [\${QUAYSIDE_SET_GLIBC_TUNABLES-unset}]"\n`,
    );
    await new Promise((r) => setTimeout(r, 20));
    world.writeBlob();
    const bin = join(world.root, 'bin', 'quayside');
    const seen = async (args: string[], extra: Record<string, string> = {}) => {
      const env = world.env(extra);
      if (!('GLIBC_TUNABLES' in extra)) delete env.GLIBC_TUNABLES;
      return (await run(bin, args, { env })).stdout.trim();
    };
    expect(await seen(['install', 'web', './chart'])).toBe(
      '[glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432] [1]',
    );
    expect(await seen(['list'], { GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' })).toBe(
      '[glibc.malloc.arena_max=2] [unset]',
    );
    expect(await seen(['list'], { GLIBC_TUNABLES: '' })).toBe('[] [unset]');
    // Commands started from the bundle are left as they are.
    expect(await seen(['start'])).toBe('[unset] [unset]');
    world.cleanup();
  });

  it('starts the bundle when the node on PATH did not build the blob, or changed since, or cannot be told apart, or there is none', async () => {
    const world = launcherWorld();
    const bin = join(world.root, 'bin', 'quayside');
    const started = async () => (await run(bin, ['list'], { env: world.env() })).stdout.trim();
    expect(await started()).toBe(fromBundle(world.root, ['list']));
    await new Promise((r) => setTimeout(r, 20));
    world.writeBlob('/usr/bin/some-other-node');
    expect(await started()).toBe(fromBundle(world.root, ['list']));
    world.writeBlob();
    expect(await started()).toBe(fromSnapshot(world.root, ['list']));
    // A find that cannot compare status times (BusyBox's has no -cnewer): the bundle, and nothing said.
    const find = join(world.root, 'path', 'find');
    writeFileSync(find, '#!/bin/sh\necho "find: unrecognized: -cnewer" >&2\nexit 1\n');
    chmodSync(find, 0o755);
    expect(await run(bin, ['list'], { env: world.env() })).toEqual({
      code: 0,
      stdout: `${fromBundle(world.root, ['list'])}\n`,
      stderr: '',
    });
    rmSync(find);
    // Replaced in place (as a package upgrade does, keeping the package's mtime): its status time moves.
    await new Promise((r) => setTimeout(r, 20));
    chmodSync(world.node, 0o755);
    expect(await started()).toBe(fromBundle(world.root, ['list']));
    world.cleanup();
  });

  it('lists the same commands as the snapshot starts', () => {
    const text = readFileSync(launcher, 'utf8');
    const listed = /^'' \| (.+)\)$/m.exec(text)?.[1]?.split(' | ');
    expect(new Set([undefined, ...(listed ?? [])])).toEqual(SNAPSHOT_COMMANDS);
  });
});

/**
 * The start-up snapshot's warm-up (lib/cli/snapshot.ts): while the snapshot is built, the read
 * commands it starts run once against a scratch store and kubeconfig made for them, their output
 * thrown away. V8 compiles a JavaScript function the first time it is called; the snapshot keeps the
 * bytecode of every function that has run, so a command started from it does not parse and compile
 * them again. Measured against the snapshot without it (whole processes, alternating): `status` and
 * `get values` 0.95, `history` 0.97, `list -A` 0.98, and install 0.95 (its store and kubeconfig code
 * is the snapshot's); `--help`, which runs none of it, 1.09 (a snapshot ~0.45 MB larger to read).
 *
 * Nothing may stay behind in the snapshot's heap of what the warm-up reads or makes: the scratch
 * folder is removed, the process's output streams are never opened (a stand-in takes their place
 * and the originals are put back untouched), and the exit code is reset. The commands read only the
 * flags given here, never the build's environment: --kubeconfig and --store name the scratch files.
 * Random ids are safe to make here because the project's id generator (lib/domain's randomId) draws
 * fresh bytes for each: Node's randomUUID, by default, fills a cache of random bytes that the snapshot
 * would keep, and every process started from it would then make the same ids.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReleaseId, RevisionBody } from '../domain/index.ts';
import { FileDriver, ReleaseStore } from '../store/index.ts';

/** The kubeconfig's context: the releases' cluster. No command here talks to it. */
const CONTEXT = 'warm-up';

/**
 * A kubeconfig shaped as clusters' are (a CA, a token; the shape lib/sim's buildKubeconfig writes, not
 * called here: it would bring the `yaml` library into the snapshot). Its CA is a placeholder nothing checks.
 */
const KUBECONFIG = `apiVersion: v1
kind: Config
preferences: {}
current-context: ${CONTEXT}
clusters:
  - name: ${CONTEXT}
    cluster:
      server: https://127.0.0.1:9
      certificate-authority-data: ${Buffer.from(`-----BEGIN CERTIFICATE-----\n${'d2FybS11cA'.repeat(60)}\n-----END CERTIFICATE-----\n`).toString('base64')}
contexts:
  - name: ${CONTEXT}
    context:
      cluster: ${CONTEXT}
      user: ${CONTEXT}
      namespace: default
users:
  - name: ${CONTEXT}
    user:
      token: 0123456789abcdef0123456789abcdef0123456789abcdef
`;

const MANIFEST = `---
# Source: app/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-settings
  labels:
    app.kubernetes.io/name: app
data:
  level: "info"
  replicas: "2"
---
# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  replicas: 2
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
        - name: app
          image: "nginx:1.27"
          ports: [{containerPort: 80}]
`;

/** The read commands the snapshot starts, as users run them most. */
function commands(kubeconfig: string, store: string): string[][] {
  const common = ['--kubeconfig', kubeconfig, '--store', store];
  return [
    ['history', 'app', '-n', 'default', ...common],
    ['history', 'app', '-n', 'default', '-o', 'json', ...common],
    ['list', '-A', ...common],
    ['list', '-n', 'default', ...common],
    ['status', 'app', '-n', 'default', ...common],
    ['get', 'values', 'app', '-n', 'default', ...common],
    ['get', 'manifest', 'app', '-n', 'default', ...common],
  ];
}

/**
 * A store as users' look, written as the engine writes it: `app` with a dozen revisions (one failed,
 * the last deployed) and a few other releases in two namespaces.
 */
async function writeStore(dir: string): Promise<void> {
  const store = new ReleaseStore(new FileDriver(dir));
  const releases: [ReleaseId, number][] = [
    [{ cluster: CONTEXT, namespace: 'default', name: 'app' }, 12],
    [{ cluster: CONTEXT, namespace: 'default', name: 'web' }, 2],
    [{ cluster: CONTEXT, namespace: 'jobs', name: 'worker' }, 1],
    [{ cluster: CONTEXT, namespace: 'jobs', name: 'cron' }, 1],
  ];
  for (const [release, revisions] of releases) {
    for (let revision = 1; revision <= revisions; revision++) {
      const body: RevisionBody = {
        config: { replicas: 2, level: `v${revision}` },
        values: { replicas: 2, level: `v${revision}`, image: { repository: 'nginx', tag: '1.27' } },
        manifest: MANIFEST,
        notes: `${release.name} is running.\n`,
        hooks: [],
        objects: [],
      };
      const begun = await store.begin({
        release,
        requestId: `warm-up-${release.namespace}-${release.name}-${revision}`,
        action: revision === 1 ? 'install' : 'upgrade',
        requestedBy: { principal: 'warm-up', channel: 'cli' },
        chart: { name: release.name, version: `1.0.${revision}`, appVersion: '1.27' },
        body,
        leaseExpiresAt: Date.now() + 60_000,
      });
      if (begun.kind === 'duplicate') throw new Error('snapshot warm-up: the scratch store was not empty');
      const failed = revision === revisions - 1 && revisions > 2;
      await store.finish({
        lease: begun.lease,
        status: failed ? 'failed' : 'deployed',
        description: failed ? `Upgrade "${release.name}" failed: warm-up` : 'Upgrade complete',
        body,
      });
    }
  }
}

/**
 * Runs the read commands once against scratch files made under `root`, output discarded, and removes
 * them. @throws when one of them fails: a warm-up that no longer runs what users run is a build error,
 * not a silent loss of speed.
 */
export async function warmUp(
  run: (argv: readonly string[]) => Promise<number>,
  root: string = tmpdir(),
): Promise<void> {
  const dir = mkdtempSync(join(root, 'quayside-snapshot-'));
  const streams = ['stdout', 'stderr'] as const;
  const saved = streams.map((name) => Object.getOwnPropertyDescriptor(process, name));
  const output: string[] = [];
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, KUBECONFIG, { mode: 0o600 });
    const storeDir = join(dir, 'store');
    mkdirSync(storeDir);
    await writeStore(storeDir);
    // Stand-ins for the output streams: the real ones, once opened, would be the build's.
    for (const name of streams) {
      Object.defineProperty(process, name, {
        configurable: true,
        value: {
          write: (text: string) => {
            output.push(String(text));
            return true;
          },
        },
      });
    }
    for (const argv of commands(kubeconfig, `file://${storeDir}`)) {
      const code = await run(argv);
      if (code !== 0) throw new Error(`snapshot warm-up: quayside ${argv.join(' ')} exited ${code}`);
    }
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${output.join('')}`, { cause: error });
  } finally {
    streams.forEach((name, index) => {
      const descriptor = saved[index];
      if (descriptor) Object.defineProperty(process, name, descriptor);
    });
    process.exitCode = undefined;
    rmSync(dir, { recursive: true, force: true });
  }
}

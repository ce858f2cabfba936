import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  KubeApiError,
  KubeConnectionError,
  kubeconfigConnectionProvider,
  loadKubeconfig,
  parseKubeconfig,
  resolveContext,
} from '../../lib/kube/index.ts';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';

const NAMESPACES = {
  method: 'GET',
  path: '/api/v1/namespaces',
  ref: { apiVersion: 'v1', kind: 'NamespaceList', name: '' },
} as const;

interface KubeconfigDoc {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: Record<string, unknown> }[];
  'current-context': string;
}

describe('kubeconfig files', () => {
  let sim: Simulator;
  let dir: string;
  let doc: KubeconfigDoc;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator({});
    dir = mkdtempSync(join(tmpdir(), 'quayside-kubeconfig-'));
    doc = parse(sim.kubeconfig) as KubeconfigDoc;
    token = String(doc.users[0]?.user.token);
  });
  afterAll(async () => {
    await sim.stop();
  });

  /** The simulator's kubeconfig with its one user replaced. */
  const withUser = (user: Record<string, unknown>) =>
    stringify({ ...doc, users: [{ name: doc.users[0]?.name, user }] });

  it('connects with a token and an embedded CA, as kubectl does', async () => {
    const connection = await kubeconfigConnectionProvider({ yaml: sim.kubeconfig }).connect('');
    const { status } = await connection.send({ ...NAMESPACES });
    expect(status).toBe(200);
    connection.close();
  });

  it('reads certificate and token files relative to the kubeconfig file', async () => {
    const caPem = Buffer.from(String(doc.clusters[0]?.cluster['certificate-authority-data']), 'base64');
    writeFileSync(join(dir, 'ca.pem'), caPem);
    writeFileSync(join(dir, 'token'), `${token}\n`);
    const { 'certificate-authority-data': _, ...cluster } = doc.clusters[0]?.cluster ?? {};
    const file = join(dir, 'relative.yaml');
    writeFileSync(
      file,
      stringify({
        ...doc,
        clusters: [
          { name: doc.clusters[0]?.name, cluster: { ...cluster, 'certificate-authority': 'ca.pem' } },
        ],
        users: [{ name: doc.users[0]?.name, user: { tokenFile: 'token' } }],
      }),
    );
    const connection = await kubeconfigConnectionProvider({ file }).connect('');
    expect((await connection.send({ ...NAMESPACES })).status).toBe(200);
    connection.close();
  });

  it('merges the files of $KUBECONFIG with the first one winning, as kubectl does', () => {
    const first = parseKubeconfig(
      stringify({ 'current-context': 'a', contexts: [{ name: 'a', context: { cluster: 'one' } }] }),
      dir,
    );
    const second = parseKubeconfig(
      stringify({
        'current-context': 'b',
        clusters: [{ name: 'one', cluster: { server: 'https://one.example' } }],
        contexts: [
          { name: 'a', context: { cluster: 'ignored' } },
          { name: 'b', context: { cluster: 'one' } },
        ],
      }),
      dir,
    );
    writeFileSync(
      join(dir, 'first.yaml'),
      stringify({ 'current-context': 'a', contexts: [{ name: 'a', context: { cluster: 'one' } }] }),
    );
    writeFileSync(
      join(dir, 'second.yaml'),
      stringify({ clusters: [{ name: 'one', cluster: { server: 'https://one.example' } }] }),
    );
    const previous = process.env.KUBECONFIG;
    process.env.KUBECONFIG = `${join(dir, 'first.yaml')}:${join(dir, 'second.yaml')}`;
    try {
      const merged = loadKubeconfig();
      expect(resolveContext(merged, undefined).server).toBe('https://one.example');
    } finally {
      if (previous === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = previous;
    }
    expect(first.contexts.get('a')?.cluster).toBe('one');
    expect(second.currentContext).toBe('b');
  });

  it('runs an exec credential plugin, caches its credential and asks again after a 401', async () => {
    // The plugin hands out a wrong token first, then the right one, counting its runs.
    const counter = join(dir, 'runs');
    writeFileSync(counter, '0');
    const plugin = join(dir, 'plugin.mjs');
    writeFileSync(
      plugin,
      [
        "import { readFileSync, writeFileSync } from 'node:fs';",
        `const runs = Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;`,
        `writeFileSync(${JSON.stringify(counter)}, String(runs));`,
        'const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);',
        'if (info.spec.interactive !== false) process.exit(3);',
        `const token = runs === 1 ? 'wrong' : process.env.SIM_TOKEN;`,
        'const expirationTimestamp = new Date(Date.now() + 3600_000).toISOString();',
        "console.log(JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status: { token, expirationTimestamp } }));",
      ].join('\n'),
    );
    chmodSync(plugin, 0o755);
    const yaml = withUser({
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: process.execPath,
        args: [plugin],
        env: [{ name: 'SIM_TOKEN', value: token }],
      },
    });
    const connection = await kubeconfigConnectionProvider({ yaml }).connect('');
    expect((await connection.send({ ...NAMESPACES })).status).toBe(200);
    expect((await connection.send({ ...NAMESPACES })).status).toBe(200);
    expect(readFileSync(counter, 'utf8')).toBe('2');
    connection.close();
  });

  it('refuses exec plugins where nothing may be run, saying what to use instead', async () => {
    const yaml = withUser({ exec: { command: 'aws', args: ['eks', 'get-token'] } });
    const connecting = kubeconfigConnectionProvider({ yaml, allowExec: false }).connect('');
    await expect(connecting).rejects.toBeInstanceOf(KubeConnectionError);
    await expect(connecting).rejects.toThrow(
      /exec credential plugin.*register the cluster as an EKS cluster/,
    );
  });

  it('refuses the legacy auth-provider with the way forward', async () => {
    const yaml = withUser({ 'auth-provider': { name: 'gcp' } });
    await expect(kubeconfigConnectionProvider({ yaml }).connect('')).rejects.toThrow(
      /legacy auth-provider "gcp".*exec credential plugin/,
    );
  });

  it('names the field that is wrong in a malformed kubeconfig, and a missing context', () => {
    expect(() =>
      parseKubeconfig(stringify({ clusters: [{ name: 'x', cluster: { server: 3 } }] }), dir),
    ).toThrow(/invalid at clusters\.0\.cluster\.server/);
    expect(() => resolveContext(parseKubeconfig(sim.kubeconfig, dir), 'nope')).toThrow(
      'the kubeconfig has no context "nope"',
    );
  });

  it('gives the API server 401 as an error once a refreshed credential is refused too', async () => {
    const connection = await kubeconfigConnectionProvider({ yaml: withUser({ token: 'wrong' }) }).connect('');
    const failing = connection.send({ ...NAMESPACES });
    await expect(failing).rejects.toBeInstanceOf(KubeApiError);
    await expect(failing).rejects.toMatchObject({ status: 401 });
    connection.close();
  });
});

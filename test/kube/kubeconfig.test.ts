import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  applyRevision,
  KubeConnectionError,
  kubeconfigConnectionProvider,
  parseKubeconfig,
} from '../../lib/kube/index.ts';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';
import { inAMinute, manifest } from './sim-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'quayside-kubeconfig-'));

/** A kubeconfig with one context `ctx` whose user is `user`. */
function kubeconfig(user: Record<string, unknown>, cluster: Record<string, unknown> = {}): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443', ...cluster } }],
    users: [{ name: 'u', user }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  });
}

async function accessOf(text: string) {
  const access = await (await parseKubeconfig(text, dir)).access('ctx');
  if (!access) throw new Error('expected the kubeconfig to be read without client-node');
  return access;
}

/**
 * An exec credential plugin: prints an ExecCredential whose token is the first line of `tokenFile`,
 * expiring `expiresInMs` from now, and appends what it was given to `log`.
 */
function execPlugin(name: string, expiresInMs: number): { command: string; log: string; tokenFile: string } {
  const command = join(dir, name);
  const log = join(dir, `${name}.log`);
  const tokenFile = join(dir, `${name}.token`);
  writeFileSync(
    command,
    `#!${process.execPath}
const fs = require('node:fs');
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args: process.argv.slice(2), info: process.env.KUBERNETES_EXEC_INFO, region: process.env.REGION }) + '\\n');
const token = fs.readFileSync(${JSON.stringify(tokenFile)}, 'utf8').trim();
const expirationTimestamp = new Date(Date.now() + ${expiresInMs}).toISOString();
console.log(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token, expirationTimestamp } }));
`,
  );
  chmodSync(command, 0o755);
  return { command, log, tokenFile };
}

const runs = (log: string) =>
  readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { args: string[]; info: string; region: string });

describe('reading a kubeconfig', () => {
  it('sends an inline token, or a token file read again on every request as projected tokens rotate', async () => {
    expect(await (await accessOf(kubeconfig({ token: 'abc' }))).headers()).toEqual({
      Authorization: 'Bearer abc',
    });
    writeFileSync(join(dir, 'token'), 'first\n');
    const access = await accessOf(kubeconfig({ tokenFile: 'token' }));
    expect(await access.headers()).toEqual({ Authorization: 'Bearer first' });
    writeFileSync(join(dir, 'token'), 'second\n');
    expect(await access.headers()).toEqual({ Authorization: 'Bearer second' });
  });

  it('reads certificates from data or from files relative to the kubeconfig, and honours insecure-skip-tls-verify', async () => {
    writeFileSync(join(dir, 'client.crt'), 'CERT');
    writeFileSync(join(dir, 'client.key'), 'KEY');
    const access = await accessOf(
      kubeconfig(
        { 'client-certificate': 'client.crt', 'client-key': join(dir, 'client.key') },
        {
          'certificate-authority-data': Buffer.from('CA').toString('base64'),
          'tls-server-name': 'api.internal',
        },
      ),
    );
    expect({ ...access.tls, ca: access.tls.ca?.toString(), cert: access.tls.cert?.toString() }).toEqual({
      ca: 'CA',
      cert: 'CERT',
      key: Buffer.from('KEY'),
      rejectUnauthorized: true,
      servername: 'api.internal',
    });
    expect(access.server.href).toBe('https://127.0.0.1:6443/');
    const insecure = await accessOf(kubeconfig({}, { 'insecure-skip-tls-verify': true }));
    expect(insecure.tls.rejectUnauthorized).toBe(false);
  });

  it('sends basic auth for a username and password', async () => {
    const access = await accessOf(kubeconfig({ username: 'admin', password: 's3cret' }));
    expect(await access.headers()).toEqual({
      Authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}`,
    });
  });

  it('runs an exec plugin with its args and env, and again only once its credential is about to expire', async () => {
    const lasting = execPlugin('lasting', 10 * 60_000);
    writeFileSync(lasting.tokenFile, 'tok-1');
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: lasting.command,
      args: ['token', '--cluster', 'c'],
      env: [{ name: 'REGION', value: 'eu-west-1' }],
    };
    const access = await accessOf(kubeconfig({ exec }));
    expect(await access.headers()).toEqual({ Authorization: 'Bearer tok-1' });
    expect(await access.headers()).toEqual({ Authorization: 'Bearer tok-1' });
    const [run, ...more] = runs(lasting.log);
    expect(more).toEqual([]);
    expect(run?.args).toEqual(['token', '--cluster', 'c']);
    expect(run?.region).toBe('eu-west-1');
    expect(JSON.parse(run!.info)).toMatchObject({ kind: 'ExecCredential', spec: { interactive: false } });

    // A credential expiring within the renewal margin is renewed before every request.
    const brief = execPlugin('brief', 1_000);
    writeFileSync(brief.tokenFile, 'old');
    const renewing = await accessOf(kubeconfig({ exec: { ...exec, command: brief.command } }));
    writeFileSync(brief.tokenFile, 'new');
    expect(await renewing.headers()).toEqual({ Authorization: 'Bearer new' });
  });

  it('names the plugin that failed, and a context the kubeconfig does not have', async () => {
    const failing = join(dir, 'failing');
    writeFileSync(failing, '#!/bin/sh\necho "no credentials configured" >&2\nexit 3\n');
    chmodSync(failing, 0o755);
    const config = await parseKubeconfig(kubeconfig({ exec: { command: failing } }), dir);
    const error = await config.access('ctx').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeConnectionError);
    expect((error as Error).message).toContain(`"${failing}" failed: no credentials configured`);
    await expect(config.access('elsewhere')).rejects.toBeInstanceOf(KubeConnectionError);
    await expect(parseKubeconfig('a: [unclosed', dir)).rejects.toBeInstanceOf(KubeConnectionError);
  });

  it('leaves auth-provider users to the Kubernetes client library', async () => {
    const config = await parseKubeconfig(kubeconfig({ 'auth-provider': { name: 'oidc' } }), dir);
    expect(await config.access('ctx')).toBeUndefined();
  });
});

describe('connecting with an exec credential plugin', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ rolloutStepMs: 30 });
  });
  afterAll(() => sim.stop());

  it('applies to a cluster whose token comes from the plugin', async () => {
    const plugin = execPlugin('sim-token', 10 * 60_000);
    writeFileSync(plugin.tokenFile, sim.token);
    const file = join(dir, 'exec-kubeconfig');
    const text = sim.kubeconfig.replace(/token: .*/, `exec: { command: ${JSON.stringify(plugin.command)} }`);
    writeFileSync(file, text);
    const connection = await kubeconfigConnectionProvider({ file }).connect('');
    const outcome = await applyRevision({
      connection,
      objects: manifest('apiVersion: v1\nkind: ConfigMap\nmetadata: { name: from-exec }\n'),
      release: { name: 'exec', namespace: 'default' },
      deadline: inAMinute(),
    });
    connection.close();
    expect(outcome.ok).toBe(true);
    expect(runs(plugin.log)).toHaveLength(1);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/quayside.js', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quayside-sim-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function startCommand(args: string[]): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [bin, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`quayside sim did not start: ${output}`)), 30_000);
    child.stdout?.on('data', () => {
      if (output.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    });
    child.on('exit', (code) => reject(new Error(`quayside sim exited with ${code}: ${output}`)));
  });
}

function stopCommand(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

async function client(kubeconfigPath: string): Promise<CoreV1Api> {
  const config = new KubeConfig();
  config.loadFromString(await readFile(kubeconfigPath, 'utf8'));
  return config.makeApiClient(CoreV1Api);
}

describe('quayside sim', () => {
  it('prints the kubeconfig path and keeps objects across restarts with --state', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const state = join(dir, 'state');
    const first = await startCommand(['--kubeconfig', kubeconfig, '--state', state, '--step-ms', '20']);
    expect(first.output()).toContain(`kubeconfig: ${kubeconfig}`);
    expect(first.output()).toContain(`export KUBECONFIG=${kubeconfig}`);
    const core = await client(kubeconfig);
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'kept' }, data: { a: '1' } },
    });
    expect(await stopCommand(first.child)).toBe(0);

    const second = await startCommand(['--kubeconfig', kubeconfig, '--state', state]);
    const again = await client(kubeconfig);
    const kept = await again.readNamespacedConfigMap({ name: 'kept', namespace: 'default' });
    expect(kept.data).toEqual({ a: '1' });
    expect(await stopCommand(second.child)).toBe(0);
  });

  it('reports a port in use and exits 1', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const child = spawn(
        process.execPath,
        [bin, 'sim', '--port', String(port), '--kubeconfig', join(dir, 'unused')],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const code = await new Promise((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain('Error: cannot start the simulator');
      expect(stderr).toContain('EADDRINUSE');
    } finally {
      blocker.close();
    }
  });

  it('rejects a bad port with usage and exit code 2', async () => {
    const child = spawn(process.execPath, [bin, 'sim', '--port', 'abc'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('invalid --port "abc"');
  });
});

/**
 * Start-up time of the Kubernetes API simulator (target: under one second), measured two ways:
 * in-process, from startSimulator() to the first authenticated answer, and as the standalone
 * `quayside sim` command, from spawn to the "listening" line.
 * Run: node --import tsx bench/sim-startup.ts
 */
import { spawn } from 'node:child_process';
import { request } from 'node:https';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../lib/sim/index.ts';

const TARGET_MS = 1000;
const RUNS = 10;

function get(url: string, token: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/version`, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

async function inProcess(): Promise<number> {
  const started = performance.now();
  const sim = await startSimulator();
  const status = await get(sim.url, sim.token, sim.caPem);
  const elapsed = performance.now() - started;
  await sim.stop();
  if (status !== 200) throw new Error(`simulator answered ${status}`);
  return elapsed;
}

function standalone(): Promise<number> {
  const bin = fileURLToPath(new URL('../bin/quayside.js', import.meta.url));
  const started = performance.now();
  const child = spawn(process.execPath, [bin, 'sim', '--kubeconfig', `/tmp/quayside-bench-${process.pid}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) {
        const elapsed = performance.now() - started;
        child.kill('SIGTERM');
        resolve(elapsed);
      }
    });
    child.on('error', reject);
  });
}

function summary(name: string, samples: number[]): boolean {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const worst = sorted[sorted.length - 1] ?? 0;
  const ok = median < TARGET_MS;
  process.stdout.write(
    `${name}: median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms (target < ${TARGET_MS} ms) ${ok ? 'OK' : 'OVER'}\n`,
  );
  return ok;
}

const inProcessSamples: number[] = [];
for (let i = 0; i < RUNS; i += 1) inProcessSamples.push(await inProcess());
const standaloneSamples: number[] = [];
for (let i = 0; i < 3; i += 1) standaloneSamples.push(await standalone());
const ok = [
  summary('in-process startSimulator', inProcessSamples),
  summary('standalone quayside sim', standaloneSamples),
].every(Boolean);
process.exitCode = ok ? 0 : 1;

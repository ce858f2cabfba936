import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Chart } from '../../lib/chart/index.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** CI keeps the shared conformance data beside the checkout. */
export const SHARED_DIR = resolve(REPO_ROOT, '..', 'shared');
export const CONFORMANCE_DIR = join(SHARED_DIR, 'conformance', 'helm-template');
export const FIXTURE_CHARTS = join(REPO_ROOT, 'test', 'fixtures', 'charts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `quayside` command, as npm installs it (bin/quayside). `env` adds to this process's
 * environment; a variable given as undefined is left out.
 */
export function runQuayside(
  args: readonly string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete childEnv[name];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(join(REPO_ROOT, 'bin', 'quayside'), args, { cwd, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }));
  });
}

/** Runs `body` with a fresh temporary directory that is removed afterwards. */
export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'qs-chart-test-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A first install's release info, for renders of in-memory charts. */
export const INSTALL_RELEASE = {
  name: 'r',
  namespace: 'apps',
  revision: 1,
  isInstall: true,
  isUpgrade: false,
};

/** An in-memory chart `c` 1.0.0 with these templates (name → text), no values, files or subcharts. */
export function chartOf(templates: Record<string, string>): Chart {
  const encoder = new TextEncoder();
  return {
    metadata: { apiVersion: 'v2', name: 'c', version: '1.0.0' },
    values: {},
    templates: Object.entries(templates).map(([name, text]) => ({ name, data: encoder.encode(text) })),
    files: [],
    dependencies: [],
  } as unknown as Chart;
}

/** What a call gives, as plain data to compare across engines: its value, or its error's class, fields and message. */
export async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await call() };
  } catch (error) {
    return {
      error: {
        class: (error as Error).constructor.name,
        ...(error as object),
        message: (error as Error).message,
      },
    };
  }
}

/** A template that fails to execute (a field of a missing value). */
export const BROKEN_CHART = chartOf({ 'templates/cm.yaml': 'x: {{ .Values.a.b.c }}\n' });

/** Templates that include themselves without end. */
export const ENDLESS_CHART = chartOf({
  'templates/cm.yaml': '{{- define "loop" }}{{ include "loop" . }}{{ end }}\nx: {{ include "loop" . }}\n',
});

/** Runs a TypeScript or JavaScript file in a Node.js process of its own (through tsx), killed after 20 s. */
export function runScript(
  script: string,
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', script, ...args],
      { cwd: REPO_ROOT, timeout: 20_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

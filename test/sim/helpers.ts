import { request as httpsRequest } from 'node:https';
/** Shared test helpers: a simulator with fast controllers and @kubernetes/client-node clients for it. */
import {
  ApiException,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { expect } from 'vitest';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';

export interface SimHarness {
  sim: Simulator;
  kubeconfig: KubeConfig;
  objects: KubernetesObjectApi;
}

export async function startHarness(options: Parameters<typeof startSimulator>[0] = {}): Promise<SimHarness> {
  const sim = await startSimulator({ rolloutStepMs: 20, ...options });
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromString(sim.kubeconfig);
  return { sim, kubeconfig, objects: KubernetesObjectApi.makeApiClient(kubeconfig) };
}

export type Manifest = KubernetesObject & Record<string, unknown>;

/** Server-side apply as a named field manager. */
export function apply(
  harness: SimHarness,
  manifest: Manifest,
  manager: string,
  options: { force?: boolean; dryRun?: boolean } = {},
): Promise<Manifest> {
  return harness.objects.patch(
    manifest,
    undefined,
    options.dryRun ? 'All' : undefined,
    manager,
    options.force,
    PatchStrategy.ServerSideApply,
  ) as Promise<Manifest>;
}

export function read(
  harness: SimHarness,
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
): Promise<Manifest> {
  return harness.objects.read({
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}) },
  }) as Promise<Manifest>;
}

export interface StatusBody {
  kind: string;
  status: string;
  message: string;
  reason: string;
  code: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ reason?: string; message: string; field?: string }>;
  };
}

/** Awaits a call that must fail and returns the Status object the server answered with. */
export async function failure(
  call: Promise<unknown>,
): Promise<StatusBody & { httpCode: number; headers: Record<string, string> }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiException);
  const apiError = error as ApiException<unknown>;
  const body =
    typeof apiError.body === 'string'
      ? (JSON.parse(apiError.body) as StatusBody)
      : (apiError.body as StatusBody);
  return { ...body, httpCode: apiError.code, headers: apiError.headers };
}

export async function createNamespace(harness: SimHarness, name: string): Promise<void> {
  await apply(harness, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, 'test');
}

/** Polls until `check` returns a value, failing after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

export function deployment(
  name: string,
  namespace: string,
  overrides: {
    replicas?: number;
    image?: string;
    labels?: Record<string, string>;
    progressDeadlineSeconds?: number;
  } = {},
): Manifest {
  const labels = overrides.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: overrides.replicas ?? 2,
      ...(overrides.progressDeadlineSeconds !== undefined
        ? { progressDeadlineSeconds: overrides.progressDeadlineSeconds }
        : {}),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            { name: 'web', image: overrides.image ?? 'nginx:1.25', ports: [{ containerPort: 80 }] },
          ],
        },
      },
    },
  };
}

/**
 * A request that bypasses client-node's typed serializers, which drop fields their models do
 * not know; needed to send the server exactly what a YAML file says.
 */
/** Options of a raw request; `token` replaces the harness's bearer token, null sends none. */
interface RawRequestOptions {
  method: string;
  path: string;
  body?: string | Buffer;
  contentType?: string;
  accept?: string;
  token?: string | null;
}

export function rawRequest(
  harness: SimHarness,
  options: RawRequestOptions & { body?: string },
): Promise<{ status: number; body: string; contentType?: string }> {
  return rawRequestBytes(harness, options);
}

export function rawRequestBytes(
  harness: SimHarness,
  options: RawRequestOptions,
): Promise<{ status: number; body: string; contentType?: string }> {
  const token = options.token === undefined ? harness.sim.token : options.token;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      new URL(options.path, harness.sim.url),
      {
        method: options.method,
        ca: harness.sim.caPem,
        headers: {
          ...(token === null ? {} : { authorization: `Bearer ${token}` }),
          ...(options.contentType ? { 'content-type': options.contentType } : {}),
          ...(options.accept ? { accept: options.accept } : {}),
          // Node frames DELETE bodies only when told their length.
          ...(options.body === undefined
            ? {}
            : { 'content-length': String(Buffer.byteLength(options.body)) }),
        },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            ...(res.headers['content-type'] ? { contentType: res.headers['content-type'] } : {}),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChartSource } from '../../lib/chart/index.ts';
import type { ReleaseId } from '../../lib/domain/index.ts';
import { type EngineClock, ReleaseEngine, type RequestContext } from '../../lib/engine/index.ts';
import {
  type KubeConnection,
  KubeNotFoundError,
  kubeconfigConnectionProvider,
  systemClock,
} from '../../lib/kube/index.ts';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';
import { MemoryDriver, ReleaseStore, type StoreDriver } from '../../lib/store/index.ts';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CLUSTER = 'quayside-sim';

/** Real time, sleeping for real: the clock the worker runs on. */
export const realClock: EngineClock = systemClock;

/** A simulator, a store and an engine wired as the worker wires them, with fast polling. */
export interface World {
  readonly sim: Simulator;
  readonly store: ReleaseStore;
  readonly engine: ReleaseEngine;
  readonly connection: KubeConnection;
  stop(): Promise<void>;
}

export async function startWorld(
  options: { driver?: StoreDriver; rolloutStepMs?: number } = {},
): Promise<World> {
  const sim = await startSimulator({ rolloutStepMs: options.rolloutStepMs ?? 20 });
  const connections = kubeconfigConnectionProvider({ yaml: sim.kubeconfig });
  const store = new ReleaseStore(options.driver ?? new MemoryDriver());
  const engine = new ReleaseEngine({
    store,
    connections,
    clock: realClock,
    poll: { initialMs: 20, maxMs: 100 },
  });
  const connection = await connections.connect(CLUSTER);
  return {
    sim,
    store,
    engine,
    connection,
    stop: async () => {
      connection.close();
      await sim.stop();
    },
  };
}

let requests = 0;
export function request(overrides: Partial<RequestContext> = {}): RequestContext {
  return {
    requestId: `req-${process.pid}-${++requests}`,
    requestedBy: { principal: 'test', channel: 'ci' },
    ...overrides,
  };
}

export function release(name: string, namespace = 'default'): ReleaseId {
  return { cluster: CLUSTER, namespace, name };
}

export function exampleChart(name: string): ChartSource {
  return { kind: 'directory', path: join(repoRoot, 'examples', 'charts', name) };
}

/** A copy of an example chart with Chart.yaml's version and appVersion bumped (a new chart release). */
export function bumpedChart(name: string, version: string): ChartSource {
  const dir = mkdtempSync(join(tmpdir(), `quayside-${name}-`));
  cpSync(join(repoRoot, 'examples', 'charts', name), dir, { recursive: true });
  const chartYaml = join(dir, 'Chart.yaml');
  const text = readFileSync(chartYaml, 'utf8')
    .replace(/^version: .*$/m, `version: ${version}`)
    .replace(/^appVersion: .*$/m, `appVersion: "${version}"`);
  writeFileSync(chartYaml, text);
  return { kind: 'directory', path: dir };
}

/**
 * A chart of `count` ConfigMaps named RELEASE-0 … RELEASE-(count-1); `suffix` is appended to every
 * name (an invalid one makes the cluster refuse the objects, failing the revision).
 */
export function configMapChart(): ChartSource {
  const dir = mkdtempSync(join(tmpdir(), 'quayside-configmaps-'));
  mkdirSync(join(dir, 'templates'));
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: configmaps\nversion: 1.0.0\n');
  writeFileSync(join(dir, 'values.yaml'), 'count: 3\nsuffix: ""\n');
  writeFileSync(
    join(dir, 'templates', 'configmaps.yaml'),
    [
      '{{- range $i := until (int .Values.count) }}',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ $.Release.Name }}-{{ $i }}{{ $.Values.suffix }}',
      'data:',
      '  index: "{{ $i }}"',
      '{{- end }}',
      '',
    ].join('\n'),
  );
  return { kind: 'directory', path: dir };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read deep paths of live objects and assert on them.
type LiveObject = Record<string, any>;

/** GETs one object from the cluster, or undefined when absent. */
export async function live(connection: KubeConnection, path: string): Promise<LiveObject | undefined> {
  try {
    const response = await connection.send({
      method: 'GET',
      path,
      ref: { apiVersion: 'v1', kind: 'Object', name: path },
    });
    return response.body as LiveObject;
  } catch (error) {
    if (error instanceof KubeNotFoundError) return undefined;
    throw error;
  }
}

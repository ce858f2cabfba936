import { afterAll, beforeAll } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  type ConnectionProvider,
  type KubeConnection,
  type KubeObject,
  kubeconfigConnectionProvider,
} from '../../lib/kube/index.ts';
import type { Clock } from '../../lib/kube/types.ts';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../lib/sim/index.ts';

/** Objects from a multi-document YAML manifest, as the chart part hands them over. */
export function manifest(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/**
 * Real time, except that sleeps longer than 20 ms are cut short and the skipped time is added to
 * `now()`: retries honouring Retry-After keep their order and arithmetic without slowing the suite.
 */
export function fastClock(): Clock & { slept: number[] } {
  let skipped = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => Date.now() + skipped,
    sleep: async (ms) => {
      slept.push(ms);
      const real = Math.min(ms, 20);
      skipped += ms - real;
      await new Promise((resolve) => setTimeout(resolve, real));
    },
  };
}

export async function connect(
  kubeconfig: string,
): Promise<{ provider: ConnectionProvider; connection: KubeConnection }> {
  const provider = kubeconfigConnectionProvider({ yaml: kubeconfig });
  return { provider, connection: await provider.connect('') };
}

/** Reads a live object straight from the API server. */
export async function readLive(connection: KubeConnection, path: string): Promise<KubeObject | undefined> {
  try {
    const { body } = await connection.send({
      method: 'GET',
      path,
      ref: { apiVersion: 'v1', kind: 'Object', name: path },
    });
    return body as KubeObject;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return undefined;
    throw error;
  }
}

/** Applies an object as another field manager would (kubectl, an operator). */
export async function applyAs(
  connection: KubeConnection,
  manager: string,
  path: string,
  object: KubeObject,
  force = false,
) {
  await connection.send({
    method: 'PATCH',
    path,
    query: { fieldManager: manager, force: force ? 'true' : undefined },
    contentType: 'application/apply-patch+yaml',
    body: object,
    ref: { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name },
  });
}

export const inAMinute = () => Date.now() + 60_000;

/**
 * Starts a simulator and a connection to it before the tests of the current
 * file or describe block, hands both to `use`, and stops them afterwards.
 */
export function useSimulatedCluster(
  options: SimulatorOptions,
  use: (sim: Simulator, connection: KubeConnection) => void,
): void {
  let sim: Simulator | undefined;
  let connection: KubeConnection | undefined;
  beforeAll(async () => {
    sim = await startSimulator(options);
    ({ connection } = await connect(sim.kubeconfig));
    use(sim, connection);
  });
  afterAll(async () => {
    connection?.close();
    await sim?.stop();
  });
}

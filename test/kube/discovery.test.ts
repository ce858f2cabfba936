/**
 * Reading a cluster's capabilities (.Capabilities for charts): a server with aggregated discovery
 * answers in three requests and fills the connection's discovery cache, so applying and `lookup` ask
 * nothing more; an older server is read group-version by group-version. Both read the same.
 */
import { describe, expect, it } from 'vitest';
import { clientFor, readClusterCapabilities } from '../../lib/kube/index.ts';
import { startSimulator } from '../../lib/sim/index.ts';
import { connect } from './sim-helpers.ts';

async function capabilitiesOf(legacyDiscovery: boolean) {
  const sim = await startSimulator({ legacyDiscovery });
  const { connection } = await connect(sim.kubeconfig);
  try {
    const read = { connection, deadline: Date.now() + 10_000 };
    const capabilities = await readClusterCapabilities(read);
    const toRead = sim.requests.length;
    const deployments = (await clientFor(read).served('apps/v1'))?.find((r) => r.kind === 'Deployment');
    const secrets = (await clientFor(read).served('v1'))?.find((r) => r.kind === 'Secret');
    return { capabilities, toRead, afterwards: sim.requests.length - toRead, deployments, secrets };
  } finally {
    connection.close();
    await sim.stop();
  }
}

describe("a cluster's capabilities", () => {
  it('are read in three requests with aggregated discovery, and as many as an older server needs without', async () => {
    const aggregated = await capabilitiesOf(false);
    const legacy = await capabilitiesOf(true);
    expect(aggregated.capabilities).toEqual(legacy.capabilities);
    expect(aggregated.capabilities.apiVersions).toEqual(
      expect.arrayContaining(['v1', 'v1/Secret', 'apps/v1', 'apps/v1/Deployment', 'batch/v1/Job']),
    );
    expect(aggregated.toRead).toBe(3);
    expect(legacy.toRead).toBeGreaterThan(10);
    // What the capabilities read learned serves the apply: nothing more is asked.
    expect(aggregated.afterwards).toBe(0);
    expect(aggregated.deployments).toEqual({ name: 'deployments', kind: 'Deployment', namespaced: true });
    expect(aggregated.secrets).toEqual({ name: 'secrets', kind: 'Secret', namespaced: true });
    expect(legacy.deployments).toMatchObject(aggregated.deployments ?? {});
  });

  it('are read once with a lookup that began first: both share its reading of /api and /apis', async () => {
    const sim = await startSimulator();
    const { connection } = await connect(sim.kubeconfig);
    try {
      const read = { connection, deadline: Date.now() + 10_000 };
      const [secrets, capabilities] = await Promise.all([
        clientFor(read).served('v1'),
        readClusterCapabilities(read),
      ]);
      expect(secrets?.find((r) => r.kind === 'Secret')).toEqual({
        name: 'secrets',
        kind: 'Secret',
        namespaced: true,
      });
      expect(capabilities.apiVersions).toContain('v1/Secret');
      expect(sim.requests.map((r) => r.path).sort()).toEqual(['/api', '/apis', '/version']);
    } finally {
      connection.close();
      await sim.stop();
    }
  });
});

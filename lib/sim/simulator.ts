/** Starting and stopping a simulator: credentials, the HTTPS server, controllers and state. */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createCluster } from './cluster.ts';
import { createControllerContext } from './controllers/context.ts';
import { createCrdController, customResourceTypes } from './controllers/crd.ts';
import { createDaemonSetController } from './controllers/daemonset.ts';
import { createDeploymentController } from './controllers/deployment.ts';
import { startGarbageCollector } from './controllers/garbage-collector.ts';
import { createJobController } from './controllers/job.ts';
import { ControllerManager } from './controllers/manager.ts';
import { createNamespaceController } from './controllers/namespace.ts';
import { createPodController } from './controllers/pods.ts';
import { createClaimController } from './controllers/pvc.ts';
import { createReplicaSetController } from './controllers/replicaset.ts';
import { createServiceController } from './controllers/service.ts';
import { createStatefulSetController } from './controllers/statefulset.ts';
import { FaultInjector } from './faults.ts';
import { getString } from './json.ts';
import { stateSavedAgain } from './messages.ts';
import { seedCluster } from './seed.ts';
import { createAuthenticator } from './server/auth.ts';
import { handleRequest } from './server/handler.ts';
import { buildKubeconfig } from './server/kubeconfig.ts';
import { createServerCredentials } from './server/tls.ts';
import { WatchHub } from './server/watch.ts';
import { loadState, StateSaver } from './state-file.ts';
import type { RequestLogEntry, Simulator, SimulatorOptions } from './types.ts';

const DEFAULT_STEP_MS = 1000;
const SAVE_DEBOUNCE_MS = 200;

/**
 * Starts a Kubernetes API simulator on 127.0.0.1 over HTTPS with a fresh CA and bearer token.
 * Resolves once it accepts connections. Throws SimUsageError when `stateDir` holds unreadable state.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const cluster = createCluster({
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.newUid ? { newUid: options.newUid } : {}),
    ...(options.unpullable ? { unpullable: options.unpullable } : {}),
  });
  const saved = options.stateDir ? await loadState(options.stateDir) : undefined;
  if (saved) {
    cluster.store.restore(saved);
    const crds = cluster.registry.builtIn('CustomResourceDefinition');
    for (const crd of cluster.store.list(crds))
      cluster.registry.addCustom(customResourceTypes(crd), getString(crd, ['metadata', 'name']) ?? '');
  } else seedCluster(cluster);

  const token = randomBytes(24).toString('hex');
  const authFailures: string[] = [];
  const auth = createAuthenticator({
    token,
    ...(options.eks === undefined ? {} : { eks: options.eks }),
    // Token ages are checked against the wall clock, as STS and EKS check them, whatever the cluster's clock says.
    now: () => Date.now(),
    onRefused: (reason) => authFailures.push(reason),
  });
  // Clients check certificates against their own wall clock, not the cluster's injected one.
  const credentials = await createServerCredentials(new Date());
  const faults = new FaultInjector();
  const requests: RequestLogEntry[] = [];
  const watches = new WatchHub(cluster.store);
  const context = createControllerContext(cluster, options.rolloutStepMs ?? DEFAULT_STEP_MS);
  const controllers = new ControllerManager(
    cluster,
    [
      createPodController(context),
      createReplicaSetController(context),
      createDeploymentController(context),
      createStatefulSetController(context),
      createDaemonSetController(context),
      createJobController(context),
      createServiceController(context),
      createClaimController(context),
      createCrdController(context),
      createNamespaceController(context),
    ],
    (error) =>
      process.emitWarning(
        `quayside sim controller error: ${error instanceof Error ? error.stack : String(error)}`,
      ),
  );
  let stopGc = startGarbageCollector(cluster);
  controllers.start();

  const saver = options.stateDir
    ? new StateSaver({
        dir: options.stateDir,
        snapshot: () => cluster.store.snapshot(),
        debounceMs: SAVE_DEBOUNCE_MS,
        onError: options.onStateSaveError ?? ((error) => process.emitWarning(error.message)),
        onRecovered: options.onStateSaveRecovered ?? ((dir) => process.emitWarning(stateSavedAgain(dir))),
      })
    : undefined;
  const unsubscribeSave = cluster.store.subscribe(() => saver?.changed());

  let address = '';
  const server = createServer({ cert: credentials.certPem, key: credentials.keyPem }, (request, response) => {
    void handleRequest(
      {
        cluster,
        auth,
        faults,
        requests,
        watches,
        serverAddress: () => address,
        ...(options.legacyDiscovery ? { legacyDiscovery: true } : {}),
      },
      request,
      response,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `https://${address}`;
  const kubeconfig = buildKubeconfig({ server: url, caPem: credentials.caPem, token });
  if (options.kubeconfigPath) await writeFile(options.kubeconfigPath, kubeconfig, { mode: 0o600 });

  return {
    url,
    kubeconfig,
    ...(options.kubeconfigPath ? { kubeconfigPath: options.kubeconfigPath } : {}),
    token,
    caPem: credentials.caPem,
    requests,
    authFailures,
    injectFaults: (spec) => faults.set(spec),
    clearFaults: () => faults.clear(),
    async reset() {
      controllers.stop();
      stopGc();
      watches.closeAll();
      watches.clearHistory();
      cluster.store.clear();
      cluster.registry.clearCustom();
      seedCluster(cluster);
      stopGc = startGarbageCollector(cluster);
      controllers.start();
      requests.length = 0;
      faults.clear();
      await saver?.flush();
    },
    async stop() {
      controllers.stop();
      stopGc();
      unsubscribeSave();
      watches.closeAll();
      await saver?.flush();
      saver?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { type EksEntry, StoreClusterRegistry } from '../clusters/index.ts';
import { systemClock } from '../domain/index.ts';
import { createServerCredentials, type Simulator, startSimulator } from '../sim/index.ts';
import type { ReleaseStore } from '../store/index.ts';
import { LocalIam, startEksStub, startStsStub } from './aws/index.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './sqs/index.ts';

/** The credentials the local worker runs with (the Lambda sandbox's), known to the local STS as the worker's role. */
const WORKER_CREDENTIALS = { accessKeyId: 'quayside', secretAccessKey: 'quayside' } as const;
export const LOCAL_WORKER_ROLE = `arn:aws:iam::${LOCAL_ACCOUNT}:role/quayside-worker`;
/** Clusters past the first live in another account, reached through this role, as a fleet's often are. */
export const LOCAL_PARTNER_ACCOUNT = '222222222222';
export const LOCAL_DEPLOYER_ROLE = `arn:aws:iam::${LOCAL_PARTNER_ACCOUNT}:role/quayside-deployer`;
export const LOCAL_EXTERNAL_ID = 'quayside-local';

/** One simulated EKS cluster of the local stack. */
export interface LocalCluster {
  /** Its name in the registry, in requests, and as an EKS cluster. */
  readonly name: string;
  readonly simulator: Simulator;
  /** The role the worker assumes to reach it, when it is in the other account. */
  readonly roleArn?: string;
}

/** Simulated EKS clusters with the loopback STS and EKS that make their tokens real. */
export interface LocalEksClusters {
  readonly clusters: readonly LocalCluster[];
  /** A kubeconfig with a context per cluster (the simulators' administrator tokens): for kubectl. */
  readonly kubeconfigPath: string;
  /** What the worker needs to reach them: the STS and EKS endpoints and their CA. */
  readonly environment: Readonly<Record<string, string>>;
  readonly stsEndpoint: string;
  readonly eksEndpoint: string;
  stop(): Promise<void>;
}

/**
 * `count` simulators in EKS mode, named sim-1…sim-N, behind a loopback EKS (DescribeCluster) and STS
 * (GetCallerIdentity, AssumeRole) that verify SigV4, each registered as an `eks` entry: sim-1 in the
 * worker's account, reached with the worker's own role; the others in a second account, reached
 * through a role the worker assumes with an external id. The worker reaches every one of them with
 * EKS tokens it makes itself, exactly as in AWS.
 */
export async function startLocalEksClusters(input: {
  count: number;
  dataDir: string;
  ephemeral: boolean;
  store: ReleaseStore;
  rolloutStepMs?: number;
}): Promise<LocalEksClusters> {
  const iam = new LocalIam(systemClock);
  iam.addCredentials({
    ...WORKER_CREDENTIALS,
    arn: `arn:aws:sts::${LOCAL_ACCOUNT}:assumed-role/quayside-worker/quayside-worker`,
    userId: 'AROALOCALWORKER:quayside-worker',
  });
  iam.addRole({ roleArn: LOCAL_DEPLOYER_ROLE, trusted: [LOCAL_WORKER_ROLE], externalId: LOCAL_EXTERNAL_ID });
  const tls = await createServerCredentials(new Date());
  const stops: (() => Promise<void>)[] = [];
  try {
    const sts = await startStsStub({ iam, tls });
    stops.push(() => sts.close());
    const eks = await startEksStub({ iam, tls });
    stops.push(() => eks.close());
    const registry = new StoreClusterRegistry({ driver: input.store.driver });
    const clusters: LocalCluster[] = [];
    for (let i = 1; i <= input.count; i++) {
      const name = `sim-${i}`;
      const partner = i > 1;
      const principal = partner ? LOCAL_DEPLOYER_ROLE : LOCAL_WORKER_ROLE;
      const simulator = await startSimulator({
        ...(input.ephemeral ? {} : { stateDir: join(input.dataDir, name) }),
        ...(input.rolloutStepMs === undefined ? {} : { rolloutStepMs: input.rolloutStepMs }),
        eks: {
          clusterName: name,
          stsHosts: [sts.host],
          stsCa: tls.caPem,
          access: { [principal]: 'cluster' },
        },
      });
      stops.push(() => simulator.stop());
      eks.addCluster({
        name,
        region: LOCAL_REGION,
        account: partner ? LOCAL_PARTNER_ACCOUNT : LOCAL_ACCOUNT,
        endpoint: simulator.url,
        caPem: simulator.caPem,
      });
      const entry: Omit<EksEntry, 'addedAt'> = {
        name,
        kind: 'eks',
        clusterName: name,
        region: LOCAL_REGION,
        addedBy: 'quayside start',
        ...(partner ? { roleArn: LOCAL_DEPLOYER_ROLE, externalId: LOCAL_EXTERNAL_ID } : {}),
      };
      // The simulators listen on new ports at every start; DescribeCluster says where, the entry stays.
      await registry.add(entry, { upsert: true });
      clusters.push({ name, simulator, ...(partner ? { roleArn: LOCAL_DEPLOYER_ROLE } : {}) });
    }
    // Clusters an earlier `--clusters` start registered beyond this one's count would only be refused.
    for (const stale of await registry.list()) {
      const number = /^sim-(\d+)$/.exec(stale.name)?.[1];
      if (stale.addedBy === 'quayside start' && Number(number) > input.count)
        await registry.remove(stale.name);
    }
    const caFile = join(input.dataDir, 'aws-ca.pem');
    writeFileSync(caFile, tls.caPem);
    const kubeconfigPath = join(input.dataDir, 'kubeconfig');
    writeFileSync(kubeconfigPath, mergedKubeconfig(clusters), { mode: 0o600 });
    return {
      clusters,
      kubeconfigPath,
      stsEndpoint: sts.endpoint,
      eksEndpoint: eks.endpoint,
      environment: {
        AWS_ENDPOINT_URL_STS: sts.endpoint,
        AWS_ENDPOINT_URL_EKS: eks.endpoint,
        // The local STS and EKS serve a CA of their own; the worker trusts it as it would a private CA.
        NODE_EXTRA_CA_CERTS: caFile,
      },
      stop: () => stopAll(stops),
    };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stops.reverse()) await stop();
  stops.length = 0;
}

interface KubeconfigDoc {
  clusters: { name: string; cluster: unknown }[];
  users: { name: string; user: unknown }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
}

/** One kubeconfig with each simulator's cluster, administrator user and context, under the cluster's name. */
function mergedKubeconfig(clusters: readonly LocalCluster[]): string {
  const merged: KubeconfigDoc = { clusters: [], users: [], contexts: [] };
  for (const { name, simulator } of clusters) {
    const one = parse(simulator.kubeconfig) as KubeconfigDoc;
    merged.clusters.push({ name, cluster: one.clusters[0]?.cluster });
    merged.users.push({ name, user: one.users[0]?.user });
    merged.contexts.push({ name, context: { cluster: name, user: name, namespace: 'default' } });
  }
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    ...merged,
    'current-context': clusters[0]?.name ?? '',
    preferences: {},
  });
}

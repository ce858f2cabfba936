import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ReleaseId } from '../domain/index.ts';
import { parseReleaseId } from '../domain/index.ts';
import { readYaml } from '../kube/index.ts';
import { openDriver, ReleaseStore } from '../store/index.ts';
import type { Flags } from './args.ts';
import { NoClusterError } from './errors.ts';
import { MESSAGES } from './messages.ts';

const DEFAULT_NAMESPACE = 'default';

/** Where a command's releases live: the store, the kube context (cluster) and the namespace. */
export interface Target {
  readonly storeUrl: string;
  readonly kubeconfig: string;
  readonly cluster: string;
  readonly namespace: string;
}

/** The store URL: --store, else $QUAYSIDE_STORE, else file://$HOME/.quayside/store. */
export function storeUrlOf(flags: Flags, env: NodeJS.ProcessEnv = process.env): string {
  return flags.store ?? env.QUAYSIDE_STORE ?? `file://${join(homedir(), '.quayside', 'store')}`;
}

/** The kubeconfig file: --kubeconfig, else the first existing file of $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigOf(flags: Flags, env: NodeJS.ProcessEnv = process.env): string {
  if (flags.kubeconfig) return flags.kubeconfig;
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  return listed.find((p) => existsSync(p)) ?? listed[0] ?? join(homedir(), '.kube', 'config');
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name?: string; context?: { namespace?: string } }[];
}

/** Reads the context's name and namespace without loading the Kubernetes client (it costs ~1 s). */
async function readContext(
  file: string,
  wanted: string | undefined,
): Promise<{ name?: string; namespace?: string }> {
  let config: KubeconfigFile = {};
  try {
    config = ((await readYaml(readFileSync(file, 'utf8'))) ?? {}) as KubeconfigFile;
  } catch {
    return wanted === undefined ? {} : { name: wanted };
  }
  const name = wanted ?? config['current-context'];
  const namespace = config.contexts?.find((c) => c.name === name)?.context?.namespace;
  return { ...(name ? { name } : {}), ...(namespace ? { namespace } : {}) };
}

/**
 * The target of a command from its flags and the environment. The cluster is the kube context
 * (--cluster, else the kubeconfig's current one); the namespace is -n, else the context's, else `default`.
 * @throws NoClusterError when no context can be found.
 */
export async function resolveTarget(flags: Flags, env: NodeJS.ProcessEnv = process.env): Promise<Target> {
  const kubeconfig = kubeconfigOf(flags, env);
  const context = await readContext(kubeconfig, flags.cluster);
  if (context.name === undefined) throw new NoClusterError(MESSAGES.noCluster(kubeconfig));
  return {
    storeUrl: storeUrlOf(flags, env),
    kubeconfig,
    cluster: context.name,
    namespace: flags.namespace ?? context.namespace ?? DEFAULT_NAMESPACE,
  };
}

/** @throws ValidationError for a name or namespace that is not a DNS-1123 label. */
export function releaseOf(target: Target, name: string): ReleaseId {
  return parseReleaseId({ cluster: target.cluster, namespace: target.namespace, name });
}

/** Opens the store the target names; close it when done. @throws StoreConfigError */
export async function openStore(target: Target): Promise<ReleaseStore> {
  return new ReleaseStore(await openDriver(target.storeUrl));
}

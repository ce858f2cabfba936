import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { KubeConnectionError } from './errors.ts';
import { execCredentials } from './exec-credentials.ts';
import { KUBECONFIG_MESSAGES } from './messages.ts';
import { loadYamlDocuments } from './yaml.ts';

/**
 * kubeconfig files as kubectl reads them (clusters, users, contexts), without
 * `@kubernetes/client-node`: that library is ~3 MB bundled, most of a Lambda's
 * code, for what is a small YAML format. What it does not support (legacy
 * `auth-provider`) fails with a message saying what to use instead.
 */

const execSchema = z.object({
  apiVersion: z.string().optional(),
  command: z.string().min(1),
  args: z.array(z.string()).nullish(),
  env: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
  provideClusterInfo: z.boolean().optional(),
});

const clusterSchema = z.object({
  server: z.string().min(1),
  'certificate-authority': z.string().optional(),
  'certificate-authority-data': z.string().optional(),
  'insecure-skip-tls-verify': z.boolean().optional(),
  'tls-server-name': z.string().optional(),
});

const userSchema = z.object({
  token: z.string().optional(),
  tokenFile: z.string().optional(),
  'client-certificate': z.string().optional(),
  'client-certificate-data': z.string().optional(),
  'client-key': z.string().optional(),
  'client-key-data': z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  exec: execSchema.optional(),
  'auth-provider': z.object({ name: z.string() }).passthrough().optional(),
});

const contextSchema = z.object({
  cluster: z.string().min(1),
  user: z.string().optional(),
  namespace: z.string().optional(),
});

const kubeconfigSchema = z.object({
  'current-context': z.string().optional(),
  clusters: z.array(z.object({ name: z.string().min(1), cluster: clusterSchema.optional() })).nullish(),
  users: z.array(z.object({ name: z.string().min(1), user: userSchema.nullish() })).nullish(),
  contexts: z.array(z.object({ name: z.string().min(1), context: contextSchema.optional() })).nullish(),
});

type ClusterEntry = z.infer<typeof clusterSchema>;
type UserEntry = z.infer<typeof userSchema>;
type ContextEntry = z.infer<typeof contextSchema>;

/** One kubeconfig's entries by name, with the folder its relative paths are relative to. */
export interface Kubeconfig {
  readonly currentContext?: string;
  readonly clusters: ReadonlyMap<string, { entry: ClusterEntry; dir: string }>;
  readonly users: ReadonlyMap<string, { entry: UserEntry; dir: string }>;
  readonly contexts: ReadonlyMap<string, ContextEntry>;
}

/** TLS material of an API server endpoint (PEM text). */
export interface EndpointTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly insecure?: boolean;
  readonly servername?: string;
}

/** What a request presents to the API server: headers and, from exec plugins, client certificates. */
export interface Credentials {
  readonly headers: Readonly<Record<string, string>>;
  readonly cert?: string;
  readonly key?: string;
}

/**
 * Where credentials come from. `get` may cache; `refresh` drops the cache, after a 401.
 * Sources that cannot change (a static token) return the same credentials after a refresh.
 */
export interface CredentialSource {
  get(): Promise<Credentials>;
  refresh(): void;
}

/** A cluster's API server and how to authenticate to it. */
export interface ClusterEndpoint {
  /** The name connections and errors use for it (the context, or a registry name). */
  readonly name: string;
  readonly server: string;
  readonly tls: EndpointTls;
  readonly credentials: CredentialSource;
  /** The context's default namespace, when it has one. */
  readonly namespace?: string;
}

export interface LoadOptions {
  /** Run `exec` credential plugins (kubectl's `users[].user.exec`). Off where nothing may be run (Lambda). */
  readonly allowExec?: boolean;
}

/**
 * Parses kubeconfig YAML; relative file paths in it are taken relative to `dir`.
 * @throws KubeConnectionError naming the field that is wrong.
 */
export function parseKubeconfig(text: string, dir: string, source = 'kubeconfig'): Kubeconfig {
  let raw: unknown;
  try {
    // js-yaml reads a plain kubeconfig several times faster; anything else takes the yaml library.
    const fast = loadYamlDocuments(text);
    raw = (fast !== undefined && fast.length <= 1 ? fast[0] : parseYaml(text, { maxAliasCount: 100 })) ?? {};
  } catch (error) {
    throw new KubeConnectionError(KUBECONFIG_MESSAGES.unreadable(source, (error as Error).message));
  }
  const parsed = kubeconfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KubeConnectionError(
      KUBECONFIG_MESSAGES.invalid(source, issue?.path.join('.') ?? '', issue?.message ?? 'invalid'),
    );
  }
  const config = parsed.data;
  return {
    ...(config['current-context'] ? { currentContext: config['current-context'] } : {}),
    clusters: new Map(
      (config.clusters ?? []).flatMap((c) =>
        c.cluster ? [[c.name, { entry: c.cluster, dir }] as const] : [],
      ),
    ),
    users: new Map((config.users ?? []).map((u) => [u.name, { entry: u.user ?? {}, dir }] as const)),
    contexts: new Map(
      (config.contexts ?? []).flatMap((c) => (c.context ? [[c.name, c.context] as const] : [])),
    ),
  };
}

/**
 * Merges kubeconfigs as kubectl merges $KUBECONFIG: the first file to name an
 * entry (or to set current-context) wins.
 */
export function mergeKubeconfigs(configs: readonly Kubeconfig[]): Kubeconfig {
  const first = <V>(pick: (c: Kubeconfig) => ReadonlyMap<string, V>) => {
    const merged = new Map<string, V>();
    for (const config of configs) {
      for (const [name, value] of pick(config)) if (!merged.has(name)) merged.set(name, value);
    }
    return merged;
  };
  const current = configs.find((c) => c.currentContext !== undefined)?.currentContext;
  return {
    ...(current === undefined ? {} : { currentContext: current }),
    clusters: first((c) => c.clusters),
    users: first((c) => c.users),
    contexts: first((c) => c.contexts),
  };
}

/**
 * Reads a kubeconfig file, or the files of $KUBECONFIG (merged), or ~/.kube/config.
 * @throws KubeConnectionError when a file cannot be read or parsed.
 */
export function loadKubeconfig(source: { file?: string; yaml?: string } = {}): Kubeconfig {
  if (source.yaml !== undefined) return parseKubeconfig(source.yaml, process.cwd());
  const files =
    source.file !== undefined
      ? [source.file]
      : (process.env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  const paths = files.length > 0 ? files : [join(homedir(), '.kube', 'config')];
  return mergeKubeconfigs(paths.map((path) => parseKubeconfig(readText(path), dirname(path), path)));
}

/**
 * The endpoint of a context (default: the current context).
 * @throws KubeConnectionError for a missing context, cluster or user, unreadable files,
 *   or credentials quayside cannot use here.
 */
export function resolveContext(
  config: Kubeconfig,
  contextName: string | undefined,
  options: LoadOptions = {},
): ClusterEndpoint {
  const name = contextName || config.currentContext;
  if (!name) throw new KubeConnectionError(KUBECONFIG_MESSAGES.noCurrentContext);
  const context = config.contexts.get(name);
  if (!context) throw new KubeConnectionError(KUBECONFIG_MESSAGES.noContext(name));
  const cluster = config.clusters.get(context.cluster);
  if (!cluster) throw new KubeConnectionError(KUBECONFIG_MESSAGES.noCluster(name, context.cluster));
  const user = context.user === undefined ? undefined : config.users.get(context.user);
  if (context.user !== undefined && !user) {
    throw new KubeConnectionError(KUBECONFIG_MESSAGES.noUser(name, context.user));
  }
  const c = cluster.entry;
  const tls: EndpointTls = {
    ...pem('ca', c['certificate-authority-data'], c['certificate-authority'], cluster.dir),
    ...(c['insecure-skip-tls-verify'] ? { insecure: true } : {}),
    ...(c['tls-server-name'] ? { servername: c['tls-server-name'] } : {}),
  };
  return {
    name,
    server: c.server,
    tls,
    credentials: credentialSource({ name, user, server: c.server, tls, options }),
    ...(context.namespace ? { namespace: context.namespace } : {}),
  };
}

function credentialSource(input: {
  name: string;
  user: { entry: UserEntry; dir: string } | undefined;
  server: string;
  tls: EndpointTls;
  options: LoadOptions;
}): CredentialSource {
  const { user, name } = input;
  if (user === undefined) return staticCredentials({ headers: {} });
  const u = user.entry;
  if (u['auth-provider'] !== undefined) {
    throw new KubeConnectionError(KUBECONFIG_MESSAGES.authProvider(name, u['auth-provider'].name));
  }
  if (u.exec !== undefined) {
    if (!input.options.allowExec) throw new KubeConnectionError(KUBECONFIG_MESSAGES.execRefused(name));
    return execCredentials({ context: name, exec: u.exec, server: input.server, tls: input.tls });
  }
  const certs = {
    ...pem('cert', u['client-certificate-data'], u['client-certificate'], user.dir),
    ...pem('key', u['client-key-data'], u['client-key'], user.dir),
  };
  if (u.token !== undefined) return staticCredentials({ headers: bearer(u.token), ...certs });
  if (u.tokenFile !== undefined) {
    // Projected service-account tokens rotate on disk: read the file again after a 401.
    const path = resolvePath(u.tokenFile, user.dir);
    let cached: Credentials | undefined;
    return {
      get: async () => {
        cached ??= { headers: bearer(readText(path).trim()), ...certs };
        return cached;
      },
      refresh: () => {
        cached = undefined;
      },
    };
  }
  if (u.username !== undefined) {
    const basic = Buffer.from(`${u.username}:${u.password ?? ''}`).toString('base64');
    return staticCredentials({ headers: { Authorization: `Basic ${basic}` }, ...certs });
  }
  return staticCredentials({ headers: {}, ...certs });
}

function staticCredentials(credentials: Credentials): CredentialSource {
  return { get: async () => credentials, refresh: () => {} };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** PEM text from a `*-data` field (base64) or a file field, under `key`. */
function pem<K extends string>(
  key: K,
  data: string | undefined,
  file: string | undefined,
  dir: string,
): Partial<Record<K, string>> {
  if (data !== undefined) return { [key]: Buffer.from(data, 'base64').toString('utf8') } as Record<K, string>;
  if (file !== undefined) return { [key]: readText(resolvePath(file, dir)) } as Record<K, string>;
  return {};
}

function resolvePath(path: string, dir: string): string {
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : join(dir, path);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new KubeConnectionError(
      KUBECONFIG_MESSAGES.unreadable(path, (error as NodeJS.ErrnoException).code ?? String(error)),
    );
  }
}

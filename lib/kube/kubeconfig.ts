/**
 * Reading a kubeconfig's context into what a connection needs: the server, TLS material and the
 * request headers, as kubectl reads them. Bearer tokens (inline or from a file, read again on every
 * request as projected service-account tokens rotate), client certificates, basic auth and exec
 * credential plugins (the EKS authenticator, `aws eks get-token`, kubelogin…) are handled here;
 * `auth-provider` users, the deprecated predecessor of exec plugins, are left to
 * @kubernetes/client-node (see connection.ts), which is ~1 MB of modules no other user loads.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { KubeConnectionError } from './errors.ts';
import { MESSAGES } from './messages.ts';
import { readYaml } from './yaml.ts';

interface NamedEntry<T> {
  name?: string;
  cluster?: T;
  user?: T;
  context?: T;
}

interface ClusterEntry {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}

interface ExecConfig {
  command?: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
  provideClusterInfo?: boolean;
}

interface UserEntry {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  'auth-provider'?: unknown;
}

interface ContextEntry {
  cluster?: string;
  user?: string;
}

interface KubeconfigDocument {
  'current-context'?: string;
  clusters?: NamedEntry<ClusterEntry>[];
  users?: NamedEntry<UserEntry>[];
  contexts?: NamedEntry<ContextEntry>[];
}

/** What one request to a context's cluster needs. */
export interface ClusterAccess {
  readonly context: string;
  readonly server: URL;
  readonly tls: {
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
    rejectUnauthorized: boolean;
    servername?: string;
  };
  /** Headers for the next request (an exec plugin runs again once its credential expires). */
  headers(): Promise<Record<string, string>>;
}

/** A kubeconfig parsed once; `access` resolves a context, or says it needs client-node. */
export interface Kubeconfig {
  readonly currentContext: string | undefined;
  hasContext(name: string): boolean;
  /** undefined when the context's user is an `auth-provider` one. @throws KubeConnectionError */
  access(context: string): Promise<ClusterAccess | undefined>;
}

const EXEC_TIMEOUT_MS = 60_000;
// Renew an exec credential this long before it expires, so a request never carries a dead token.
const EXPIRY_MARGIN_MS = 30_000;

const named = <T>(list: NamedEntry<T>[] | undefined, name: string, key: 'cluster' | 'user' | 'context') =>
  list?.find((entry) => entry.name === name)?.[key];

/** Parses kubeconfig text; relative file paths in it are taken from `baseDir`, as kubectl does. */
export async function parseKubeconfig(text: string, baseDir: string): Promise<Kubeconfig> {
  let doc: KubeconfigDocument;
  try {
    doc = ((await readYaml(text)) ?? {}) as KubeconfigDocument;
  } catch (error) {
    throw new KubeConnectionError(MESSAGES.badKubeconfig((error as Error).message), { cause: error });
  }
  const path = (file: string) => (isAbsolute(file) ? file : join(baseDir, file));
  const bytes = async (data: string | undefined, file: string | undefined) => {
    if (data) return Buffer.from(data, 'base64');
    return file ? readFile(path(file)) : undefined;
  };
  return {
    currentContext: doc['current-context'] || undefined,
    hasContext: (name) => named(doc.contexts, name, 'context') !== undefined,
    async access(context) {
      const entry = named(doc.contexts, context, 'context');
      const cluster = entry?.cluster ? named(doc.clusters, entry.cluster, 'cluster') : undefined;
      if (!cluster?.server) throw new KubeConnectionError(MESSAGES.notConnected(context));
      const user = (entry?.user ? named(doc.users, entry.user, 'user') : undefined) ?? {};
      if (user['auth-provider'] !== undefined) return undefined;
      const tls: ClusterAccess['tls'] = {
        rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== true,
        ...(cluster['tls-server-name'] ? { servername: cluster['tls-server-name'] } : {}),
      };
      const ca = await bytes(cluster['certificate-authority-data'], cluster['certificate-authority']);
      const cert = await bytes(user['client-certificate-data'], user['client-certificate']);
      const key = await bytes(user['client-key-data'], user['client-key']);
      if (ca) tls.ca = ca;
      if (cert) tls.cert = cert;
      if (key) tls.key = key;
      const exec = user.exec ? execCredentials(user.exec, cluster, tls) : undefined;
      if (exec) await exec();
      return {
        context,
        server: new URL(cluster.server),
        tls,
        async headers(): Promise<Record<string, string>> {
          if (exec) {
            const token = (await exec()).token;
            return token ? { Authorization: `Bearer ${token}` } : {};
          }
          if (user.tokenFile) {
            return { Authorization: `Bearer ${(await readFile(path(user.tokenFile), 'utf8')).trim()}` };
          }
          if (user.token) return { Authorization: `Bearer ${user.token}` };
          if (user.username !== undefined) {
            const basic = Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64');
            return { Authorization: `Basic ${basic}` };
          }
          return {};
        },
      };
    },
  };
}

interface ExecCredential {
  token?: string;
  expiresAt?: number;
}

/**
 * Runs the exec plugin when there is no credential yet or it is about to expire; a client certificate
 * it returns goes into `tls` (first run only: the connection's TLS settings are fixed once made).
 */
function execCredentials(
  exec: ExecConfig,
  cluster: ClusterEntry,
  tls: ClusterAccess['tls'],
): () => Promise<ExecCredential> {
  let current: Promise<ExecCredential> | undefined;
  let expiresAt = 0;
  return () => {
    if (current && (expiresAt === 0 || Date.now() < expiresAt - EXPIRY_MARGIN_MS)) return current;
    current = runPlugin(exec, cluster).then((status) => {
      if (status.clientCertificateData && !tls.cert) tls.cert = Buffer.from(status.clientCertificateData);
      if (status.clientKeyData && !tls.key) tls.key = Buffer.from(status.clientKeyData);
      expiresAt = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : 0;
      return { ...(status.token ? { token: status.token } : {}) };
    });
    current.catch(() => {
      current = undefined;
    });
    return current;
  };
}

interface ExecStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

async function runPlugin(exec: ExecConfig, cluster: ClusterEntry): Promise<ExecStatus> {
  // Loaded only for exec users: most commands never start a process.
  const { execFile } = await import('node:child_process');
  const command = exec.command ?? '';
  const apiVersion = exec.apiVersion ?? 'client.authentication.k8s.io/v1';
  const info = {
    apiVersion,
    kind: 'ExecCredential',
    spec: {
      interactive: false,
      ...(exec.provideClusterInfo
        ? {
            cluster: {
              server: cluster.server,
              'certificate-authority-data': cluster['certificate-authority-data'],
              'insecure-skip-tls-verify': cluster['insecure-skip-tls-verify'],
              'tls-server-name': cluster['tls-server-name'],
            },
          }
        : {}),
    },
  };
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  for (const { name, value } of exec.env ?? []) env[name] = value;
  return new Promise((resolve, reject) => {
    execFile(command, exec.args ?? [], { env, timeout: EXEC_TIMEOUT_MS }, (error, stdout, stderr) => {
      if (error) {
        const detail = stderr.trim().split('\n').pop() || error.message;
        reject(new KubeConnectionError(MESSAGES.execFailed(command, detail), { cause: error }));
        return;
      }
      try {
        const status = (JSON.parse(stdout) as { status?: ExecStatus }).status;
        if (!status) throw new Error('no status in its ExecCredential');
        resolve(status);
      } catch (parseError) {
        reject(
          new KubeConnectionError(MESSAGES.execFailed(command, (parseError as Error).message), {
            cause: parseError,
          }),
        );
      }
    });
  });
}

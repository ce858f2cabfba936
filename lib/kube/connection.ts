import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { classifyResponse, classifyTransportError } from './classify.ts';
import { KubeConnectionError } from './errors.ts';
import { MESSAGES } from './messages.ts';
import type { ObjectRef } from './types.ts';

/** One HTTP call to the API server. `ref` is what the call is about, for error messages. */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  /** The Accept header; default `application/json`. */
  accept?: string;
  ref: ObjectRef;
}

export interface KubeResponse {
  status: number;
  body: unknown;
}

/** A discovery answer, shared while in flight; `settled` once it arrived. */
export interface DiscoveryEntry {
  settled: boolean;
  answer: Promise<ApiResource[] | undefined>;
}

/** A served resource, as discovery lists it. */
export interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/**
 * A live connection to one cluster. `send` makes exactly one attempt: it throws a classified
 * KubeApiError for a non-2xx answer and a KubeTransportError when the connection fails; retrying is
 * the caller's choice. `discover` lists a group-version's resources (the caller caches).
 */
export interface KubeConnection {
  readonly cluster: string;
  send(request: KubeRequest): Promise<KubeResponse>;
  /** Resources served for `apiVersion`, or undefined when the group-version is not served at all. */
  discover(apiVersion: string): Promise<ApiResource[] | undefined>;
  /** Cached discovery answers, shared by every operation on this connection for the life of the process. */
  readonly discoveryCache: Map<string, DiscoveryEntry>;
  close(): void;
}

/** Gives the connection for a cluster name. Implementations cache one per cluster for a warm process. */
export interface ConnectionProvider {
  connect(cluster: string): Promise<KubeConnection>;
}

// A request that gets no answer in this long is abandoned and retried as a transport error.
const REQUEST_TIMEOUT_MS = 30_000;

function queryString(query: KubeRequest['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) if (value !== undefined) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A connection that speaks HTTPS to the cluster of a loaded KubeConfig's current context. */
export function connectionFromKubeConfig(
  config: KubeConfig,
  cluster = config.getCurrentContext(),
): KubeConnection {
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new KubeConnectionError(MESSAGES.notConnected(cluster));
  const base = new URL(server);
  let agent: Agent | undefined;

  // client-node resolves TLS material and credentials (tokens, client certs, exec plugins such as
  // EKS' aws-iam-authenticator); it is asked per request so that expiring tokens are refreshed.
  async function options(): Promise<RequestOptions> {
    const opts: RequestOptions = {};
    await config.applyToHTTPSOptions(opts);
    if (!agent) {
      agent = new Agent({
        keepAlive: true,
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
        ...(opts.servername ? { servername: opts.servername } : {}),
      });
    }
    return { headers: opts.headers ?? {}, agent, ...(opts.auth ? { auth: opts.auth } : {}) };
  }

  async function send(req: KubeRequest): Promise<KubeResponse> {
    const opts = await options();
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = { Accept: req.accept ?? 'application/json' };
    for (const [key, value] of Object.entries(opts.headers ?? {})) headers[key] = String(value);
    if (payload !== undefined) headers['Content-Type'] = req.contentType ?? 'application/json';
    const prefix = base.pathname.replace(/\/$/, '');
    const response = await new Promise<{
      status: number;
      text: string;
      headers: Record<string, string | string[] | undefined>;
    }>((resolve, reject) => {
      const call = httpsRequest(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: `${prefix}${req.path}${queryString(req.query)}`,
          method: req.method,
          headers,
          agent: opts.agent,
          ...(opts.auth ? { auth: opts.auth } : {}),
          timeout: REQUEST_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              headers: res.headers,
            }),
          );
          res.on('error', reject);
        },
      );
      call.on('timeout', () =>
        call.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })),
      );
      call.on('error', reject);
      call.end(payload);
    }).catch((error: unknown) => {
      throw classifyTransportError(req.ref, error);
    });
    const body = parseBody(response.text);
    if (response.status < 200 || response.status > 299) {
      throw classifyResponse(req.ref, { status: response.status, body, headers: response.headers });
    }
    return { status: response.status, body };
  }

  async function discover(apiVersion: string): Promise<ApiResource[] | undefined> {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ref = { apiVersion, kind: 'APIResourceList', name: apiVersion };
    try {
      const { body } = await send({ method: 'GET', path, ref });
      const resources = (body as { resources?: ApiResource[] }).resources ?? [];
      // Subresources (`deployments/status`) are not kinds one applies.
      return resources.filter((r) => !r.name.includes('/'));
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  return {
    cluster,
    send,
    discover,
    discoveryCache: new Map(),
    close: () => agent?.destroy(),
  };
}

/**
 * Connections from a kubeconfig (a file, or its YAML text), one per context: the cluster name given
 * to `connect` is a context name, or '' for the kubeconfig's current (or the given default) context.
 * Connections and their discovery caches live as long as the provider. `connect` rejects with
 * KubeConnectionError for a context the kubeconfig does not have.
 */
export function kubeconfigConnectionProvider(source: {
  file?: string;
  yaml?: string;
  context?: string;
}): ConnectionProvider {
  // Promises are cached so that concurrent first requests for a cluster share one connection.
  const connections = new Map<string, Promise<KubeConnection>>();

  async function open(cluster: string): Promise<KubeConnection> {
    // Loaded on first connect, not at import: client-node is most of this part's cold start
    // (about a second), and actions such as history never touch a cluster.
    const { KubeConfig } = await import('@kubernetes/client-node');
    const config = new KubeConfig();
    if (source.yaml !== undefined) config.loadFromString(source.yaml);
    else if (source.file !== undefined) config.loadFromFile(source.file);
    else config.loadFromDefault();
    const context = cluster || source.context || config.getCurrentContext();
    if (!config.getContextObject(context)) throw new KubeConnectionError(MESSAGES.notConnected(context));
    config.setCurrentContext(context);
    return connectionFromKubeConfig(config, context);
  }

  return {
    connect(cluster: string): Promise<KubeConnection> {
      const cached = connections.get(cluster);
      if (cached) return cached;
      const opening = open(cluster);
      connections.set(cluster, opening);
      // A cluster that cannot be connected is not remembered: its kubeconfig may be fixed meanwhile.
      opening.catch(() => connections.delete(cluster));
      return opening;
    },
  };
}

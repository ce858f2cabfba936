import { readFile } from 'node:fs/promises';
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { dirname, resolve } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { classifyResponse, classifyTransportError } from './classify.ts';
import { KubeConnectionError, KubeUnavailableError } from './errors.ts';
import { RequestGate } from './gate.ts';
import { type ClusterAccess, parseKubeconfig } from './kubeconfig.ts';
import { MESSAGES } from './messages.ts';
import type { ObjectRef } from './types.ts';

/** One HTTP call to the API server. `ref` is what the call is about, for error messages. */
export interface KubeRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
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
// Requests in flight on one connection at most (fewer after the server answers 429, see RequestGate).
// Each is a keep-alive socket; sixteen keep a 50-object kind busy without a queue at the server.
const MAX_IN_FLIGHT = 16;

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

/** A connection over HTTPS to the cluster `access` describes; requests share keep-alive sockets. */
export function connectionFromAccess(access: ClusterAccess, cluster = access.context): KubeConnection {
  const base = access.server;
  const prefix = base.pathname.replace(/\/$/, '');
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT, ...access.tls });
  const gate = new RequestGate(MAX_IN_FLIGHT);

  function exchange(
    req: KubeRequest,
    headers: Record<string, string>,
    payload: string | undefined,
  ): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> {
    return new Promise((resolve, reject) => {
      const call = httpsRequest(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: `${prefix}${req.path}${queryString(req.query)}`,
          method: req.method,
          headers,
          agent,
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
    });
  }

  async function send(req: KubeRequest): Promise<KubeResponse> {
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = { Accept: 'application/json', ...(await access.headers()) };
    if (payload !== undefined) headers['Content-Type'] = req.contentType ?? 'application/json';
    await gate.enter();
    let response: Awaited<ReturnType<typeof exchange>>;
    try {
      response = await exchange(req, headers, payload);
    } catch (error) {
      gate.leave('done');
      throw classifyTransportError(req.ref, error);
    }
    const body = parseBody(response.text);
    if (response.status < 200 || response.status > 299) {
      const error = classifyResponse(req.ref, { status: response.status, body, headers: response.headers });
      gate.leave(error instanceof KubeUnavailableError && response.status === 429 ? 'throttled' : 'done');
      throw error;
    }
    gate.leave('done');
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
    close: () => agent.destroy(),
  };
}

/**
 * The access @kubernetes/client-node gives a context of its KubeConfig: the users it alone handles
 * (`auth-provider`) and the in-cluster service account are resolved by it, per request.
 */
async function accessFromClientNode(config: KubeConfig, context: string): Promise<ClusterAccess> {
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new KubeConnectionError(MESSAGES.notConnected(context));
  const options = async (): Promise<RequestOptions> => {
    const opts: RequestOptions = {};
    await config.applyToHTTPSOptions(opts);
    return opts;
  };
  const first = await options();
  const material = (value: unknown) => (value === undefined ? undefined : Buffer.from(value as string));
  const tls: ClusterAccess['tls'] = { rejectUnauthorized: first.rejectUnauthorized ?? true };
  const [ca, cert, key] = [material(first.ca), material(first.cert), material(first.key)];
  if (ca) tls.ca = ca;
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  if (first.servername) tls.servername = first.servername;
  return {
    context,
    server: new URL(server),
    tls,
    async headers() {
      const opts = await options();
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(opts.headers ?? {})) headers[name] = String(value);
      if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
      return headers;
    },
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
    if (source.yaml === undefined && source.file === undefined) return openWithClientNode(cluster);
    const text = source.yaml ?? (await readKubeconfig(source.file!));
    const config = await parseKubeconfig(text, source.file ? dirname(resolve(source.file)) : process.cwd());
    const context = cluster || source.context || config.currentContext || '';
    if (!config.hasContext(context)) throw new KubeConnectionError(MESSAGES.notConnected(context));
    const access = await config.access(context);
    return access ? connectionFromAccess(access) : openWithClientNode(context);
  }

  // Loaded only for what the kubeconfig reader leaves to it (auth-provider users, in-cluster or
  // default loading): client-node is ~1 MB of modules, most of a CLI's start-up if always loaded.
  async function openWithClientNode(cluster: string): Promise<KubeConnection> {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const config = new KubeConfig();
    if (source.yaml !== undefined) config.loadFromString(source.yaml);
    else if (source.file !== undefined) config.loadFromFile(source.file);
    else config.loadFromDefault();
    const context = cluster || source.context || config.getCurrentContext();
    if (!config.getContextObject(context)) throw new KubeConnectionError(MESSAGES.notConnected(context));
    config.setCurrentContext(context);
    return connectionFromAccess(await accessFromClientNode(config, context));
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

async function readKubeconfig(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new KubeConnectionError(MESSAGES.badKubeconfig((error as Error).message), { cause: error });
  }
}

import type { Agent } from 'node:https';
import { classifyResponse, classifyTransportError } from './classify.ts';
import { RequestGate } from './gate.ts';
import {
  type ClusterEndpoint,
  type Credentials,
  type LoadOptions,
  loadKubeconfig,
  resolveContext,
} from './kubeconfig.ts';
import type { RootDiscovery } from './root-discovery.ts';
import { serverCertificateVerifier } from './server-verifier.ts';
import type { ObjectRef } from './types.ts';
import { verifyingAgent } from './verifying-agent.ts';

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

/** A read shared while in flight; `settled` once it answered (see client.ts's sharedRead). */
export interface SharedRead<T> {
  settled: boolean;
  answer: Promise<T>;
}

/** A group-version's discovery answer. */
export type DiscoveryEntry = SharedRead<ApiResource[] | undefined>;

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
  /** The last read of the discovery roots (see KubeClient.groupVersions); none until one is needed. */
  rootDiscovery?: SharedRead<RootDiscovery>;
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

interface RawResponse {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The Kubernetes verb of a request, as the API server's authorizer sees it. */
function verbOf(req: KubeRequest): string {
  const named = req.ref.name !== '' && req.path.split('/').includes(req.ref.name);
  switch (req.method) {
    case 'GET':
      return named ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
  }
}

/**
 * A connection that speaks HTTPS to one API server. Credentials are asked for per
 * request, so that expiring tokens are renewed; a 401 makes the source fetch them
 * again and the request is tried once more, as client-go does.
 */
export function connectionFromEndpoint(endpoint: ClusterEndpoint): KubeConnection {
  const base = new URL(endpoint.server);
  const cluster = endpoint.name;
  const gate = new RequestGate(MAX_IN_FLIGHT);
  let agent: { agent: Agent; cert: string | undefined; key: string | undefined } | undefined;

  // One keep-alive agent per connection; rebuilt only when a plugin hands out a new client certificate.
  function agentFor(credentials: Credentials): Agent {
    const cert = credentials.cert ?? endpoint.tls.cert;
    const key = credentials.key ?? endpoint.tls.key;
    if (agent !== undefined && agent.cert === cert && agent.key === key) return agent.agent;
    agent?.agent.destroy();
    const options = {
      keepAlive: true,
      maxSockets: MAX_IN_FLIGHT,
      ...(endpoint.tls.servername ? { servername: endpoint.tls.servername } : {}),
    };
    const material = { ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
    const { ca, insecure } = endpoint.tls;
    const verifier = serverCertificateVerifier();
    // One TLS context (the CA and client certificate parsed once) for all of the agent's sockets;
    // given the PEM texts instead, Node parses them again for every new connection.
    // Node's TLS modules are reached when first needed: the CLI's start-up snapshot holds this module,
    // and cannot hold them.
    const { createSecureContext } = process.getBuiltinModule('node:tls');
    const standardContext = () => createSecureContext({ ...(ca === undefined ? {} : { ca }), ...material });
    const created =
      verifier !== undefined && ca !== undefined && !insecure
        ? verifyingAgent({
            ...options,
            // No trusted certificates at all (`ca: []` is not "Node's roots"): the verifier decides.
            secureContext: createSecureContext({ ca: [], ...material }),
            standardContext,
            ca,
            serverName: endpoint.tls.servername ?? base.hostname.replace(/^\[(.*)\]$/, '$1'),
            verifier,
            connectTimeout: REQUEST_TIMEOUT_MS,
          })
        : new (process.getBuiltinModule('node:https').Agent)({
            ...options,
            secureContext: standardContext(),
            ...(insecure ? { rejectUnauthorized: false } : {}),
          });
    agent = { agent: created, cert, key };
    return created;
  }

  async function attempt(req: KubeRequest, credentials: Credentials): Promise<RawResponse> {
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = {
      Accept: req.accept ?? 'application/json',
      ...credentials.headers,
    };
    if (payload !== undefined) headers['Content-Type'] = req.contentType ?? 'application/json';
    const prefix = base.pathname.replace(/\/$/, '');
    return new Promise<RawResponse>((resolve, reject) => {
      const call = process.getBuiltinModule('node:https').request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: `${prefix}${req.path}${queryString(req.query)}`,
          method: req.method,
          headers,
          agent: agentFor(credentials),
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
  }

  async function send(req: KubeRequest): Promise<KubeResponse> {
    const credentials = await endpoint.credentials.get();
    await gate.enter();
    let response: RawResponse;
    try {
      response = await attempt(req, credentials);
      if (response.status === 401) {
        endpoint.credentials.refresh();
        response = await attempt(req, await endpoint.credentials.get());
      }
    } catch (error) {
      gate.leave('done');
      throw error;
    }
    gate.leave(response.status === 429 ? 'throttled' : 'done');
    const body = parseBody(response.text);
    if (response.status < 200 || response.status > 299) {
      throw classifyResponse(
        req.ref,
        { status: response.status, body, headers: response.headers },
        { cluster, verb: verbOf(req) },
      );
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
    close: () => agent?.agent.destroy(),
  };
}

/**
 * Connections from a kubeconfig (a file, its YAML text, or kubectl's default: $KUBECONFIG, else
 * ~/.kube/config), one per context: the cluster name given to `connect` is a context name, or '' for
 * the given default context, else the kubeconfig's current one. Connections and their discovery
 * caches live as long as the provider. `connect` rejects with KubeConnectionError for a context the
 * kubeconfig does not have, or credentials it may not use (exec plugins unless `allowExec`).
 */
export function kubeconfigConnectionProvider(
  source: { file?: string; yaml?: string; context?: string } & LoadOptions,
): ConnectionProvider {
  // Promises are cached so that concurrent first requests for a cluster share one connection.
  const connections = new Map<string, Promise<KubeConnection>>();

  async function open(cluster: string): Promise<KubeConnection> {
    const config = loadKubeconfig(source);
    const endpoint = resolveContext(config, cluster || source.context, {
      allowExec: source.allowExec ?? true,
    });
    return connectionFromEndpoint(endpoint);
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

/** Public types of the simulator's in-process API. */
import type { SimStateSaveError } from './errors.ts';

export interface SimulatorOptions {
  /** Port on 127.0.0.1; default: a free port. */
  port?: number;
  /** Keep objects across restarts in this directory (standalone `--state`). */
  stateDir?: string;
  /** Told when saving `stateDir` fails (the simulator keeps serving and retries); default: a process warning. */
  onStateSaveError?: (error: SimStateSaveError) => void;
  /** Told when a save succeeds after failures; default: a process warning. */
  onStateSaveRecovered?: (dir: string) => void;
  /** Also write the kubeconfig to this file. */
  kubeconfigPath?: string;
  /** Delay of one controller step (a rollout step, a pod start); default 1000. Tests use 20-50. */
  rolloutStepMs?: number;
  /** Extra image reference substrings that never pull. */
  unpullable?: string[];
  /** Clock for timestamps; default: the system clock. */
  clock?: () => Date;
  /** UID generator; default: random UUIDs. */
  newUid?: () => string;
  /** Authenticate as an EKS cluster does (EKS tokens, access per identity), besides the simulator's own token. */
  eks?: EksModeOptions;
  /** Serve only the legacy discovery documents, as a server before Kubernetes 1.26 does (no aggregated discovery). */
  legacyDiscovery?: boolean;
}

/** EKS mode: which tokens the simulator accepts, and what each identity may do. */
export interface EksModeOptions {
  /** The cluster's name: the `x-k8s-aws-id` a token must have signed. */
  clusterName: string;
  /** Hosts (`host` or `host:port`) a token's presigned URL may name: STS's, or a loopback stub's. */
  stsHosts: readonly string[];
  /** The CA (PEM) to trust when replaying a token to STS (a loopback stub's); the system's otherwise. */
  stsCa?: string;
  /**
   * Access entries, by IAM principal ARN (a role as `arn:aws:iam::A:role/R`): everything, or
   * namespaced objects in the listed namespaces only (an access policy scoped to namespaces).
   * An identity STS vouches for but without an entry gets 401, as on EKS.
   */
  access: Readonly<Record<string, 'cluster' | { readonly namespaces: readonly string[] }>>;
}

export interface FaultSpec {
  latencyMs?: number;
  errors?: Array<{ verbs?: string[]; rate: number; status: 429 | 500 | 503; retryAfterSeconds?: number }>;
  /** Fraction of connections destroyed without a response. */
  dropRate?: number;
  /** Seed for deterministic randomness. */
  seed?: number;
}

export interface RequestLogEntry {
  method: string;
  verb: string;
  path: string;
  /** The query string as sent (`?labelSelector=…`), or '' when there is none. */
  query: string;
  status: number;
  at: number;
}

export interface Simulator {
  /** https://127.0.0.1:PORT */
  url: string;
  /** kubeconfig YAML text: cluster CA, server, bearer-token user, one context. */
  kubeconfig: string;
  kubeconfigPath?: string;
  token: string;
  caPem: string;
  /** Every API request, for counting calls. */
  requests: RequestLogEntry[];
  /** Why each refused EKS token was refused, as the API server logs it (EKS mode). */
  authFailures: string[];
  injectFaults(spec: FaultSpec): void;
  clearFaults(): void;
  /** Back to a fresh cluster (default namespaces only). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

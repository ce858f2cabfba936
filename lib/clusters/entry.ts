import { type FieldProblem, findClusterNameProblems, ValidationError } from '../domain/index.ts';
import { ENTRY_MESSAGES } from './messages.ts';

/**
 * How one named cluster is reached. The name is what requests and releases use
 * (`release.cluster`); the rest says where the API server is and who quayside is there.
 */
export type ClusterEntry = EksEntry | KubeconfigSecretEntry | ContextEntry;
export type ClusterKind = ClusterEntry['kind'];
export const CLUSTER_KINDS: readonly ClusterKind[] = ['eks', 'kubeconfig', 'context'];

interface EntryBase {
  readonly name: string;
  /** When the entry was written (ISO 8601). */
  readonly addedAt: string;
  /** Who wrote it (the CLI's user), for `cluster show`. */
  readonly addedBy?: string;
}

/** An EKS cluster, reached with an EKS token (presigned STS GetCallerIdentity) of the worker's role or of `roleArn`. */
export interface EksEntry extends EntryBase {
  readonly kind: 'eks';
  /** The EKS cluster's name in its account and region. */
  readonly clusterName: string;
  readonly region: string;
  /** A role to assume first (another account's, usually); DescribeCluster and the token are then that role's. */
  readonly roleArn?: string;
  /** The external id the role's trust policy asks for. */
  readonly externalId?: string;
  /** The API server URL, pinned: with `caData`, DescribeCluster is never called. */
  readonly endpoint?: string;
  /** The cluster's CA bundle as EKS gives it (base64 of PEM), pinned with `endpoint`. */
  readonly caData?: string;
}

/** A cluster reached with a kubeconfig kept in AWS Secrets Manager (clusters that are not EKS). */
export interface KubeconfigSecretEntry extends EntryBase {
  readonly kind: 'kubeconfig';
  /** The secret's name or ARN. */
  readonly secretId: string;
  /** The kubeconfig context to use; its current context when absent. */
  readonly context?: string;
}

/** A context of a kubeconfig file on this machine: for the CLI and the local stack, never for Lambda. */
export interface ContextEntry extends EntryBase {
  readonly kind: 'context';
  readonly context: string;
  /** The kubeconfig file; the reader's own ($KUBECONFIG, ~/.kube/config) when absent. */
  readonly kubeconfig?: string;
}

/** What `cluster add` gives: an entry without the fields the registry fills in. */
export type ClusterEntryInput =
  | Omit<EksEntry, 'addedAt'>
  | Omit<KubeconfigSecretEntry, 'addedAt'>
  | Omit<ContextEntry, 'addedAt'>;

// EKS's own limits: CreateCluster's name pattern, and the partitions' region names.
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
// AssumeRole's ExternalId: 2-1224 characters of [\w+=,.@:/-].
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const SECRET_ID = /^[\w/+=.@:-]{1,2048}$/;

/**
 * Checks an entry before it is stored: names, region, role ARN, external id, a pinned endpoint
 * (https, with its CA) and the fields each kind needs.
 * @throws ValidationError naming every field that is wrong.
 */
export function validateClusterEntry(input: ClusterEntryInput): ClusterEntryInput {
  const problems: FieldProblem[] = [...findClusterNameProblems(input.name, 'name')];
  const check = (ok: boolean, field: string, message: string) => {
    if (!ok) problems.push({ field, message });
  };
  switch (input.kind) {
    case 'eks': {
      check(
        EKS_CLUSTER_NAME.test(input.clusterName),
        'clusterName',
        ENTRY_MESSAGES.eksName(input.clusterName),
      );
      check(REGION.test(input.region), 'region', ENTRY_MESSAGES.region(input.region));
      if (input.roleArn !== undefined) check(ROLE_ARN.test(input.roleArn), 'roleArn', ENTRY_MESSAGES.roleArn);
      if (input.externalId !== undefined) {
        check(input.roleArn !== undefined, 'externalId', ENTRY_MESSAGES.externalIdWithoutRole);
        check(EXTERNAL_ID.test(input.externalId), 'externalId', ENTRY_MESSAGES.externalId);
      }
      problems.push(...pinnedProblems(input.endpoint, input.caData));
      break;
    }
    case 'kubeconfig':
      check(SECRET_ID.test(input.secretId), 'secretId', ENTRY_MESSAGES.secretId);
      if (input.context !== undefined) check(input.context !== '', 'context', ENTRY_MESSAGES.emptyContext);
      break;
    case 'context':
      check(input.context !== '', 'context', ENTRY_MESSAGES.emptyContext);
      if (input.kubeconfig !== undefined)
        check(input.kubeconfig !== '', 'kubeconfig', ENTRY_MESSAGES.emptyFile);
      break;
    default:
      problems.push({
        field: 'kind',
        message: ENTRY_MESSAGES.kind(String((input as { kind: unknown }).kind)),
      });
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return input;
}

function pinnedProblems(endpoint: string | undefined, caData: string | undefined): FieldProblem[] {
  if (endpoint === undefined && caData === undefined) return [];
  if (endpoint === undefined || caData === undefined) {
    return [{ field: endpoint === undefined ? 'endpoint' : 'caData', message: ENTRY_MESSAGES.pinnedPair }];
  }
  const problems: FieldProblem[] = [];
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    // Reported below.
  }
  if (url?.protocol !== 'https:') problems.push({ field: 'endpoint', message: ENTRY_MESSAGES.endpoint });
  const pem = Buffer.from(caData, 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push({ field: 'caData', message: ENTRY_MESSAGES.caData });
  }
  return problems;
}

/** One line saying where an entry points, for `cluster list` and messages. */
export function describeTarget(entry: ClusterEntryInput): string {
  switch (entry.kind) {
    case 'eks': {
      const role = entry.roleArn === undefined ? '' : ` as ${entry.roleArn}`;
      const pinned = entry.endpoint === undefined ? '' : ` at ${entry.endpoint}`;
      return `EKS ${entry.clusterName} in ${entry.region}${role}${pinned}`;
    }
    case 'kubeconfig':
      return `secret ${entry.secretId}${entry.context === undefined ? '' : `, context ${entry.context}`}`;
    case 'context':
      return `context ${entry.context}${entry.kubeconfig === undefined ? '' : ` of ${entry.kubeconfig}`}`;
  }
}

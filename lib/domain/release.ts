import { type FieldProblem, ValidationError } from './errors.ts';

/** Where a release lives and what it is called: the unit of ordering and of history. */
export interface ReleaseId {
  readonly cluster: string;
  readonly namespace: string;
  readonly name: string;
}

/** Helm limits release names to 53 characters so that derived object names stay within 63. */
export const RELEASE_NAME_MAX = 53;
export const NAMESPACE_MAX = 63;
export const CLUSTER_MAX = 100;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// Cluster names become part of SQS message group ids and store keys, where '/' and '#' are separators.
const CLUSTER_NAME = /^[A-Za-z0-9]([A-Za-z0-9._:@-]*[A-Za-z0-9])?$/;

function checkLabel(field: string, value: unknown, max: number, what: string): FieldProblem[] {
  if (typeof value !== 'string' || value.length === 0) return [{ field, message: `${what} is required` }];
  if (value.length > max) {
    return [{ field, message: `${what} "${value}" is ${value.length} characters long; the limit is ${max}` }];
  }
  if (!DNS1123_LABEL.test(value)) {
    return [
      {
        field,
        message: `${what} "${value}" must be a DNS-1123 label: lower case letters, digits and '-', starting and ending with a letter or digit`,
      },
    ];
  }
  return [];
}

/** Problems with a release identity, empty when it is valid. `prefix` names the enclosing field. */
export function findReleaseIdProblems(
  id: Partial<Record<keyof ReleaseId, unknown>>,
  prefix = 'release',
): FieldProblem[] {
  const problems = [
    ...checkLabel(`${prefix}.name`, id.name, RELEASE_NAME_MAX, 'release name'),
    ...checkLabel(`${prefix}.namespace`, id.namespace, NAMESPACE_MAX, 'namespace'),
  ];
  problems.push(...findClusterNameProblems(id.cluster, `${prefix}.cluster`));
  return problems;
}

/** Problems with a cluster name (as releases and the cluster registry use it), empty when it is valid. */
export function findClusterNameProblems(cluster: unknown, field: string): FieldProblem[] {
  if (typeof cluster !== 'string' || cluster.length === 0) return [{ field, message: 'cluster is required' }];
  if (cluster.length > CLUSTER_MAX || !CLUSTER_NAME.test(cluster)) {
    return [
      {
        field,
        message: `cluster "${cluster}" must be 1-${CLUSTER_MAX} letters, digits or . _ : @ -, starting and ending with a letter or digit`,
      },
    ];
  }
  return [];
}

/**
 * Returns the identity unchanged when valid.
 * @throws ValidationError naming each invalid field.
 */
export function parseReleaseId(id: Partial<Record<keyof ReleaseId, unknown>>): ReleaseId {
  const problems = findReleaseIdProblems(id);
  if (problems.length > 0) throw new ValidationError(problems);
  return { cluster: id.cluster as string, namespace: id.namespace as string, name: id.name as string };
}

/** `cluster/namespace/name`: the SQS message group id and the name used in logs. */
export function formatReleaseId(id: ReleaseId): string {
  return `${id.cluster}/${id.namespace}/${id.name}`;
}

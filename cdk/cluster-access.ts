import { Token } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** One EKS cluster of the registry, as the stack grants access to it. */
export interface EksClusterAccess {
  /** `arn:aws:eks:REGION:ACCOUNT:cluster/NAME`. */
  readonly clusterArn: string;
  /**
   * The role the registry entry assumes (`--role-arn`), usually in the cluster's account: the worker
   * may assume it, and DescribeCluster is that role's business (its own policy), not the worker's.
   */
  readonly roleArn?: string;
}

export interface ClusterAccessProps {
  /** The functions that reach the clusters: the worker, and the automation's guard (it reads health). */
  readonly functions: readonly IFunction[];
  readonly eksClusters?: readonly EksClusterAccess[];
  /** Secrets Manager secrets (names or full ARNs) of the registry's `kubeconfig` entries. */
  readonly kubeconfigSecrets?: readonly string[];
}

const CLUSTER_ARN = /^arn:aws[a-z-]*:eks:[a-z0-9-]+:\d{12}:cluster\/[0-9A-Za-z][A-Za-z0-9_-]*$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * What the worker (and the guard) may do to reach the registered clusters, and nothing more: `eks:DescribeCluster`
 * on each cluster it reaches with its own role, `sts:AssumeRole` on each role an entry names, and
 * `GetSecretValue` on each kubeconfig secret. EKS tokens need no permission of their own (GetCallerIdentity
 * is allowed to everyone); what the worker may do inside a cluster is the cluster's access entry.
 */
export class ClusterAccess extends Construct {
  constructor(scope: Construct, id: string, props: ClusterAccessProps) {
    super(scope, id);
    const clusters = props.eksClusters ?? [];
    for (const [i, cluster] of clusters.entries()) {
      check(
        cluster.clusterArn,
        CLUSTER_ARN,
        `eksClusters[${i}].clusterArn`,
        'arn:aws:eks:REGION:ACCOUNT:cluster/NAME',
      );
      if (cluster.roleArn !== undefined) {
        check(cluster.roleArn, ROLE_ARN, `eksClusters[${i}].roleArn`, 'arn:aws:iam::ACCOUNT:role/NAME');
      }
    }
    const direct = clusters.filter((c) => c.roleArn === undefined).map((c) => c.clusterArn);
    if (direct.length > 0) {
      for (const fn of props.functions) {
        fn.addToRolePolicy(
          new PolicyStatement({ actions: ['eks:DescribeCluster'], resources: unique(direct) }),
        );
      }
    }
    const roles = clusters.flatMap((c) => (c.roleArn === undefined ? [] : [c.roleArn]));
    if (roles.length > 0) {
      for (const fn of props.functions) {
        fn.addToRolePolicy(new PolicyStatement({ actions: ['sts:AssumeRole'], resources: unique(roles) }));
      }
    }
    for (const [i, secret] of (props.kubeconfigSecrets ?? []).entries()) {
      const imported = secret.startsWith('arn:')
        ? Secret.fromSecretCompleteArn(this, `Secret${i}`, secret)
        : Secret.fromSecretNameV2(this, `Secret${i}`, secret);
      for (const fn of props.functions) imported.grantRead(fn);
    }
  }
}

function check(value: string, pattern: RegExp, field: string, form: string): void {
  if (Token.isUnresolved(value) || pattern.test(value)) return;
  throw new Error(`${field}: "${value}" is not ${form}`);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

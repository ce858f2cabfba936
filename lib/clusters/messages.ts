/** Every text the cluster part shows users, in one place. */
export const CLUSTER_MESSAGES = {
  secretUnreadable: (secretId: string, reason: string) =>
    `cannot read the kubeconfig secret "${secretId}" from Secrets Manager (${reason}); check that it exists and that the worker's role may read it`,
  secretEmpty: (secretId: string) => `the kubeconfig secret "${secretId}" holds no text`,
  unknownCluster: (name: string, registered: readonly string[], contexts: readonly string[]) => {
    const known =
      registered.length === 0
        ? 'no cluster is registered'
        : `registered clusters: ${registered.map((n) => `"${n}"`).join(', ')}`;
    const fallback =
      contexts.length === 0
        ? ''
        : `; the worker's kubeconfig also has the contexts ${contexts.map((n) => `"${n}"`).join(', ')}`;
    return `cluster "${name}" is not registered (${known}${fallback}); add it with "quayside cluster add ${name} --eks CLUSTER --region REGION" (or --kubeconfig-secret SECRET), see "Adding a cluster in AWS, step by step" in the README`;
  },
  registryUnreadable: (reason: string) =>
    `cannot read the cluster registry (${reason}); requests wait until the store answers`,
  corruptEntry: (name: string, reason: string) => `cluster entry "${name}" is unreadable: ${reason}`,
  exists: (name: string, target: string) =>
    `cluster "${name}" is already registered (${target}); pass --upsert to replace it`,
  kubeconfigUnreadable: (file: string, reason: string) => `cannot read kubeconfig ${file}: ${reason}`,
  contextInLambda: (name: string) =>
    `cluster "${name}" is a kube context of a file on one machine; the worker in AWS cannot read it: register it as --eks or --kubeconfig-secret`,
} as const;

/** What is wrong with a cluster entry someone asked to add. */
export const ENTRY_MESSAGES = {
  eksName: (value: string) =>
    `"${value}" is not an EKS cluster name (1-100 letters, digits, - and _, starting with a letter or digit)`,
  region: (value: string) => `"${value}" is not an AWS region (such as eu-west-1)`,
  roleArn: 'must be an IAM role ARN: arn:aws:iam::ACCOUNT:role/NAME',
  externalId: 'must be 2-1224 characters of letters, digits and + = , . @ : / - _',
  externalIdWithoutRole: 'an external id goes with a role to assume (--role-arn)',
  pinnedPair:
    'a pinned endpoint needs its CA, and a CA its endpoint (give both, or neither to ask DescribeCluster)',
  endpoint: 'must be an https:// URL',
  caData:
    'must be the base64 of the cluster CA in PEM, as "aws eks describe-cluster" prints certificateAuthority.data',
  secretId: 'must be a Secrets Manager secret name or ARN',
  emptyContext: 'must name a context',
  emptyFile: 'must name a file',
  kind: (kind: string) => `"${kind}" is not a kind of cluster entry (eks, kubeconfig, context)`,
} as const;

/** What goes wrong reaching an EKS cluster, said so that whoever reads it knows what to fix. */
export const EKS_MESSAGES = {
  assumeRoleFailed: (cluster: string, roleArn: string, code: string) =>
    `cluster "${cluster}": cannot assume ${roleArn} (${code}); its trust policy must allow the worker's role (and the external id, when the entry has one) to call sts:AssumeRole, and the worker's role must be allowed to assume it`,
  describeFailed: (cluster: string, eksName: string, region: string, code: string) =>
    `cluster "${cluster}": DescribeCluster of EKS cluster "${eksName}" in ${region} failed (${code}); check the entry (quayside cluster show ${cluster}) and that the role may call eks:DescribeCluster on it, or pin --endpoint and --ca-data`,
  notReady: (cluster: string, eksName: string, status: string) =>
    `cluster "${cluster}": EKS cluster "${eksName}" has no endpoint yet (status ${status})`,
  noCredentials: (cluster: string, detail: string) =>
    `cluster "${cluster}": no AWS credentials to sign an EKS token with (${detail})`,
} as const;

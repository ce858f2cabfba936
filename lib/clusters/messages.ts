/** Every text the cluster part shows users, in one place. */
export const CLUSTER_MESSAGES = {
  secretUnreadable: (secretId: string, reason: string) =>
    `cannot read the kubeconfig secret "${secretId}" from Secrets Manager (${reason}); check that it exists and that the worker's role may read it`,
  secretEmpty: (secretId: string) => `the kubeconfig secret "${secretId}" holds no text`,
} as const;

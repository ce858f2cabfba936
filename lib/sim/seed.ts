/** The objects a fresh cluster starts with. */
import { type Cluster, timestamp } from './cluster.ts';

export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export function seedCluster(cluster: Cluster): void {
  const namespaces = cluster.registry.builtIn('Namespace');
  for (const name of DEFAULT_NAMESPACES) {
    cluster.store.put(namespaces, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        uid: cluster.newUid(),
        creationTimestamp: timestamp(cluster),
        labels: { 'kubernetes.io/metadata.name': name },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }
  cluster.store.put(cluster.registry.builtIn('Service'), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      uid: cluster.newUid(),
      creationTimestamp: timestamp(cluster),
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    },
    status: { loadBalancer: {} },
  });
}

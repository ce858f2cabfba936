/** The objects a fresh cluster starts with. */
import { type Cluster, timestamp } from './cluster.ts';
import { NODE_IP, NODE_NAME } from './controllers/context.ts';

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
  const now = timestamp(cluster);
  cluster.store.put(cluster.registry.builtIn('Node'), {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: NODE_NAME,
      uid: cluster.newUid(),
      creationTimestamp: now,
      labels: {
        'kubernetes.io/hostname': NODE_NAME,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/control-plane': '',
      },
    },
    spec: {},
    status: {
      addresses: [
        { type: 'InternalIP', address: NODE_IP },
        { type: 'Hostname', address: NODE_NAME },
      ],
      capacity: { cpu: '8', memory: '16Gi', pods: '110' },
      allocatable: { cpu: '8', memory: '16Gi', pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.0',
        containerRuntimeVersion: 'containerd://1.7.0',
        operatingSystem: 'linux',
        architecture: 'amd64',
        osImage: 'quayside simulator',
        kernelVersion: '',
        kubeProxyVersion: '',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  });
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

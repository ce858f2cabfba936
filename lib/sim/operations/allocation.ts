/** ClusterIP and NodePort allocation for Services, from 10.96.0.0/12 and 30000-32767 like a default cluster. */
import { getArray, getString, isObject, type JsonObject } from '../json.ts';
import type { ResourceType } from '../resources.ts';
import type { ObjectStore } from '../store.ts';

const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

function usedBy(store: ObjectStore, services: ResourceType) {
  const ips = new Set<string>();
  const nodePorts = new Set<number>();
  for (const service of store.list(services)) {
    for (const ip of getArray(service, ['spec', 'clusterIPs'])) if (typeof ip === 'string') ips.add(ip);
    for (const port of getArray(service, ['spec', 'ports'])) {
      if (isObject(port) && typeof port.nodePort === 'number') nodePorts.add(port.nodePort);
    }
  }
  return { ips, nodePorts };
}

function needsNodePorts(spec: JsonObject): boolean {
  return (
    spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false)
  );
}

/** Fills clusterIP/clusterIPs and nodePorts the way the Service REST storage allocates them. */
export function allocateServiceAddresses(options: {
  store: ObjectStore;
  services: ResourceType;
  spec: JsonObject;
  previous?: JsonObject;
}): void {
  const { spec, previous } = options;
  const used = usedBy(options.store, options.services);
  if (spec.type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else {
    const previousIPs = getArray(previous, ['clusterIPs']);
    const asked = getString(spec, ['clusterIP']);
    if (!asked && previousIPs.length > 0) {
      spec.clusterIPs = previousIPs;
      spec.clusterIP = previousIPs[0] ?? null;
    } else if (asked === 'None') {
      spec.clusterIPs = ['None'];
    } else if (asked) {
      const ips = getArray(spec, ['clusterIPs']);
      if (ips.length === 0 || ips[0] !== asked) spec.clusterIPs = [asked];
    } else {
      for (let n = 10; ; n += 1) {
        const ip = `10.96.${Math.floor(n / 250)}.${(n % 250) + 1}`;
        if (!used.ips.has(ip)) {
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
          break;
        }
      }
    }
  }
  const previousPorts = getArray(previous, ['ports']).filter(isObject);
  const typeChangedAway = previous !== undefined && needsNodePorts(previous) && !needsNodePorts(spec);
  for (const port of getArray(spec, ['ports'])) {
    if (!isObject(port)) continue;
    const before = previousPorts.find(
      (p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'),
    );
    if (typeChangedAway) {
      // Changing to ClusterIP drops node ports the client did not set anew (dropTypeDependentFields).
      if (port.nodePort === undefined || port.nodePort === before?.nodePort) delete port.nodePort;
      continue;
    }
    if (!needsNodePorts(spec)) continue;
    if (port.nodePort === undefined && typeof before?.nodePort === 'number') port.nodePort = before.nodePort;
    if (port.nodePort === undefined || port.nodePort === 0) {
      for (let candidate = NODE_PORT_MIN; candidate <= NODE_PORT_MAX; candidate += 1) {
        if (!used.nodePorts.has(candidate)) {
          port.nodePort = candidate;
          used.nodePorts.add(candidate);
          break;
        }
      }
    }
  }
}

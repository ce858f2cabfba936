/** LoadBalancer Services get an ingress IP one step after they ask for one, like a cloud load balancer. */
import { deepEqual, getArray, getObject, getString, type JsonObject } from '../json.ts';
import type { ControllerContext } from './context.ts';
import { createStepGate } from './delayed.ts';
import type { Controller } from './manager.ts';

export function createServiceController(context: ControllerContext): Controller {
  const { client } = context;
  const gate = createStepGate(context, 'Service');
  let nextAddress = 200;
  return {
    kind: 'Service',
    reconcile(key, queue) {
      const service = client.get('Service', key.namespace, key.name);
      if (!service) return;
      const isLoadBalancer = getString(service, ['spec', 'type']) === 'LoadBalancer';
      const ingress = getArray(service, ['status', 'loadBalancer', 'ingress']);
      let wanted: JsonObject;
      if (!isLoadBalancer) {
        gate.forget(service);
        wanted = {};
      } else if (ingress.length > 0) return;
      else {
        if (!gate.ready(service, key, queue)) return;
        nextAddress += 1;
        wanted = { ingress: [{ ip: `172.18.255.${nextAddress % 255}`, ipMode: 'VIP' }] };
      }
      if (deepEqual(getObject(service, ['status', 'loadBalancer']) ?? {}, wanted)) return;
      client.updateStatus('Service', {
        ...service,
        status: { ...(getObject(service, ['status']) ?? {}), loadBalancer: wanted },
      });
    },
    deleted(object) {
      gate.forget(object);
    },
  };
}

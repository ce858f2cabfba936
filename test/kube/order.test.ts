import { describe, expect, it } from 'vitest';
import { batchByRank, sortForInstall, sortForUninstall } from '../../lib/kube/order.ts';
import type { KubeObject } from '../../lib/kube/types.ts';

const obj = (kind: string, name = kind.toLowerCase()): KubeObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name },
});
const kinds = (objects: KubeObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`);

describe('install order', () => {
  it('puts CRDs and Namespaces before everything, then follows Helm install order', () => {
    const sorted = sortForInstall([
      obj('Deployment'),
      obj('Service'),
      obj('Namespace'),
      obj('ConfigMap'),
      obj('CustomResourceDefinition'),
      obj('ServiceAccount'),
      obj('Ingress'),
    ]);
    expect(kinds(sorted)).toEqual([
      'CustomResourceDefinition/customresourcedefinition',
      'Namespace/namespace',
      'ServiceAccount/serviceaccount',
      'ConfigMap/configmap',
      'Service/service',
      'Deployment/deployment',
      'Ingress/ingress',
    ]);
  });

  it('keeps manifest order within a kind and puts unknown kinds last, by kind name', () => {
    const sorted = sortForInstall([
      obj('Widget', 'w1'),
      obj('ConfigMap', 'b'),
      obj('Gadget', 'g'),
      obj('ConfigMap', 'a'),
      obj('Widget', 'w0'),
    ]);
    expect(kinds(sorted)).toEqual(['ConfigMap/b', 'ConfigMap/a', 'Gadget/g', 'Widget/w1', 'Widget/w0']);
  });

  it('deletes in reverse install order', () => {
    expect(kinds(sortForUninstall([obj('Namespace'), obj('Deployment'), obj('Service')]))).toEqual([
      'Deployment/deployment',
      'Service/service',
      'Namespace/namespace',
    ]);
  });

  it('batches consecutive objects of one kind so they can be applied together', () => {
    const batches = batchByRank(
      sortForInstall([
        obj('ConfigMap', 'a'),
        obj('Service'),
        obj('ConfigMap', 'b'),
        obj('Widget'),
        obj('Gadget'),
      ]),
    );
    expect(batches.map(kinds)).toEqual([
      ['ConfigMap/a', 'ConfigMap/b'],
      ['Service/service'],
      ['Gadget/gadget'],
      ['Widget/widget'],
    ]);
  });
});

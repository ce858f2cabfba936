import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apply,
  createNamespace,
  eventually,
  failure,
  type Manifest,
  rawRequest,
  read,
  type SimHarness,
  startHarness,
} from './helpers.ts';

let harness: SimHarness;

const crd: Manifest = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'gadgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  size: { type: 'integer' },
                  parts: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['name'],
                    items: {
                      type: 'object',
                      properties: { name: { type: 'string' }, count: { type: 'integer' } },
                    },
                  },
                  tags: { type: 'array', items: { type: 'string' } },
                },
              },
              status: { type: 'object', properties: { ready: { type: 'boolean' } } },
            },
          },
        },
      },
    ],
  },
};

const gadget = (spec: Record<string, unknown>): Manifest => ({
  apiVersion: 'example.com/v1',
  kind: 'Gadget',
  metadata: { name: 'g', namespace: 'cr' },
  spec,
});

beforeAll(async () => {
  harness = await startHarness();
  await createNamespace(harness, 'cr');
  // Sent raw: client-node's typed serializer drops the x-kubernetes-* schema markers.
  const created = await rawRequest(harness, {
    method: 'PATCH',
    path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets.example.com?fieldManager=test',
    body: JSON.stringify(crd),
    contentType: 'application/apply-patch+yaml',
  });
  expect(created.status).toBe(201);
  await eventually(async () => {
    const found = await read(
      harness,
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      'gadgets.example.com',
    );
    const conditions =
      (found.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ??
      [];
    return conditions.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });
});
afterAll(async () => {
  await harness.sim.stop();
});

describe('custom resources', () => {
  it('merges lists the CRD marks as maps by their keys', async () => {
    await apply(harness, gadget({ parts: [{ name: 'a', count: 1 }], tags: ['x'] }), 'first');
    const merged = await apply(harness, gadget({ parts: [{ name: 'b', count: 2 }] }), 'second');
    expect((merged.spec as { parts: Array<{ name: string }> }).parts.map((p) => p.name)).toEqual(['a', 'b']);
    const replaced = await apply(harness, gadget({ tags: ['y'] }), 'third', { force: true });
    expect((replaced.spec as { tags: string[] }).tags).toEqual(['y']);
  });

  it('refuses an applied value of the wrong type and a field the schema does not declare', async () => {
    const typed = await failure(apply(harness, gadget({ size: 'big' }), 'first'));
    expect(typed).toMatchObject({
      httpCode: 500,
      message:
        'failed to create typed patch object (cr/g; example.com/v1, Kind=Gadget): .spec.size: expected numeric (int or float), got string',
    });
    const undeclared = await failure(apply(harness, gadget({ colour: 'red' }), 'first'));
    expect(undeclared.message).toBe(
      'failed to create typed patch object (cr/g; example.com/v1, Kind=Gadget): .spec.colour: field not declared in schema',
    );
  });

  it('validates created objects against the schema and prunes undeclared fields', async () => {
    const path = '/apis/example.com/v1/namespaces/cr/gadgets';
    const wrong = await rawRequest(harness, {
      method: 'POST',
      path,
      contentType: 'application/json',
      body: JSON.stringify({ ...gadget({ size: 'big' }), metadata: { name: 'h' } }),
    });
    expect(wrong.status).toBe(422);
    expect(JSON.parse(wrong.body).message).toBe(
      'Gadget.example.com "h" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
    );
    const pruned = await rawRequest(harness, {
      method: 'POST',
      path,
      contentType: 'application/json',
      body: JSON.stringify({ ...gadget({ size: 1, colour: 'red' }), metadata: { name: 'i' } }),
    });
    expect(pruned.status).toBe(201);
    expect(JSON.parse(pruned.body).spec).toEqual({ size: 1 });
  });
});

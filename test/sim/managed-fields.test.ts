import { describe, expect, it } from 'vitest';
import {
  decodeFieldsV1,
  encodeFieldsV1,
  FieldSet,
  fieldElement,
  formatPath,
  keyElement,
  valueElement,
} from '../../lib/sim/apply/field-path.ts';
import { walkFields } from '../../lib/sim/apply/field-set.ts';
import {
  ApplyConflictError,
  applyConfiguration,
  readManagers,
  recordUpdate,
} from '../../lib/sim/apply/managed-fields.ts';
import type { JsonObject } from '../../lib/sim/json.ts';

const walk = { kind: 'Deployment', custom: false, scope: 'main' as const };

function applied(live: JsonObject, config: JsonObject, manager: string, force = false): JsonObject {
  return applyConfiguration({
    live,
    config,
    manager,
    apiVersion: 'apps/v1',
    force,
    walk,
    now: '2026-01-01T00:00:00Z',
  });
}

describe('FieldsV1 encoding', () => {
  it('marks owned list items with "." and sorts key fields', () => {
    const containers = [fieldElement('spec'), fieldElement('containers')];
    const item = [...containers, keyElement({ name: 'web' })];
    const port = [...item, fieldElement('ports'), keyElement({ protocol: 'TCP', containerPort: 80 })];
    const set = FieldSet.of([item, [...item, fieldElement('image')], port]);
    expect(encodeFieldsV1(set)).toEqual({
      'f:spec': {
        'f:containers': {
          'k:{"name":"web"}': {
            '.': {},
            'f:image': {},
            'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': {} },
          },
        },
      },
    });
  });

  it('decodes what it encodes', () => {
    const set = FieldSet.of([
      [fieldElement('metadata'), fieldElement('finalizers'), valueElement('a')],
      [fieldElement('spec'), fieldElement('replicas')],
    ]);
    expect(decodeFieldsV1(encodeFieldsV1(set)).equals(set)).toBe(true);
  });

  it('prints paths the way conflict messages show them', () => {
    expect(
      formatPath([
        fieldElement('spec'),
        fieldElement('containers'),
        keyElement({ name: 'web' }),
        fieldElement('image'),
      ]),
    ).toBe('.spec.containers[name="web"].image');
    expect(formatPath([fieldElement('metadata'), fieldElement('finalizers'), valueElement('x')])).toBe(
      '.metadata.finalizers[="x"]',
    );
  });
});

describe('field sets of objects', () => {
  it('fills defaulted key fields and refuses items without a key', () => {
    const set = walkFields(
      { spec: { ports: [{ port: 80 }] } },
      { kind: 'Service', custom: false, scope: 'main' },
    ).set;
    expect(
      set.has([fieldElement('spec'), fieldElement('ports'), keyElement({ port: 80, protocol: 'TCP' })]),
    ).toBe(true);
    expect(() =>
      walkFields({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, walk),
    ).toThrow(/omits key field "name"/);
  });

  it('refuses duplicate keys in an associative list', () => {
    const config = {
      spec: { template: { spec: { containers: [{ name: 'a', env: [{ name: 'X' }, { name: 'X' }] }] } } },
    };
    expect(() => walkFields(config, walk)).toThrow(/duplicate entries for key \[name="X"\]/);
  });
});

describe('ownership', () => {
  const base: JsonObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
  };

  it('lets a second applier share a field set to the same value', () => {
    const first = applied(base, { ...base, spec: { replicas: 2 } }, 'a');
    const second = applied(first, { ...base, spec: { replicas: 2 } }, 'b');
    expect(
      readManagers(second)
        .map((m) => m.manager)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('reports every conflicting field with its owner', () => {
    const first = applied(base, { ...base, spec: { replicas: 2, minReadySeconds: 1 } }, 'a');
    const error = (() => {
      try {
        applied(first, { ...base, spec: { replicas: 3, minReadySeconds: 2 } }, 'b');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ApplyConflictError);
    expect((error as ApplyConflictError).conflicts.map((c) => formatPath(c.path))).toEqual([
      '.spec.minReadySeconds',
      '.spec.replicas',
    ]);
  });

  it('gives an updater the fields it changed and takes them from others', () => {
    const first = applied(base, { ...base, spec: { replicas: 2 } }, 'a');
    const after = structuredClone(first);
    (after.spec as JsonObject).replicas = 5;
    recordUpdate({
      before: first,
      after,
      manager: 'scaler',
      apiVersion: 'apps/v1',
      walk,
      now: '2026-01-01T00:00:01Z',
    });
    const managers = readManagers(after);
    expect(managers.map((m) => `${m.manager}/${m.operation}`)).toEqual(['scaler/Update']);
  });
});

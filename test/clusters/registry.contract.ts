import { describe, expect, it } from 'vitest';
import { ClusterExistsError, type ClusterRegistry, StoreClusterRegistry } from '../../lib/clusters/index.ts';
import { ManualClock, ValidationError } from '../../lib/domain/index.ts';
import { clusterKey, StoreCorruptionError, type StoreDriver } from '../../lib/store/index.ts';

/** A fresh, empty table for each test. */
export type DriverFactory = () => Promise<StoreDriver>;

const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

/** The cluster registry's contract, run against every StoreDriver. */
export function clusterRegistryContract(name: string, makeDriver: DriverFactory): void {
  const open = async (): Promise<{ registry: ClusterRegistry; driver: StoreDriver; clock: ManualClock }> => {
    const driver = await makeDriver();
    const clock = new ManualClock(Date.UTC(2026, 10, 23, 12));
    return { registry: new StoreClusterRegistry({ driver, clock }), driver, clock };
  };

  describe(`the cluster registry on ${name}`, () => {
    it('keeps each kind of entry as given and reads it back by name', async () => {
      const { registry } = await open();
      await registry.add({
        name: 'prod-eu',
        kind: 'eks',
        clusterName: 'prod',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::222222222222:role/quayside-deployer',
        externalId: 'quayside-7f3a',
        addedBy: 'alice',
      });
      await registry.add({ name: 'edge', kind: 'kubeconfig', secretId: 'quayside/edge', context: 'edge-1' });
      await registry.add({ name: 'laptop', kind: 'context', context: 'kind-kind', kubeconfig: '/tmp/k' });
      await registry.add({
        name: 'pinned',
        kind: 'eks',
        clusterName: 'pinned',
        region: 'us-east-1',
        endpoint: 'https://ABC.gr7.us-east-1.eks.amazonaws.com',
        caData: CA,
      });
      expect(await registry.get('prod-eu')).toEqual({
        name: 'prod-eu',
        kind: 'eks',
        clusterName: 'prod',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::222222222222:role/quayside-deployer',
        externalId: 'quayside-7f3a',
        addedBy: 'alice',
        addedAt: '2026-11-23T12:00:00.000Z',
      });
      expect(await registry.get('edge')).toMatchObject({
        kind: 'kubeconfig',
        secretId: 'quayside/edge',
        context: 'edge-1',
      });
      expect(await registry.get('missing')).toBeUndefined();
      expect((await registry.list()).map((e) => e.name)).toEqual(['edge', 'laptop', 'pinned', 'prod-eu']);
    });

    it('refuses a name that is taken unless asked to replace it', async () => {
      const { registry, clock } = await open();
      await registry.add({ name: 'staging', kind: 'eks', clusterName: 'staging', region: 'eu-west-1' });
      const again = registry.add({ name: 'staging', kind: 'eks', clusterName: 'other', region: 'eu-west-1' });
      await expect(again).rejects.toBeInstanceOf(ClusterExistsError);
      await expect(again).rejects.toThrow(
        'cluster "staging" is already registered (EKS staging in eu-west-1); pass --upsert',
      );
      clock.advance(60_000);
      await registry.add(
        { name: 'staging', kind: 'eks', clusterName: 'other', region: 'eu-west-1' },
        { upsert: true },
      );
      expect(await registry.get('staging')).toMatchObject({
        clusterName: 'other',
        addedAt: '2026-11-23T12:01:00.000Z',
      });
    });

    it('removes an entry once, and says when there was none', async () => {
      const { registry } = await open();
      await registry.add({ name: 'gone', kind: 'context', context: 'x' });
      expect(await registry.remove('gone')).toBe(true);
      expect(await registry.remove('gone')).toBe(false);
      expect(await registry.get('gone')).toBeUndefined();
      expect(await registry.list()).toEqual([]);
    });

    it('refuses entries that could never work, naming each field, and stores nothing', async () => {
      const { registry } = await open();
      const bad = registry.add({
        name: 'bad/name',
        kind: 'eks',
        clusterName: '-prod',
        region: 'Europe',
        roleArn: 'arn:aws:iam::1:user/x',
        endpoint: 'http://10.0.0.1',
      });
      await expect(bad).rejects.toBeInstanceOf(ValidationError);
      const problems = await bad.catch((error: ValidationError) => error.problems.map((p) => p.field));
      expect(problems).toEqual(['name', 'clusterName', 'region', 'roleArn', 'caData']);
      await expect(
        registry.add({ name: 'x', kind: 'eks', clusterName: 'x', region: 'eu-west-1', externalId: 'abc' }),
      ).rejects.toThrow('externalId: an external id goes with a role to assume (--role-arn)');
      await expect(
        registry.add({
          name: 'y',
          kind: 'eks',
          clusterName: 'y',
          region: 'eu-west-1',
          endpoint: 'https://e',
          caData: 'bm9wZQ==',
        }),
      ).rejects.toThrow('caData: must be the base64 of the cluster CA in PEM');
      expect(await registry.list()).toEqual([]);
    });

    it('reports a damaged entry as store corruption naming the item', async () => {
      const { registry, driver } = await open();
      await driver.transact([
        {
          type: 'put',
          item: { ...clusterKey('broken'), type: 'cluster', name: 'broken', kind: 'eks', addedAt: 'x' },
        },
      ]);
      await expect(registry.get('broken')).rejects.toBeInstanceOf(StoreCorruptionError);
      await expect(registry.list()).rejects.toThrow(
        'stored item CLUSTERS/CLUSTER#broken is unreadable: clusterName',
      );
    });

    it('keeps its items apart from the releases of a cluster of the same name', async () => {
      const { registry, driver } = await open();
      await registry.add({ name: 'R', kind: 'context', context: 'r' });
      const page = await driver.query({ index: 'byNamespace', pk: 'C#R' });
      expect(page.items).toEqual([]);
    });
  });
}

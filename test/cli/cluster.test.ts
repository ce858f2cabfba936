import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FileDriver, ReleaseStore } from '../../lib/store/index.ts';

const bin = fileURLToPath(new URL('../../bin/quayside.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'quayside-cluster-cli-'));
const store = `file://${join(dir, 'store')}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, 'cluster', ...args], {
      env: { ...process.env, QUAYSIDE_STORE: store },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('quayside cluster', () => {
  it('registers each kind of cluster in the store the service uses, and lists and shows them', async () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const added = await cli(
      'add',
      'prod-eu',
      '--eks',
      'prod',
      '--region',
      'eu-west-1',
      '--role-arn',
      'arn:aws:iam::222222222222:role/quayside-deployer',
      '--external-id',
      'quayside-7f3a',
    );
    expect(added).toMatchObject({ code: 0 });
    expect(added.stdout).toBe(
      'cluster "prod-eu" registered: EKS prod in eu-west-1 as arn:aws:iam::222222222222:role/quayside-deployer\n',
    );
    expect(
      (await cli('add', 'edge', '--kubeconfig-secret', 'quayside/edge', '--context', 'edge-1')).code,
    ).toBe(0);
    expect(
      (await cli('add', 'laptop', '--context', 'kind-kind', '--kubeconfig', '/home/me/.kube/config')).code,
    ).toBe(0);
    const pinned = await cli(
      'add',
      'pinned',
      '--eks',
      'pinned',
      '--region',
      'us-east-1',
      '--endpoint',
      'https://ABC.gr7.us-east-1.eks.amazonaws.com',
      '--ca-file',
      ca,
    );
    expect(pinned.code).toBe(0);

    const list = await cli('list');
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME\s+\tKIND\s+\tTARGET\s+\tADDED\s*$/);
    expect(list.stdout).toMatch(/^edge\s+\tkubeconfig\tsecret quayside\/edge, context edge-1\s/m);
    expect(list.stdout).toMatch(/^laptop\s+\tcontext\s+\tcontext kind-kind of \/home\/me\/.kube\/config/m);
    expect(list.stdout).toMatch(/^pinned\s+\teks\s+\tEKS pinned in us-east-1 at https:\/\/ABC/m);

    const shown = JSON.parse((await cli('show', 'prod-eu', '-o', 'json')).stdout);
    expect(shown).toMatchObject({
      name: 'prod-eu',
      kind: 'eks',
      externalId: 'quayside-7f3a',
      addedAt: expect.any(String),
    });
    const yaml = await cli('show', 'pinned');
    expect(yaml.stdout).toContain(
      `caData: ${Buffer.from('-----BEGIN CERTIFICATE-----').toString('base64').slice(0, 20)}`,
    );
  });

  it('refuses a taken name without --upsert, and replaces it with', async () => {
    await cli('add', 'staging', '--eks', 'staging', '--region', 'eu-west-1');
    const again = await cli('add', 'staging', '--eks', 'staging-2', '--region', 'eu-west-1');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      'Error: cluster "staging" is already registered (EKS staging in eu-west-1); pass --upsert to replace it\n',
    );
    expect(
      (await cli('add', 'staging', '--eks', 'staging-2', '--region', 'eu-west-1', '--upsert')).code,
    ).toBe(0);
    expect(JSON.parse((await cli('show', 'staging', '-o', 'json')).stdout).clusterName).toBe('staging-2');
  });

  it('names what is wrong with an entry and exits 2, storing nothing', async () => {
    const noRegion = await cli('add', 'x', '--eks', 'x');
    expect(noRegion).toMatchObject({ code: 2 });
    expect(noRegion.stderr).toContain('Error: --region: an EKS cluster needs its --region');
    const wrong = await cli(
      'add',
      'x',
      '--eks',
      'x',
      '--region',
      'eu-west-1',
      '--role-arn',
      'role',
      '--kubeconfig',
      'f',
    );
    expect(wrong.stderr).toContain('Error: --kubeconfig: does not apply to a eks entry');
    const invalid = await cli('add', 'x', '--eks', 'x', '--region', 'eu-west-1', '--role-arn', 'role');
    expect(invalid.stderr).toContain(
      'Error: roleArn: must be an IAM role ARN: arn:aws:iam::ACCOUNT:role/NAME',
    );
    expect((await cli('add', 'x')).stderr).toContain('say how to reach the cluster with one of --eks');
    expect((await cli('show', 'x')).stderr).toBe(
      'Error: cluster "x" is not registered (see: quayside cluster list)\n',
    );
  });

  it('keeps a cluster that still has releases unless forced, then removes it', async () => {
    await cli('add', 'busy', '--context', 'busy');
    const releases = new ReleaseStore(new FileDriver(join(dir, 'store')));
    await releases.begin({
      release: { cluster: 'busy', namespace: 'shop', name: 'cart' },
      requestId: 'busy-1',
      action: 'install',
      requestedBy: { principal: 'test', channel: 'cli' },
      chart: { name: 'cart', version: '1.0.0' },
      leaseExpiresAt: Date.now() + 60_000,
    });
    await releases.close();
    const refused = await cli('remove', 'busy');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'cluster "busy" still has releases in the store (shop/cart, maybe more)',
    );
    expect(await cli('remove', 'busy', '--force')).toMatchObject({
      code: 0,
      stdout: 'cluster "busy" removed from the registry\n',
    });
    expect((await cli('remove', 'busy', '--force')).code).toBe(1);
    expect((await cli('list', '-o', 'json')).stdout).not.toContain('"busy"');
  });
});

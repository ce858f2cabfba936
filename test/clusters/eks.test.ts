import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AssumedRoles,
  EKS_TOKEN_PREFIX,
  EksClusters,
  EksTokenSource,
  presignEksToken,
  TOKEN_REFRESH_MS,
} from '../../lib/clusters/eks/index.ts';
import { ClusterConfigError, type EksEntry } from '../../lib/clusters/index.ts';
import { ManualClock, systemClock } from '../../lib/domain/index.ts';
import { LocalIam, verifySignedRequest } from '../../lib/local/aws/index.ts';
import {
  ACCOUNT,
  type AwsStubs,
  DEPLOYER_ROLE,
  EXTERNAL_ID,
  LOCKED_ROLE,
  OTHER_ACCOUNT,
  startAwsStubs,
  WORKER,
  WORKER_SESSION_ARN,
} from '../fixtures/aws-stubs.ts';

const CA = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

/** Replays a token's URL as EKS's authenticator does: GET with its own cluster id and Accept: JSON. */
function replay(
  stubs: AwsStubs,
  token: string,
  clusterId: string,
): Promise<{ status: number; body: string }> {
  const url = new URL(Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
  return new Promise((resolve, reject) => {
    const call = httpsRequest(
      url,
      { agent: stubs.agent, headers: { 'x-k8s-aws-id': clusterId, accept: 'application/json' } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    call.on('error', reject);
    call.end();
  });
}

function entry(overrides: Partial<EksEntry> = {}): EksEntry {
  return {
    name: 'prod',
    kind: 'eks',
    clusterName: 'prod',
    region: 'eu-west-1',
    addedAt: '2026-11-23T12:00:00.000Z',
    ...overrides,
  };
}

describe('the STS stub checks SigV4 as AWS computes it', () => {
  it("accepts AWS's own test-suite request (get-vanilla) and refuses it altered", async () => {
    const iam = new LocalIam({ now: () => Date.UTC(2015, 7, 30, 12, 36) });
    iam.addCredentials({
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      arn: 'arn:aws:iam::123456789012:user/example',
    });
    const request = (signature: string) => ({
      method: 'GET',
      url: '/',
      body: Buffer.alloc(0),
      headers: {
        host: 'example.amazonaws.com',
        'x-amz-date': '20150830T123600Z',
        authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
      },
    });
    const good = '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31';
    expect(await verifySignedRequest(iam, request(good), 'service')).toMatchObject({ ok: true });
    const tampered = `${good.slice(0, -1)}0`;
    expect(await verifySignedRequest(iam, request(tampered), 'service')).toMatchObject({
      ok: false,
      failure: { code: 'SignatureDoesNotMatch' },
    });
  });
});

describe('EKS tokens, AssumeRole and DescribeCluster against loopback STS and EKS', () => {
  let stubs: AwsStubs;
  beforeAll(async () => {
    stubs = await startAwsStubs();
    stubs.eks.addCluster({
      name: 'prod',
      region: 'eu-west-1',
      account: ACCOUNT,
      endpoint: 'https://10.1.2.3',
      caPem: CA,
    });
    stubs.eks.addCluster({
      name: 'partner',
      region: 'eu-west-1',
      account: OTHER_ACCOUNT,
      endpoint: 'https://10.9.8.7',
      caPem: CA,
    });
  });
  afterAll(() => stubs.close());

  it('presigns GetCallerIdentity with the cluster id signed, as k8s-aws-v1. + base64url without padding', async () => {
    const token = await presignEksToken({
      clusterName: 'prod',
      region: 'eu-west-1',
      stsUrl: stubs.sts.endpoint,
      credentials: WORKER,
      signedAt: new Date(),
    });
    expect(token.startsWith('k8s-aws-v1.')).toBe(true);
    expect(token.slice(EKS_TOKEN_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = new URL(Buffer.from(token.slice(EKS_TOKEN_PREFIX.length), 'base64url').toString('utf8'));
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe(stubs.sts.host);
    expect(url.pathname).toBe('/');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Security-Token': WORKER.sessionToken,
    });
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(
      /^ASIAWORKERTESTKEY001\/\d{8}\/eu-west-1\/sts\/aws4_request$/,
    );

    const accepted = await replay(stubs, token, 'prod');
    expect(accepted.status).toBe(200);
    expect(JSON.parse(accepted.body).GetCallerIdentityResponse.GetCallerIdentityResult.Arn).toBe(
      WORKER_SESSION_ARN,
    );
    // Replayed by another cluster's authenticator, the signed header no longer matches.
    const elsewhere = await replay(stubs, token, 'staging');
    expect(elsewhere.status).toBe(403);
    expect(JSON.parse(elsewhere.body).Error.Code).toBe('SignatureDoesNotMatch');
  });

  it('assumes a role once and reuses its credentials until five minutes before they expire', async () => {
    const clock = new ManualClock(Date.now());
    const roles = new AssumedRoles({ sts: (region) => stubs.clients.sts(region), clock });
    const role = { roleArn: DEPLOYER_ROLE, externalId: EXTERNAL_ID, cluster: 'partner', region: 'eu-west-1' };
    const assumed = () => stubs.sts.calls.filter((c) => c.action === 'AssumeRole' && c.status === 200).length;
    const before = assumed();
    const [first, same] = await Promise.all([roles.credentials(role), roles.credentials(role)]);
    expect(same).toBe(first);
    expect(first.accessKeyId).toMatch(/^ASIA/);
    expect(assumed() - before).toBe(1);
    clock.advance(54 * 60_000);
    expect(await roles.credentials(role)).toBe(first);
    clock.advance(2 * 60_000);
    const renewed = await roles.credentials(role);
    expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
    expect(assumed() - before).toBe(2);
  });

  it('says which role and cluster when AssumeRole is refused, and does not retry it', async () => {
    const roles = new AssumedRoles({ sts: (region) => stubs.clients.sts(region), clock: systemClock });
    for (const role of [
      { roleArn: LOCKED_ROLE, cluster: 'partner', region: 'eu-west-1' },
      { roleArn: DEPLOYER_ROLE, externalId: 'wrong-id', cluster: 'partner', region: 'eu-west-1' },
    ]) {
      const refused = roles.credentials(role);
      await expect(refused).rejects.toBeInstanceOf(ClusterConfigError);
      await expect(refused).rejects.toMatchObject({ retryable: false, serviceFault: false });
      await expect(refused).rejects.toThrow(
        `cluster "partner": cannot assume ${role.roleArn} (AccessDenied)`,
      );
    }
  });

  it('describes a cluster once per cache period, and never when its endpoint is pinned', async () => {
    const clock = new ManualClock(Date.now());
    const clusters = new EksClusters({ clients: stubs.clients, clock, stsUrl: () => stubs.sts.endpoint });
    const described = () => stubs.eks.calls.filter((c) => c.cluster === 'prod' && c.status === 200).length;
    const before = described();
    const first = await clusters.resolve(entry());
    expect(first.endpoint).toMatchObject({ name: 'prod', server: 'https://10.1.2.3', tls: { ca: CA } });
    expect((await clusters.resolve(entry())).version).toBe(first.version);
    expect(described() - before).toBe(1);
    clock.advance(15 * 60_000);
    await clusters.resolve(entry());
    expect(described() - before).toBe(2);

    const pinned = await clusters.resolve(
      entry({
        name: 'pinned',
        clusterName: 'nowhere',
        endpoint: 'https://pinned.example',
        caData: Buffer.from(CA).toString('base64'),
      }),
    );
    expect(pinned.endpoint.server).toBe('https://pinned.example');
    expect(stubs.eks.calls.some((c) => c.cluster === 'nowhere')).toBe(false);
  });

  it("describes another account's cluster with the role it names, and refuses it with the worker's own", async () => {
    const clusters = new EksClusters({
      clients: stubs.clients,
      clock: systemClock,
      stsUrl: () => stubs.sts.endpoint,
    });
    const partner = entry({ name: 'partner', clusterName: 'partner' });
    const denied = clusters.resolve(partner);
    await expect(denied).rejects.toMatchObject({ retryable: false });
    await expect(denied).rejects.toThrow(
      'cluster "partner": DescribeCluster of EKS cluster "partner" in eu-west-1 failed (AccessDeniedException)',
    );
    const viaRole = await clusters.resolve({ ...partner, roleArn: DEPLOYER_ROLE, externalId: EXTERNAL_ID });
    expect(viaRole.endpoint.server).toBe('https://10.9.8.7');
    expect(stubs.eks.calls.at(-1)?.caller).toBe(
      `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/quayside-deployer/quayside`,
    );
    const missing = clusters.resolve(entry({ name: 'gone', clusterName: 'gone' }));
    await expect(missing).rejects.toThrow('(ResourceNotFoundException)');
    await expect(missing).rejects.toMatchObject({ retryable: false });
  });

  it('makes a token again before it is ten minutes old, and at once after a 401', async () => {
    const clock = new ManualClock(Date.now());
    let forgotten = 0;
    const source = new EksTokenSource({
      clusterName: 'prod',
      region: 'eu-west-1',
      stsUrl: stubs.sts.endpoint,
      credentials: { get: async () => WORKER, forget: () => forgotten++ },
      clock,
    });
    const first = await source.get();
    expect(first.headers.Authorization).toMatch(/^Bearer k8s-aws-v1\./);
    clock.advance(1000);
    expect(await source.get()).toBe(first);
    clock.advance(TOKEN_REFRESH_MS);
    const second = await source.get();
    expect(second).not.toBe(first);
    source.refresh();
    expect(forgotten).toBe(1);
    clock.advance(1000);
    expect((await source.get()).headers.Authorization).not.toBe(second.headers.Authorization);
  });

  it('renews a token before the temporary credentials it was signed with expire', async () => {
    const clock = new ManualClock(Date.now());
    const expiring = { ...WORKER, expiration: new Date(clock.now() + 4 * 60_000) };
    const source = new EksTokenSource({
      clusterName: 'prod',
      region: 'eu-west-1',
      stsUrl: stubs.sts.endpoint,
      credentials: { get: async () => expiring, forget: () => {} },
      clock,
    });
    const first = await source.get();
    clock.advance(3 * 60_000 - 1);
    expect(await source.get()).toBe(first);
    clock.advance(2);
    expect(await source.get()).not.toBe(first);
  });
});

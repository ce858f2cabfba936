import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EKS_TOKEN_PREFIX, presignEksToken } from '../../lib/clusters/eks/index.ts';
import { type Simulator, startSimulator } from '../../lib/sim/index.ts';
import {
  ACCOUNT,
  type AwsStubs,
  startAwsStubs,
  WORKER,
  WORKER_ROLE,
  WORKER_SESSION_ARN,
} from '../fixtures/aws-stubs.ts';

const INTRUDER = { accessKeyId: 'AKIAINTRUDER00000001', secretAccessKey: 'intruder-secret' };

/** One API call with a bearer token: the status and the parsed body. */
function call(
  sim: Simulator,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      `${sim.url}${path}`,
      {
        method,
        ca: sim.caPem,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString() || '{}'),
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const UNAUTHORIZED = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'Unauthorized',
  reason: 'Unauthorized',
  code: 401,
};

describe('the simulator in EKS mode', () => {
  let stubs: AwsStubs;
  let sim: Simulator;
  const token = (overrides: Partial<Parameters<typeof presignEksToken>[0]> = {}) =>
    presignEksToken({
      clusterName: 'prod',
      region: 'eu-west-1',
      stsUrl: stubs.sts.endpoint,
      credentials: WORKER,
      signedAt: new Date(),
      ...overrides,
    });
  /** Why the last token was refused: the API server's log line, never sent to the client. */
  const lastRefusal = () => sim.authFailures.at(-1);

  beforeAll(async () => {
    stubs = await startAwsStubs();
    stubs.iam.addCredentials({ ...INTRUDER, arn: `arn:aws:iam::${ACCOUNT}:user/intruder` });
    sim = await startSimulator({
      rolloutStepMs: 20,
      eks: {
        clusterName: 'prod',
        stsHosts: [stubs.sts.host],
        stsCa: stubs.caPem,
        access: { [WORKER_ROLE]: { namespaces: ['team-a'] } },
      },
    });
    await call(sim, sim.token, 'POST', '/api/v1/namespaces', { metadata: { name: 'team-a' } });
    await call(sim, sim.token, 'POST', '/api/v1/namespaces', { metadata: { name: 'team-b' } });
  });
  afterAll(async () => {
    await sim.stop();
    await stubs.close();
  });

  it('accepts an EKS token for its cluster, asking STS who signed it once per cache period', async () => {
    const good = await token();
    const before = stubs.sts.calls.length;
    expect((await call(sim, good, 'GET', '/api/v1/namespaces/team-a/configmaps')).status).toBe(200);
    expect((await call(sim, good, 'GET', '/api/v1/namespaces/team-a/configmaps')).status).toBe(200);
    expect(stubs.sts.calls.slice(before)).toEqual([
      { action: 'GetCallerIdentity', presigned: true, status: 200, caller: WORKER_SESSION_ARN },
    ]);
  });

  it("answers 401 to another cluster's token: STS finds the signed cluster id does not match", async () => {
    const response = await call(
      sim,
      await token({ clusterName: 'staging' }),
      'GET',
      '/api/v1/namespaces/team-a/configmaps',
    );
    expect(response).toEqual({ status: 401, body: UNAUTHORIZED });
    expect(lastRefusal()).toBe('sts getCallerIdentity failed: error from AWS (expected 200, got 403)');
    expect(stubs.sts.calls.at(-1)).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('answers 401 to a token older than 15 minutes, without asking STS', async () => {
    const before = stubs.sts.calls.length;
    const old = await token({ signedAt: new Date(Date.now() - 15 * 60_000 - 5_000) });
    expect(await call(sim, old, 'GET', '/api/v1/namespaces/team-a/configmaps')).toEqual({
      status: 401,
      body: UNAUTHORIZED,
    });
    expect(lastRefusal()).toBe('X-Amz-Date parameter is expired (15 minute expiration)');
    expect(stubs.sts.calls.length).toBe(before);
  });

  it('answers 401 to a tampered token: the signature no longer verifies', async () => {
    const url = new URL(Buffer.from((await token()).slice(EKS_TOKEN_PREFIX.length), 'base64url').toString());
    const signature = url.searchParams.get('X-Amz-Signature') as string;
    url.searchParams.set(
      'X-Amz-Signature',
      `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
    );
    const tampered = EKS_TOKEN_PREFIX + Buffer.from(url.toString()).toString('base64url');
    expect(await call(sim, tampered, 'GET', '/api/v1/namespaces/team-a/configmaps')).toEqual({
      status: 401,
      body: UNAUTHORIZED,
    });
    expect(lastRefusal()).toBe('sts getCallerIdentity failed: error from AWS (expected 200, got 403)');
  });

  it('answers 401 to a token whose URL names another STS host, without calling it', async () => {
    const elsewhere = await token({ stsUrl: 'https://sts.attacker.example' });
    expect(await call(sim, elsewhere, 'GET', '/api/v1/namespaces/team-a/configmaps')).toEqual({
      status: 401,
      body: UNAUTHORIZED,
    });
    expect(lastRefusal()).toBe('unexpected hostname "sts.attacker.example" in pre-signed URL');
  });

  it('answers 401 to a URL that does not sign the cluster id, to a bad encoding, and to an identity without an access entry', async () => {
    const url = new URL(Buffer.from((await token()).slice(EKS_TOKEN_PREFIX.length), 'base64url').toString());
    url.searchParams.set('X-Amz-SignedHeaders', 'host');
    const unsigned = EKS_TOKEN_PREFIX + Buffer.from(url.toString()).toString('base64url');
    expect((await call(sim, unsigned, 'GET', '/api/v1/namespaces/team-a/configmaps')).status).toBe(401);
    expect(lastRefusal()).toBe('client did not sign the x-k8s-aws-id header in the pre-signed URL');

    const padded = `${await token()}=`;
    expect((await call(sim, padded, 'GET', '/api/v1/namespaces/team-a/configmaps')).status).toBe(401);
    expect(lastRefusal()).toBe('token is not base64url without padding');

    const stranger = await token({ credentials: INTRUDER });
    expect((await call(sim, stranger, 'GET', '/api/v1/namespaces/team-a/configmaps')).status).toBe(401);
    expect(lastRefusal()).toBe(`no access entry for "arn:aws:iam::${ACCOUNT}:user/intruder"`);
    expect((await call(sim, 'not-a-token', 'GET', '/api/v1/namespaces')).status).toBe(401);
  });

  it('forbids an identity scoped to namespaces anything outside them, worded as kube-apiserver words it', async () => {
    const good = await token();
    const created = await call(sim, good, 'POST', '/api/v1/namespaces/team-a/configmaps', {
      metadata: { name: 'ok' },
    });
    expect(created.status).toBe(201);
    const elsewhere = await call(sim, good, 'POST', '/api/v1/namespaces/team-b/configmaps', {
      metadata: { name: 'x' },
    });
    expect(elsewhere).toEqual({
      status: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `configmaps is forbidden: User "${WORKER_SESSION_ARN}" cannot create resource "configmaps" in API group "" in the namespace "team-b"`,
        reason: 'Forbidden',
        details: { kind: 'configmaps' },
        code: 403,
      },
    });
    const patch = await call(sim, good, 'GET', '/apis/apps/v1/namespaces/team-b/deployments/web');
    expect(patch.body.message).toBe(
      `deployments.apps "web" is forbidden: User "${WORKER_SESSION_ARN}" cannot get resource "deployments" in API group "apps" in the namespace "team-b"`,
    );
    const namespaces = await call(sim, good, 'GET', '/api/v1/namespaces');
    expect(namespaces.body.message).toBe(
      `namespaces is forbidden: User "${WORKER_SESSION_ARN}" cannot list resource "namespaces" in API group "" at the cluster scope`,
    );
    // Discovery is open to every authenticated caller, as system:discovery makes it.
    expect((await call(sim, good, 'GET', '/apis/apps/v1')).status).toBe(200);
    // The simulator's own token is the cluster's administrator.
    expect((await call(sim, sim.token, 'GET', '/api/v1/namespaces/team-b/configmaps')).status).toBe(200);
  });
});

import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { canonicalArn, type LocalIam } from './iam.ts';
import { type AuthFailure, verifySignedRequest } from './sigv4.ts';
import { receive, sendJson } from './wire.ts';

/** An EKS cluster the stub describes. */
export interface StubCluster {
  readonly name: string;
  readonly region: string;
  /** The account the cluster is in; principals of that account may describe it unless `describers` says who. */
  readonly account: string;
  readonly endpoint: string;
  readonly caPem: string;
  readonly describers?: readonly string[];
  readonly status?: string;
}

export interface EksStub {
  readonly endpoint: string;
  /** DescribeCluster calls: the cluster asked for, by whom, and the answer's status. */
  readonly calls: { cluster: string; caller?: string; status: number }[];
  addCluster(cluster: StubCluster): void;
  close(): Promise<void>;
}

// The REST-JSON protocol's names for SigV4 refusals.
const AUTH_ERROR_TYPES: Record<string, string> = {
  InvalidClientTokenId: 'UnrecognizedClientException',
  SignatureDoesNotMatch: 'InvalidSignatureException',
  ExpiredToken: 'ExpiredTokenException',
  MissingAuthenticationToken: 'MissingAuthenticationTokenException',
};

/**
 * A loopback stand-in for the EKS API's DescribeCluster in its real wire format (REST-JSON:
 * `GET /clusters/{name}`, errors named by `x-amzn-errortype`), SigV4 verified against `iam`.
 */
export async function startEksStub(options: {
  iam: LocalIam;
  tls: { certPem: string; keyPem: string };
}): Promise<EksStub> {
  const clusters = new Map<string, StubCluster>();
  const calls: EksStub['calls'] = [];
  const server = createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, (request, response) => {
    void receive(request).then(async (received) => {
      const name = /^\/clusters\/([^/?]+)$/.exec(new URL(received.url, 'https://eks').pathname)?.[1];
      const error = (status: number, type: string, message: string, caller?: string) => {
        calls.push({ cluster: name ?? '', status, ...(caller ? { caller } : {}) });
        sendJson(response, status, { message }, { 'x-amzn-errortype': type });
      };
      const verified = await verifySignedRequest(options.iam, received, 'eks');
      if (!verified.ok) {
        const failure: AuthFailure = verified.failure;
        return error(failure.status, AUTH_ERROR_TYPES[failure.code] ?? failure.code, failure.message);
      }
      const caller = verified.principal.arn;
      if (received.method !== 'GET' || name === undefined) {
        return error(
          404,
          'NotFoundException',
          `no such operation: ${received.method} ${received.url}`,
          caller,
        );
      }
      const region =
        /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(received.headers.authorization))?.[1] ?? '';
      const cluster = clusters.get(`${region}/${decodeURIComponent(name)}`);
      if (cluster === undefined) {
        return error(
          404,
          'ResourceNotFoundException',
          `No cluster found for name: ${decodeURIComponent(name)}.`,
          caller,
        );
      }
      const arn = `arn:aws:eks:${cluster.region}:${cluster.account}:cluster/${cluster.name}`;
      const principal = canonicalArn(caller);
      const allowed = cluster.describers?.includes(principal) ?? principal.split(':')[4] === cluster.account;
      if (!allowed) {
        return error(
          403,
          'AccessDeniedException',
          `User: ${caller} is not authorized to perform: eks:DescribeCluster on resource: ${arn}`,
          caller,
        );
      }
      calls.push({ cluster: cluster.name, caller, status: 200 });
      sendJson(response, 200, {
        cluster: {
          name: cluster.name,
          arn,
          createdAt: 1_700_000_000,
          version: '1.34',
          endpoint: cluster.endpoint,
          status: cluster.status ?? 'ACTIVE',
          certificateAuthority: { data: Buffer.from(cluster.caPem).toString('base64') },
          platformVersion: 'eks.1',
          accessConfig: { authenticationMode: 'API' },
          tags: {},
        },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    addCluster: (cluster) => clusters.set(`${cluster.region}/${cluster.name}`, cluster),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

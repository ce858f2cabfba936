import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { canonicalArn, type KnownCredentials, type LocalIam } from './iam.ts';
import {
  type AuthFailure,
  type ReceivedRequest,
  verifyPresignedRequest,
  verifySignedRequest,
} from './sigv4.ts';
import { receive, sendJson, sendXml } from './wire.ts';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const MIN_SECONDS = 900;
const MAX_SECONDS = 43_200;

/** One call the stub answered, for tests: who asked for what, and how it ended. */
export interface StsCall {
  readonly action: string;
  readonly presigned: boolean;
  readonly status: number;
  readonly caller?: string;
  readonly code?: string;
}

export interface StsStub {
  /** https://127.0.0.1:PORT */
  readonly endpoint: string;
  /** 127.0.0.1:PORT: what an EKS token's URL must name. */
  readonly host: string;
  readonly calls: StsCall[];
  close(): Promise<void>;
}

/**
 * A loopback stand-in for AWS STS in its real wire format (the Query protocol: form-encoded
 * requests, XML answers; JSON when the caller asks for it, as EKS's authenticator does):
 * GetCallerIdentity, header-signed or presigned (an EKS token's URL), and AssumeRole. Every request's
 * SigV4 signature is verified against the credentials `iam` knows; errors carry STS's codes and texts.
 */
export async function startStsStub(options: {
  iam: LocalIam;
  tls: { certPem: string; keyPem: string };
}): Promise<StsStub> {
  const { iam } = options;
  const calls: StsCall[] = [];
  const server = createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, (request, response) => {
    void receive(request).then((received) => answer(received, response));
  });

  async function answer(request: ReceivedRequest, response: ServerResponse): Promise<void> {
    const url = new URL(request.url, 'https://sts');
    const presigned = url.searchParams.has('X-Amz-Signature');
    const params =
      request.method === 'POST' ? new URLSearchParams(request.body.toString('utf8')) : url.searchParams;
    const action = params.get('Action') ?? '';
    const json = String(request.headers.accept ?? '').includes('application/json');
    const fail = (failure: AuthFailure, caller?: string) => {
      calls.push({
        action,
        presigned,
        status: failure.status,
        code: failure.code,
        ...(caller ? { caller } : {}),
      });
      const error = { Type: 'Sender', Code: failure.code, Message: failure.message };
      if (json) sendJson(response, failure.status, { Error: error, RequestId: randomUUID() });
      else
        sendXml(response, failure.status, 'ErrorResponse', NAMESPACE, {
          Error: error,
          RequestId: randomUUID(),
        });
    };
    const verified = presigned
      ? await verifyPresignedRequest(iam, request, 'sts')
      : await verifySignedRequest(iam, request, 'sts');
    if (!verified.ok) return fail(verified.failure);
    const caller = verified.principal;
    switch (action) {
      case 'GetCallerIdentity': {
        calls.push({ action, presigned, status: 200, caller: caller.arn });
        const result = { Arn: caller.arn, UserId: caller.userId, Account: caller.arn.split(':')[4] ?? '' };
        const metadata = { RequestId: randomUUID() };
        if (json) {
          return sendJson(response, 200, {
            GetCallerIdentityResponse: { GetCallerIdentityResult: result, ResponseMetadata: metadata },
          });
        }
        return sendXml(response, 200, 'GetCallerIdentityResponse', NAMESPACE, {
          GetCallerIdentityResult: result,
          ResponseMetadata: metadata,
        });
      }
      case 'AssumeRole':
        return assumeRole(params, caller, response, (failure) => fail(failure, caller.arn));
      default:
        return fail({
          status: 400,
          code: 'InvalidAction',
          message: `Could not find operation ${action} for version 2011-06-15`,
        });
    }
  }

  function assumeRole(
    params: URLSearchParams,
    caller: KnownCredentials,
    response: ServerResponse,
    fail: (failure: AuthFailure) => void,
  ): void {
    const roleArn = params.get('RoleArn') ?? '';
    const sessionName = params.get('RoleSessionName') ?? '';
    const seconds = Number(params.get('DurationSeconds') ?? 3600);
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      fail({
        status: 400,
        code: 'ValidationError',
        message: `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      });
      return;
    }
    if (!Number.isInteger(seconds) || seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
      fail({
        status: 400,
        code: 'ValidationError',
        message: `1 validation error detected: Value '${seconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between ${MIN_SECONDS} and ${MAX_SECONDS}`,
      });
      return;
    }
    const role = iam.role(roleArn);
    const trusted =
      role !== undefined && (role.trusted.includes('*') || role.trusted.includes(canonicalArn(caller.arn)));
    const externalIdOk = role?.externalId === undefined || role.externalId === params.get('ExternalId');
    if (role === undefined || !trusted || !externalIdOk) {
      fail({
        status: 403,
        code: 'AccessDenied',
        message: `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      });
      return;
    }
    const issued = iam.issue(role, sessionName, seconds);
    calls.push({ action: 'AssumeRole', presigned: false, status: 200, caller: caller.arn });
    sendXml(response, 200, 'AssumeRoleResponse', NAMESPACE, {
      AssumeRoleResult: {
        AssumedRoleUser: { AssumedRoleId: issued.userId, Arn: issued.arn },
        Credentials: {
          AccessKeyId: issued.accessKeyId,
          SecretAccessKey: issued.secretAccessKey,
          SessionToken: issued.sessionToken ?? '',
          Expiration: new Date(issued.expiresAt ?? 0).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      },
      ResponseMetadata: { RequestId: randomUUID() },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint: `https://${host}`,
    host,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

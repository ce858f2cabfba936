import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './sqs/index.ts';

export interface SecretsManagerStub {
  /** For AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  readonly endpoint: string;
  /** Stores (or replaces) a secret's string. */
  put(name: string, value: string): void;
  /** Secret ids asked for, in order (tests count reads). */
  readonly reads: string[];
  close(): Promise<void>;
}

const arnOf = (name: string) =>
  `arn:aws:secretsmanager:${LOCAL_REGION}:${LOCAL_ACCOUNT}:secret:${name}-LOCAL1`;

/**
 * A loopback stand-in for Secrets Manager's GetSecretValue, in the service's wire protocol (AWS
 * JSON 1.1, `X-Amz-Target: secretsmanager.GetSecretValue`, SigV4-signed), answering by name or
 * ARN as the service does and with its error shape for a secret it does not hold. The real SDK
 * client is pointed at it with AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
export async function startSecretsManagerStub(
  initial: Readonly<Record<string, string>> = {},
): Promise<SecretsManagerStub> {
  const secrets = new Map(Object.entries(initial));
  const reads: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(body));
      };
      const error = (type: string, message: string) => reply(400, { __type: type, message });
      if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue')
        return error('InvalidAction', `unsupported target ${request.headers['x-amz-target']}`);
      if (!String(request.headers.authorization).startsWith('AWS4-HMAC-SHA256 Credential='))
        return error('MissingAuthenticationTokenException', 'the request is not signed with SigV4');
      let id: unknown;
      try {
        id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { SecretId?: unknown }).SecretId;
      } catch {
        return error('SerializationException', 'the body is not JSON');
      }
      if (typeof id !== 'string' || id === '')
        return error('InvalidParameterException', 'SecretId is required');
      reads.push(id);
      const name = [...secrets.keys()].find((n) => n === id || arnOf(n) === id);
      if (name === undefined)
        return error('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
      return reply(200, {
        ARN: arnOf(name),
        Name: name,
        VersionId: '00000000-0000-0000-0000-000000000001',
        SecretString: secrets.get(name),
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1_700_000_000,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    put: (name, value) => {
      secrets.set(name, value);
    },
    reads,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

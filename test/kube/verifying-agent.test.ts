/**
 * The API server's certificate verified by the native engine (Go's crypto/x509, as kubectl verifies
 * it) instead of OpenSSL, so that the TLS context needs no trust store (lib/kube/verifying-agent.ts):
 * a good certificate is accepted and checked once per agent; a bad one is refused with OpenSSL's own
 * error after OpenSSL checks it again; and nothing of a request reaches a server before its
 * certificate is verified.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import * as x509 from '@peculiar/x509';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEngineProcess } from '../../bin/launch.js';
import { nativeEngineName, ProcessEngine } from '../../lib/chart/engine/native-engine.ts';
import { connectionFromEndpoint } from '../../lib/kube/connection.ts';
import { KubeTlsError } from '../../lib/kube/errors.ts';
import {
  type ServerCertificateVerifier,
  useServerCertificateVerifier,
} from '../../lib/kube/server-verifier.ts';
import { REPO_ROOT } from '../chart/helpers.ts';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const HOUR = 3_600_000;
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

interface Issued {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
  pem: string;
  keyPem: string;
}

let serial = 1;
async function issue(
  name: string,
  options: { issuer?: Issued; ca?: boolean; san?: string; notAfter?: Date; usage?: string } = {},
): Promise<Issued> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const extensions = options.ca
    ? [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      ]
    : [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([options.usage ?? x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: options.san ?? '127.0.0.1' }]),
      ];
  const common = {
    serialNumber: String(serial++).padStart(2, '0'),
    notBefore: new Date(Date.now() - 2 * HOUR),
    notAfter: options.notAfter ?? new Date(Date.now() + HOUR),
    signingAlgorithm: ALGORITHM,
    extensions,
  };
  const cert = options.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: `CN=${name}`,
        issuer: options.issuer.cert.subject,
        publicKey: keys.publicKey,
        signingKey: options.issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: `CN=${name}`, keys });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  return { cert, keys, pem: cert.toString('pem'), keyPem };
}

/** An HTTPS server presenting `chain` (its certificate first); counts the requests it was sent. */
async function server(chain: Issued[]) {
  const seen = { requests: 0, connections: 0, resumed: 0 };
  const srv = createHttpsServer(
    { cert: chain.map((c) => c.pem).join('\n'), key: chain[0]!.keyPem },
    (_req, res) => {
      seen.requests++;
      res.setHeader('Content-Type', 'application/json');
      res.end('{"kind":"APIResourceList","resources":[]}');
    },
  );
  srv.on('secureConnection', (socket) => {
    seen.connections++;
    if (socket.isSessionReused()) seen.resumed++;
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const { port } = srv.address() as AddressInfo;
  return { seen, url: `https://127.0.0.1:${port}`, close: () => srv.close() };
}

function connection(url: string, ca: string) {
  return connectionFromEndpoint({
    name: 'test',
    server: url,
    tls: { ca },
    credentials: { get: async () => ({ headers: { Authorization: 'Bearer secret-token' } }), refresh() {} },
  });
}

const get = (conn: ReturnType<typeof connection>) =>
  conn.send({
    method: 'GET',
    path: '/api/v1',
    ref: { apiVersion: 'v1', kind: 'APIResourceList', name: 'v1' },
  });

const NATIVE = join(REPO_ROOT, 'dist', 'cli', nativeEngineName());
const ships = process.platform === 'linux' && process.arch === 'x64';

let ca: Issued;
let otherCa: Issued;
let native: ProcessEngine;
/** The native engine's verifier, counting the chains it was asked about and its answers. */
const asked: Array<'ok' | string> = [];
const nativeVerifier: ServerCertificateVerifier = async (certificate) => {
  const answer = await native.verifyServerCertificate(certificate);
  asked.push('ok' in answer ? 'ok' : answer.error);
  return answer;
};

beforeAll(async () => {
  ca = await issue('cluster-ca', { ca: true });
  otherCa = await issue('other-ca', { ca: true });
  if (ships) native = new ProcessEngine(NATIVE, startEngineProcess(NATIVE, spawn));
});
afterEach(() => {
  useServerCertificateVerifier(undefined);
  asked.length = 0;
});
afterAll(() => native?.release());

describe("the API server's certificate, verified by the native engine", () => {
  if (!ships) {
    it('is verified by OpenSSL alone here: no native engine ships for this machine', () => {
      expect(existsSync(NATIVE)).toBe(false);
    });
    return;
  }

  it('accepts a good certificate, asking once for many connections, and makes no session to resume', async () => {
    const srv = await server([await issue('kube-apiserver', { issuer: ca })]);
    useServerCertificateVerifier(nativeVerifier);
    const conn = connection(srv.url, ca.pem);
    await get(conn);
    expect(asked).toEqual(['ok']);
    // Eight at once open new connections: each shows the certificate (no session is resumed), which
    // this agent has verified already.
    await Promise.all(Array.from({ length: 8 }, () => get(conn)));
    expect(asked).toEqual(['ok']);
    expect(srv.seen).toMatchObject({ requests: 9, resumed: 0 });
    expect(srv.seen.connections).toBeGreaterThan(1);
    conn.close();
    // Another agent asks again.
    const again = connection(srv.url, ca.pem);
    await get(again);
    expect(asked).toEqual(['ok', 'ok']);
    again.close();
    srv.close();
  });

  it('asks once for connections opened at once, before any answer', async () => {
    const srv = await server([await issue('kube-apiserver', { issuer: ca })]);
    // An answer that takes its time: every connection has shown its certificate before it comes.
    useServerCertificateVerifier(async (certificate) => {
      await new Promise((resolve) => setTimeout(resolve, 200));
      return nativeVerifier(certificate);
    });
    const conn = connection(srv.url, ca.pem);
    await Promise.all(Array.from({ length: 6 }, () => get(conn)));
    expect(srv.seen.connections).toBeGreaterThan(1);
    expect(asked).toEqual(['ok']);
    conn.close();
    srv.close();
  });

  it('accepts a chain through an intermediate the server sends', async () => {
    const intermediate = await issue('intermediate', { issuer: ca, ca: true });
    const srv = await server([await issue('kube-apiserver', { issuer: intermediate }), intermediate]);
    useServerCertificateVerifier(nativeVerifier);
    const conn = connection(srv.url, ca.pem);
    await get(conn);
    expect(asked).toEqual(['ok']);
    conn.close();
    srv.close();
  });

  for (const [name, make] of [
    ['from another CA', () => issue('kube-apiserver', { issuer: otherCa })],
    ['for another address', () => issue('kube-apiserver', { issuer: ca, san: '10.0.0.1' })],
    ['expired', () => issue('kube-apiserver', { issuer: ca, notAfter: new Date(Date.now() - HOUR) })],
    [
      'for clients only',
      () => issue('kube-apiserver', { issuer: ca, usage: x509.ExtendedKeyUsage.clientAuth }),
    ],
  ] as const) {
    it(`refuses a certificate ${name} with OpenSSL's own error, sending it no request`, async () => {
      const srv = await server([await make()]);
      useServerCertificateVerifier(nativeVerifier);
      const refused = await get(connection(srv.url, ca.pem)).catch((e: unknown) => e);
      // The same error as without the verifier: OpenSSL checked it again.
      const plain = await get(connection(srv.url, ca.pem)).catch((e: unknown) => e);
      useServerCertificateVerifier(undefined);
      const standard = await get(connection(srv.url, ca.pem)).catch((e: unknown) => e);
      expect(standard).toBeInstanceOf(Error);
      expect(refused).toBeInstanceOf((standard as Error).constructor);
      expect((refused as Error).message).toBe((standard as Error).message);
      expect((plain as Error).message).toBe((standard as Error).message);
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.every((a) => a !== 'ok')).toBe(true);
      expect(srv.seen.requests).toBe(0);
      srv.close();
    });
  }
});

describe('the verifying agent, with stand-in verifiers', () => {
  it('lets OpenSSL decide when the verifier refuses or fails: a good certificate is still accepted', async () => {
    const srv = await server([await issue('kube-apiserver', { issuer: ca })]);
    for (const verifier of [
      async () => ({ error: 'no' }),
      async () => {
        throw new Error('the verifier is gone');
      },
    ] satisfies ServerCertificateVerifier[]) {
      useServerCertificateVerifier(verifier);
      const conn = connection(srv.url, ca.pem);
      await get(conn);
      conn.close();
    }
    expect(srv.seen.requests).toBe(2);
    srv.close();
  });

  it('writes nothing to the server before the verifier has answered', async () => {
    const leaf = await issue('kube-apiserver', { issuer: ca });
    let firstByte: number | undefined;
    const srv = createTlsServer({ cert: leaf.pem, key: leaf.keyPem }, (socket) => {
      socket.on('data', () => {
        firstByte ??= performance.now();
        socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
      });
    });
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    let answered: number | undefined;
    useServerCertificateVerifier(async () => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      answered = performance.now();
      return { ok: true };
    });
    const conn = connection(`https://127.0.0.1:${(srv.address() as AddressInfo).port}`, ca.pem);
    await get(conn);
    expect(answered).toBeDefined();
    expect(firstByte).toBeGreaterThanOrEqual(answered!);
    conn.close();
    srv.close();
  });

  it('is not used without a CA in the kubeconfig, or with insecure-skip-tls-verify', async () => {
    const srv = await server([await issue('kube-apiserver', { issuer: ca })]);
    useServerCertificateVerifier(async () => {
      throw new Error('must not be asked');
    });
    const insecure = connectionFromEndpoint({
      name: 'test',
      server: srv.url,
      tls: { ca: ca.pem, insecure: true },
      credentials: { get: async () => ({ headers: {} }), refresh() {} },
    });
    await get(insecure);
    const noCa = connectionFromEndpoint({
      name: 'test',
      server: srv.url,
      tls: {},
      credentials: { get: async () => ({ headers: {} }), refresh() {} },
    });
    // Node's own roots do not know this CA.
    await expect(get(noCa)).rejects.toBeInstanceOf(KubeTlsError);
    expect(srv.seen.requests).toBe(1);
    insecure.close();
    noCa.close();
    srv.close();
  });
});

/**
 * An HTTPS agent that verifies the API server's certificate with a ServerCertificateVerifier
 * (server-verifier.ts) instead of OpenSSL, so that its TLS context needs no trust store: Node 20 parses
 * its bundled root certificates, ~20 ms, for every context given a `ca`. Sockets are handed to the
 * HTTP client only once the verifier has said yes, so nothing (not a token, not a byte of a request)
 * is written to a server before its certificate is verified. A chain the verifier does not accept, or
 * cannot check, is not refused here: that connection is made again with the standard context and
 * OpenSSL's own verification, which refuses it with Node's usual error or accepts it. A certificate
 * verified once is not sent to the verifier again by this agent until it expires (later connections to
 * the same server present the same one), and connections opened at once wait for one answer. Sessions are not resumed: each connection shows its certificate.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import type { Agent, AgentOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import type { SecureContext, TLSSocket } from 'node:tls';
import type { ServerCertificateVerifier } from './server-verifier.ts';

export interface VerifyingAgentOptions extends AgentOptions {
  /** A context without trusted certificates (`createSecureContext({ ca: [] })`): the verifier decides. */
  readonly secureContext: SecureContext;
  /** Makes the standard context (the kubeconfig's CA given to OpenSSL); the agent makes it once, when first needed. */
  readonly standardContext: () => SecureContext;
  readonly ca: string;
  readonly serverName: string;
  readonly verifier: ServerCertificateVerifier;
  /** How long a connection may take to be made and verified. */
  readonly connectTimeout: number;
}

type Created = (error: Error | null, socket?: Duplex) => void;

/** The certificate chain the server sent, from its own certificate (DER). */
export function peerChain(leaf: X509Certificate): Buffer[] {
  const chain: Buffer[] = [];
  const seen = new Set<X509Certificate>();
  for (let cert: X509Certificate | undefined = leaf; cert !== undefined && !seen.has(cert); ) {
    seen.add(cert);
    chain.push(cert.raw);
    cert = cert.issuerCertificate;
  }
  return chain;
}

let VerifyingAgentClass: (new (options: VerifyingAgentOptions) => Agent) | undefined;

/**
 * An agent that verifies with `options.verifier` (the class is made on first use: Node's `https` is
 * reached only then, since the CLI's start-up snapshot holds this module and cannot hold `https`).
 */
export function verifyingAgent(options: VerifyingAgentOptions): Agent {
  VerifyingAgentClass ??= defineVerifyingAgent(process.getBuiltinModule('node:https').Agent);
  return new VerifyingAgentClass(options);
}

function defineVerifyingAgent(Base: typeof Agent): new (options: VerifyingAgentOptions) => Agent {
  return class VerifyingAgent extends Base {
    private readonly check: VerifyingAgentOptions;
    private standard: SecureContext | undefined;
    /** The SHA-256 of each certificate the verifier accepted, and when it expires (ms since the epoch). */
    private readonly verified = new Map<string, number>();
    /** The verifier's answers still awaited, by the SHA-256 of the certificate they are about. */
    private readonly asked = new Map<string, ReturnType<ServerCertificateVerifier>>();

    /** https.Agent's own connection: tls.connect, with the agent's TLS session cache. */
    private connect(options: object): TLSSocket {
      return (Base.prototype.createConnection as unknown as (this: Agent, options: object) => TLSSocket).call(
        this,
        options,
      );
    }

    constructor(options: VerifyingAgentOptions) {
      // No TLS session resumption: a resumed session shows no certificate to verify, and its session
      // could come from a connection the verifier then refused. A full handshake costs the client
      // ~0.3 ms more of CPU.
      super({ ...options, rejectUnauthorized: false, maxCachedSessions: 0 });
      this.check = options;
    }

    override createConnection(options: object, created: Created): Duplex | undefined {
      const standard = () => {
        this.standard ??= this.check.standardContext();
        return this.connect({
          ...options,
          secureContext: this.standard,
          rejectUnauthorized: true,
          // A session made under the context without a trust store carries its failed verification.
          session: undefined,
        });
      };
      const socket = this.connect(options);
      let settled = false;
      const settle = (error: Error | null, handed?: Duplex) => {
        if (settled) return;
        settled = true;
        socket.setTimeout(0);
        socket.removeListener('error', failed);
        created(error, handed);
      };
      const failed = (error: Error) => settle(error);
      socket.on('error', failed);
      socket.setTimeout(this.check.connectTimeout, () =>
        socket.destroy(Object.assign(new Error('connecting timed out'), { code: 'ETIMEDOUT' })),
      );
      socket.once('secureConnect', () => {
        const retry = () => {
          socket.destroy();
          if (!settled) settle(null, standard());
        };
        // Certificates as X509Certificate objects, which parse nothing until asked (getPeerCertificate's
        // plain objects cost ~0.2 ms each): only the server's own is hashed to find a verdict.
        const leaf = socket.getPeerX509Certificate();
        if (leaf === undefined) return retry();
        const key = createHash('sha256').update(leaf.raw).digest('base64');
        const expires = this.verified.get(key);
        if (expires !== undefined && Date.now() < expires) return settle(null, socket);
        // Connections made at once (a command's first requests) wait for one answer, not one each.
        let answer = this.asked.get(key);
        if (answer === undefined) {
          answer = this.check.verifier({
            ca: this.check.ca,
            serverName: this.check.serverName,
            chain: peerChain(leaf),
          });
          this.asked.set(key, answer);
          const forget = () => this.asked.delete(key);
          answer.then(forget, forget);
        }
        answer.then((verdict) => {
          const notAfter = Date.parse(leaf.validTo);
          if (!('ok' in verdict) || Number.isNaN(notAfter)) return retry();
          this.verified.set(key, notAfter);
          settle(null, socket);
        }, retry);
      });
      return undefined;
    }
  };
}

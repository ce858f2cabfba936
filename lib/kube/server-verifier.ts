/**
 * Who verifies API servers' certificates besides Node's OpenSSL, when someone does: the CLI hands the
 * check to its native chart engine (lib/chart/engine/native-engine.ts), which verifies with Go's
 * crypto/x509 as kubectl does. Node 20 parses its ~140 bundled root certificates (~20 ms of the main
 * thread) for any TLS context that is given a `ca`, even though the kubeconfig's CA then replaces
 * them; a context without roots and this check skip that (verifying-agent.ts). A module of its own,
 * with no imports, so that registering a verifier loads nothing of the kube client.
 */

/** A server's chain as received: its certificate, then whatever else it sent (DER). */
export interface ServerCertificate {
  /** The kubeconfig's certificate-authority data, PEM: the only certificates trusted. */
  readonly ca: string;
  /** The name the client asked for (the server URL's host, or tls-server-name). */
  readonly serverName: string;
  readonly chain: readonly Buffer[];
}

/** `ok`, or why not (the check's own words); a rejected promise means it could not check at all. */
export type ServerCertificateVerifier = (
  certificate: ServerCertificate,
) => Promise<{ ok: true } | { error: string }>;

let verifier: ServerCertificateVerifier | undefined;

/** Verifies API servers' certificates with `check` from now on; undefined: OpenSSL alone, as Node does. */
export function useServerCertificateVerifier(check: ServerCertificateVerifier | undefined): void {
  verifier = check;
}

/** The verifier in use, if any. */
export function serverCertificateVerifier(): ServerCertificateVerifier | undefined {
  return verifier;
}

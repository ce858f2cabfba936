import { KubeConnectionError } from './errors.ts';
import type { CredentialSource, Credentials, EndpointTls } from './kubeconfig.ts';
import { KUBECONFIG_MESSAGES } from './messages.ts';

/** How long before its stated expiry a plugin's credential is fetched again. */
const EXPIRY_MARGIN_MS = 60_000;
/** A plugin that takes longer than this is stuck (waiting for input it will never get). */
const PLUGIN_TIMEOUT_MS = 60_000;

interface ExecConfig {
  readonly apiVersion?: string | undefined;
  readonly command: string;
  readonly args?: readonly string[] | null | undefined;
  readonly env?: readonly { name: string; value: string }[] | null | undefined;
  readonly provideClusterInfo?: boolean | undefined;
}

interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

/**
 * A `users[].user.exec` credential plugin (client.authentication.k8s.io, as
 * client-go runs it: `aws eks get-token`, `gke-gcloud-auth-plugin`, …): run
 * non-interactively, its ExecCredential cached until shortly before it expires.
 */
export function execCredentials(input: {
  context: string;
  exec: ExecConfig;
  server: string;
  tls: EndpointTls;
}): CredentialSource {
  let cached: { credentials: Credentials; expiresAt: number } | undefined;
  let running: Promise<Credentials> | undefined;
  const fetch = async (): Promise<Credentials> => {
    const status = await runPlugin(input);
    const credentials: Credentials = {
      headers: status.token === undefined ? {} : { Authorization: `Bearer ${status.token}` },
      ...(status.clientCertificateData === undefined ? {} : { cert: status.clientCertificateData }),
      ...(status.clientKeyData === undefined ? {} : { key: status.clientKeyData }),
    };
    const expiry = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : Number.NaN;
    cached = {
      credentials,
      expiresAt: Number.isNaN(expiry) ? Number.POSITIVE_INFINITY : expiry - EXPIRY_MARGIN_MS,
    };
    return credentials;
  };
  return {
    get: () => {
      if (cached !== undefined && Date.now() < cached.expiresAt) return Promise.resolve(cached.credentials);
      running ??= fetch().finally(() => {
        running = undefined;
      });
      return running;
    },
    refresh: () => {
      cached = undefined;
    },
  };
}

async function runPlugin(input: {
  context: string;
  exec: ExecConfig;
  server: string;
  tls: EndpointTls;
}): Promise<ExecCredentialStatus> {
  const { exec, context } = input;
  const apiVersion = exec.apiVersion ?? 'client.authentication.k8s.io/v1beta1';
  const spec: Record<string, unknown> = { interactive: false };
  if (exec.provideClusterInfo) {
    spec.cluster = {
      server: input.server,
      ...(input.tls.ca === undefined
        ? {}
        : { 'certificate-authority-data': Buffer.from(input.tls.ca).toString('base64') }),
      ...(input.tls.insecure ? { 'insecure-skip-tls-verify': true } : {}),
    };
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])),
    KUBERNETES_EXEC_INFO: JSON.stringify({ apiVersion, kind: 'ExecCredential', spec }),
  };
  // child_process is loaded only for plugins: most connections never run one. Not by `import()`: a
  // command started from the CLI's start-up snapshot has no dynamic import (scripts/snapshot.ts).
  const { execFile } = process.getBuiltinModule('node:child_process');
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      exec.command,
      [...(exec.args ?? [])],
      { env, timeout: PLUGIN_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (error, out, err) => {
        if (error) {
          const detail = String(err).trim().split('\n').slice(-3).join(' ') || error.message;
          reject(new KubeConnectionError(KUBECONFIG_MESSAGES.execFailed(context, exec.command, detail)));
        } else resolve(out);
      },
    );
  });
  let credential: { status?: ExecCredentialStatus };
  try {
    credential = JSON.parse(stdout) as { status?: ExecCredentialStatus };
  } catch {
    throw new KubeConnectionError(KUBECONFIG_MESSAGES.execOutput(context, exec.command));
  }
  const status = credential.status ?? {};
  if (status.token === undefined && status.clientCertificateData === undefined) {
    throw new KubeConnectionError(KUBECONFIG_MESSAGES.execOutput(context, exec.command));
  }
  return status;
}

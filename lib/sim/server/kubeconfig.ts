import { stringify } from 'yaml';

export const CONTEXT_NAME = 'quayside-sim';

/** A kubeconfig with one cluster (embedded CA), one bearer-token user and one current context. */
export function buildKubeconfig(options: { server: string; caPem: string; token: string }): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: CONTEXT_NAME,
        cluster: {
          server: options.server,
          'certificate-authority-data': Buffer.from(options.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: CONTEXT_NAME, user: { token: options.token } }],
    contexts: [
      { name: CONTEXT_NAME, context: { cluster: CONTEXT_NAME, user: CONTEXT_NAME, namespace: 'default' } },
    ],
    'current-context': CONTEXT_NAME,
    preferences: {},
  });
}

import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type LookupCall, renderChart, TemplateError } from '../../lib/chart/index.ts';
import { chartOf, INSTALL_RELEASE as RELEASE } from './helpers.ts';

const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n${data}`;

describe('the template engine after a template that never stops including itself', () => {
  it('fails that render and every later one of it, and still renders other charts', async () => {
    const endless = chartOf({
      'templates/cm.yaml': '{{- define "loop" }}{{ include "loop" . }}{{ end }}\nx: {{ include "loop" . }}\n',
    });
    const fine = chartOf({ 'templates/cm.yaml': configMap('  ok: "yes"\n') });
    for (let i = 0; i < 3; i++) {
      await expect(renderChart({ chart: endless, values: {}, release: RELEASE })).rejects.toBeInstanceOf(
        TemplateError,
      );
      const rendered = await renderChart({ chart: fine, values: {}, release: RELEASE });
      expect(rendered.manifests[0]?.content).toContain('ok: "yes"');
    }
  });
});

describe("Sprig's certificate functions", () => {
  it('make a CA and a certificate it signs, with keys made natively', async () => {
    const chart = chartOf({
      'templates/tls.yaml': `{{- $ca := genCA "test-ca" 30 }}
{{- $cert := genSignedCert "web.apps.svc" (list "10.0.0.1") (list "web") 30 $ca }}
${configMap('  ca: {{ $ca.Cert | b64enc }}\n  cert: {{ $cert.Cert | b64enc }}\n  key: {{ $cert.Key | b64enc }}\n  rsa: {{ genPrivateKey "rsa" | b64enc }}\n')}`,
    });
    const started = performance.now();
    const { manifests } = await renderChart({ chart, values: {}, release: RELEASE });
    const data = manifests[0]!.content;
    const field = (name: string) =>
      Buffer.from(new RegExp(`  ${name}: (\\S+)`).exec(data)![1]!, 'base64').toString('utf8');
    const ca = new X509Certificate(field('ca'));
    const cert = new X509Certificate(field('cert'));
    expect(ca.subject).toContain('CN=test-ca');
    expect(cert.subject).toContain('CN=web.apps.svc');
    expect(cert.subjectAltName).toContain('DNS:web');
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(field('key')))).toBe(true);
    expect(field('rsa')).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    // Three RSA keys (one of 4096 bits) take seconds each in WebAssembly; natively, much less.
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('lookup with a cluster to read', () => {
  const chart = chartOf({
    'templates/cm.yaml': configMap(`{{- $s := lookup "v1" "Secret" .Release.Namespace "db" }}
{{- $nsName := "none" }}{{ if $s.data }}{{ $nsName = b64dec $s.data.ns }}{{ end }}
{{- $ns := lookup "v1" "Namespace" "" $nsName }}
  found: {{ dig "metadata" "name" "nothing" $s | quote }}
  chained: {{ dig "metadata" "name" "nothing" $ns | quote }}
  replicas: {{ dig "spec" "replicas" 0 (lookup "apps/v1" "Deployment" "apps" "web") | quote }}
  kind: {{ kindOf (dig "spec" "replicas" 0 (lookup "apps/v1" "Deployment" "apps" "web")) | quote }}
`),
  });

  it('renders with what the cluster holds, answering lookups that depend on earlier ones', async () => {
    const calls: LookupCall[] = [];
    const objects: Record<string, Record<string, unknown>> = {
      'v1/Secret/apps/db': {
        metadata: { name: 'db' },
        data: { ns: Buffer.from('shared').toString('base64') },
      },
      'v1/Namespace//shared': { metadata: { name: 'shared' } },
      'apps/v1/Deployment/apps/web': { metadata: { name: 'web' }, spec: { replicas: 3 } },
    };
    const lookup = async (call: LookupCall) => {
      calls.push(call);
      return objects[`${call.apiVersion}/${call.kind}/${call.namespace}/${call.name}`];
    };
    const { manifests } = await renderChart({ chart, values: {}, release: RELEASE, lookup });
    const data = manifests[0]!.content;
    expect(data).toContain('found: "db"');
    expect(data).toContain('chained: "shared"');
    expect(data).toContain('replicas: "3"');
    // Whole numbers from the API server are int64 to templates, as in Helm.
    expect(data).toContain('kind: "int64"');
    // Each distinct call is read once, however many rounds the render took.
    const keys = calls.map((c) => `${c.apiVersion}/${c.kind}/${c.namespace}/${c.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('finds nothing without a cluster, as helm template does', async () => {
    const { manifests } = await renderChart({ chart, values: {}, release: RELEASE });
    expect(manifests[0]!.content).toContain('found: "nothing"');
  });

  it('fails the render with the reason when the cluster cannot be read', async () => {
    const lookup = async () => {
      throw new Error('the server could not find the requested resource');
    };
    await expect(renderChart({ chart, values: {}, release: RELEASE, lookup })).rejects.toThrow(
      /the server could not find the requested resource/,
    );
  });
});

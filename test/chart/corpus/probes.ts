import { join } from 'node:path';
import { REPO_ROOT } from '../helpers.ts';
import { corpusCase, type NamedCase } from './cases.ts';

const TRICKY_SCALARS = join(REPO_ROOT, 'test', 'fixtures', 'values', 'tricky-scalars.yaml');

/**
 * Further cases on the shared charts, beyond cases.tsv: each tries a rule the corpus cases do not
 * reach (no --kube-version at all, vendor Kubernetes versions, values that fail a chart's own checks
 * or schema, scalars YAML versions read differently, packaged charts, subchart values).
 */
export function probeCases(): NamedCase[] {
  const probe = (id: string, chart: string, kube: 'pin' | 'none', flags = '') =>
    corpusCase(id, chart, kube, flags);
  return [
    // No --kube-version: each tool's own default (Helm 4.1.4: v1.35.0 and its offline API versions).
    ...[
      'podinfo',
      'ingress-nginx',
      'kube-prometheus-stack',
      'rabbitmq',
      'cert-manager',
      'argo-cd',
      'traefik',
      'loki',
    ].map((chart) => probe(`${chart}/no-kube-version`, chart, 'none')),
    // Vendor versions: constraints check the numeric part, templates see the whole.
    probe('ingress-nginx/eks-kube-version', 'ingress-nginx', 'none', '--kube-version v1.29.3-eks-adc7111'),
    probe(
      'kube-prometheus-stack/gke-kube-version',
      'kube-prometheus-stack',
      'none',
      '--kube-version v1.30.5-gke.1014001',
    ),
    probe('podinfo/old-kube-version', 'podinfo', 'none', '--kube-version 1.20'),
    probe('podinfo/bad-kube-version', 'podinfo', 'none', '--kube-version 01.30'),
    // Values the chart refuses: fail, required, range over a string, schema.
    probe('wordpress/external-db', 'wordpress', 'pin', '--set mariadb.enabled=false'),
    probe('redis/bad-architecture', 'redis', 'pin', '--set architecture=triple'),
    probe(
      'podinfo/bad-ingress-hosts',
      'podinfo',
      'pin',
      '--set ingress.enabled=true --set ingress.hosts=foo',
    ),
    probe('mysql/schema-enum', 'mysql', 'pin', '--set architecture=triple'),
    probe('traefik/schema-type', 'traefik', 'pin', '--set deployment.replicas=abc'),
    probe('vault/ha-raft', 'vault', 'pin', '--set server.ha.enabled=true --set server.ha.raft.enabled=true'),
    probe(
      'traefik/pdb',
      'traefik',
      'pin',
      '--set podDisruptionBudget.enabled=true --set podDisruptionBudget.minAvailable=1',
    ),
    probe('nginx/missing-values-file', 'nginx', 'pin', '-f missing.yaml'),
    probe('nginx/tricky-scalars', 'nginx', 'pin', `-f ${TRICKY_SCALARS}`),
    probe('nginx/set-json-object', 'nginx', 'pin', '--set-json {"commonLabels":{"team":"web","tier":3}}'),
    // Packaged charts, and values reaching into subcharts.
    probe('podinfo/packaged', 'podinfo/podinfo-6.14.1.tgz', 'pin'),
    probe('wordpress/packaged', 'wordpress/wordpress-27.0.0.tgz', 'pin', '--set memcached.enabled=true'),
    probe(
      'keycloak/subchart-values',
      'keycloak',
      'pin',
      '--set postgresql.auth.username=kc --set global.security.allowInsecureImages=true',
    ),
    probe(
      'prometheus/disabled-subcharts',
      'prometheus',
      'pin',
      '--set alertmanager.enabled=false --set prometheus-pushgateway.enabled=false',
    ),
    probe(
      'argo-cd/api-versions',
      'argo-cd',
      'pin',
      '-a monitoring.coreos.com/v1 --set server.metrics.enabled=true --set server.metrics.serviceMonitor.enabled=true',
    ),
  ];
}

import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { splitFlags, type TemplateCase } from '../../fixtures/helm-oracle.ts';
import { SHARED_DIR } from '../helpers.ts';

export const REAL_CHARTS_DIR = join(SHARED_DIR, 'conformance', 'real-charts');
const KNOWN_DIFFERENCES_DIR = join(REAL_CHARTS_DIR, 'known-differences');

/** The Kubernetes version `kube: pin` stands for: the helm binary's own default (Helm 4.1.4). */
export const HELM_DEFAULT_KUBE_VERSION = 'v1.35.0';

export interface NamedCase extends TemplateCase {
  id: string;
}

/**
 * A case of the corpus: chart folder (or packaged .tgz) under real-charts/, `pin` or `none` for the
 * Kubernetes version, and extra flags. The command is `template rel <chart> -n ns …`, run in the
 * chart's folder.
 */
export function corpusCase(id: string, chart: string, kube: string, flags: string): NamedCase {
  const packaged = chart.endsWith('.tgz');
  const cwd = join(REAL_CHARTS_DIR, packaged ? dirname(chart) : chart);
  const chartArg = packaged ? basename(chart) : 'chart';
  const kubeFlags = kube === 'pin' ? ['--kube-version', HELM_DEFAULT_KUBE_VERSION] : [];
  return { id, cwd, args: ['template', 'rel', chartArg, '-n', 'ns', ...kubeFlags, ...splitFlags(flags)] };
}

/** Every case of the shared cases.tsv. */
export function sharedCorpusCases(): NamedCase[] {
  return readFileSync(join(REAL_CHARTS_DIR, 'cases.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [id = '', chart = '', kube = '', flags = ''] = line.split('\t');
      return corpusCase(id, chart, kube, flags);
    });
}

/** Each smallest reproduction of a difference found so far: `template x . <args>` in its folder. */
export function knownDifferenceCases(): NamedCase[] {
  return readdirSync(KNOWN_DIFFERENCES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => {
      const cwd = join(KNOWN_DIFFERENCES_DIR, entry.name);
      const args = splitFlags(readFileSync(join(cwd, 'args'), 'utf8'));
      return { id: entry.name, cwd, args: ['template', 'x', '.', ...args] };
    });
}

/**
 * quayside's applier as a whole process, for bench/apply.ts:
 *   node --import tsx bench/apply-once.ts KUBECONFIG MANIFEST
 * Applies the manifest as release `bench` in `default` and exits non-zero if anything failed.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { applyRevision, type KubeObject, kubeconfigConnectionProvider } from '../lib/kube/index.ts';

const [kubeconfig, manifestFile] = process.argv.slice(2);
if (!kubeconfig || !manifestFile) {
  process.stderr.write('usage: apply-once.ts KUBECONFIG MANIFEST\n');
  process.exit(2);
}
const objects = parseAllDocuments(readFileSync(manifestFile, 'utf8'))
  .map((d) => d.toJS() as KubeObject | null)
  .filter((o): o is KubeObject => o !== null);
const connection = await kubeconfigConnectionProvider({ file: kubeconfig }).connect('');
const outcome = await applyRevision({
  connection,
  objects,
  release: { name: 'bench', namespace: 'default' },
  deadline: Date.now() + 120_000,
});
connection.close();
if (!outcome.ok) {
  process.stderr.write(`${outcome.error?.message}\n`);
  process.exit(1);
}
process.stdout.write(`${outcome.results.length} objects applied\n`);

import { parseAllDocuments } from 'yaml';
import type { RenderedManifest } from '../chart/index.ts';
import { type KubeObject, loadYamlDocuments } from '../kube/index.ts';
import { ManifestError } from './errors.ts';

/** The manifest as Helm stores it: each template's output under a `# Source:` line. */
export function joinManifests(manifests: readonly RenderedManifest[]): string {
  return manifests.map((m) => `---\n# Source: ${m.path}\n${m.content.trimEnd()}\n`).join('');
}

/**
 * The Kubernetes objects of a stored or rendered manifest, in order. Empty
 * documents are skipped; lists (`kind: List`) are flattened.
 * @throws ManifestError naming the document that is not an object with apiVersion, kind and name.
 */
export function parseManifest(manifest: string): KubeObject[] {
  const objects: KubeObject[] = [];
  const values = loadYamlDocuments(manifest) ?? readDocuments(manifest);
  values.forEach((value, index) => {
    if (value === null || value === undefined) return;
    for (const object of flatten(value)) {
      const meta = (object as { metadata?: { name?: unknown } }).metadata;
      if (
        typeof object.apiVersion !== 'string' ||
        typeof object.kind !== 'string' ||
        typeof meta?.name !== 'string'
      ) {
        throw new ManifestError(
          `manifest document ${index + 1} is not a Kubernetes object with apiVersion, kind and metadata.name`,
        );
      }
      objects.push(object as unknown as KubeObject);
    }
  });
  return objects;
}

/** The documents as the yaml library reads them: for what the fast reader leaves, and its errors. */
function readDocuments(manifest: string): unknown[] {
  const documents = parseAllDocuments(manifest);
  const list = Array.isArray(documents) ? documents : [documents];
  return list.map((document, index) => {
    if (document.errors.length > 0) {
      throw new ManifestError(
        `manifest document ${index + 1} is not valid YAML: ${document.errors[0]?.message}`,
      );
    }
    return document.toJS({ maxAliasCount: 100 }) as unknown;
  });
}

function flatten(value: unknown): Array<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ManifestError('a manifest document is not a YAML mapping');
  }
  const object = value as Record<string, unknown>;
  if (object.kind === 'List' && Array.isArray(object.items)) return object.items.flatMap(flatten);
  return [object];
}

/**
 * Reading machine-written YAML fast: rendered manifests and kubeconfigs. The `yaml` library reads a
 * 51-object manifest in ~100 ms in a fresh process, js-yaml in ~20 ms, and both read YAML 1.2 with
 * the core schema the same way (test/kube/yaml.test.ts holds them to it). Anything js-yaml reads
 * differently or refuses (anchors and aliases, whose expansion only the `yaml` library limits;
 * complex keys; duplicate keys; unknown tags; syntax errors) is left to the caller's `yaml` path,
 * which also words the errors as before. Before either, text in the plain block style templates
 * write is read line by line (plain-yaml.ts, held to js-yaml's results by test/kube/plain-yaml.test.ts).
 */
import { load, loadAll } from 'js-yaml';
import { readPlainYaml } from './plain-yaml.ts';

/**
 * The documents of `text` (an empty document is null), or undefined when the `yaml` library must
 * read it instead.
 */
export function loadYamlDocuments(text: string): unknown[] | undefined {
  try {
    // maxAliases 0: an alias is refused here, so that alias bombs meet the yaml library's limit.
    return (
      readPlainYaml(text, (document) => load(document, { maxAliases: 0 })) ?? loadAll(text, { maxAliases: 0 })
    );
  } catch {
    return undefined;
  }
}

/**
 * One YAML document (a kubeconfig, say): read fast, else by the `yaml` library, loaded only then.
 * @throws the yaml library's error for text that is not YAML
 */
export async function readYaml(text: string): Promise<unknown> {
  const fast = loadYamlDocuments(text);
  if (fast !== undefined && fast.length <= 1) return fast[0] ?? null;
  const { parse } = await import('yaml');
  return parse(text);
}

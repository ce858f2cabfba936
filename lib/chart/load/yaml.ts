import { parse } from 'yaml';
import { EngineYamlError, readYamlLikeHelm } from '../engine/engine-host.ts';
import { YamlError } from '../errors.ts';
import { yamlMessage } from '../messages.ts';

// Chart.yaml, values files and requirements.yaml are read by Helm's own YAML library inside the
// template engine (engine/go/.../values_yaml.go), so scalars mean what they mean to Helm (`1:20` stays
// a string, `.inf` is refused, `yes` is true) and syntax errors read as Helm's. Only a repository's
// index.yaml, which no template sees, is read here in JavaScript.

// Helm reads YAML with go-yaml v2 (YAML 1.1: yes/no are booleans, 0777 is
// octal) but keeps timestamps as strings, so the 1.1 timestamp tag is dropped.
const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

/**
 * Largest number of alias expansions one document may make. A few hundred is
 * plenty for real charts and stops "billion laughs" documents cold.
 */
export const MAX_YAML_ALIASES = 1000;

/** Parses one YAML document in JavaScript, YAML 1.1 as go-yaml v2 reads it. Throws YamlError naming `file`. */
export function parseYaml(text: string, file: string): unknown {
  try {
    return parse(text, {
      version: '1.1',
      schema: 'yaml-1.1',
      customTags: (tags) =>
        tags.filter((tag) => (typeof tag === 'string' ? tag !== 'timestamp' : tag.tag !== TIMESTAMP_TAG)),
      merge: true,
      uniqueKeys: false,
      maxAliasCount: MAX_YAML_ALIASES,
      prettyErrors: false,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new YamlError(yamlMessage(file, reason), file, { cause: error, reason });
  }
}

/**
 * Reads a values file (a chart's values.yaml or a -f file) as Helm 4 does: one or more documents,
 * each a map, merged in order. Throws YamlError whose `reason` is Helm's message
 * ("cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 2: …").
 */
export async function readValuesYaml(text: string, file: string): Promise<Record<string, unknown>> {
  const value = await readLikeHelm('values', text, file);
  return (value ?? {}) as Record<string, unknown>;
}

/** Reads a YAML document that must be a map (or empty), such as Chart.yaml. Throws YamlError otherwise. */
export async function readYamlMap(text: string, file: string): Promise<Record<string, unknown>> {
  const value = await readLikeHelm('document', text, file);
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    const reason = 'the document is not a map';
    throw new YamlError(yamlMessage(file, reason), file, { reason });
  }
  return value as Record<string, unknown>;
}

async function readLikeHelm(mode: 'values' | 'document', text: string, file: string): Promise<unknown> {
  try {
    return await readYamlLikeHelm(mode, text);
  } catch (error) {
    if (!(error instanceof EngineYamlError)) throw error;
    throw new YamlError(yamlMessage(file, error.message), file, { cause: error, reason: error.message });
  }
}

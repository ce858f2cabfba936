import { parse } from 'yaml';
import { YamlError } from '../errors.ts';
import { yamlMessage } from '../messages.ts';

// Helm reads YAML with go-yaml v2 (YAML 1.1: yes/no are booleans, 0777 is
// octal) but keeps timestamps as strings, so the 1.1 timestamp tag is dropped.
const TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp';

/**
 * Largest number of alias expansions one document may make. A few hundred is
 * plenty for real charts and stops "billion laughs" documents cold.
 */
export const MAX_YAML_ALIASES = 1000;

/** Parses one YAML document as Helm does. Throws YamlError naming `file`. */
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
    throw new YamlError(yamlMessage(file, reason), file, { cause: error });
  }
}

/** Parses a YAML document that must be a map (or empty). Throws YamlError otherwise. */
export function parseYamlMap(text: string, file: string): Record<string, unknown> {
  const value = parseYaml(text, file);
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new YamlError(yamlMessage(file, 'the document is not a map'), file);
  }
  return value as Record<string, unknown>;
}

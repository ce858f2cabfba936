import { readFileSync } from 'node:fs';
import { ValueFlagError, YamlError } from '../errors.ts';
import { parseYaml } from '../load/yaml.ts';
import { VALUE_FLAG_MESSAGES as M } from '../messages.ts';
import type { Values } from '../types.ts';
import { parseSetLine } from './strvals.ts';
import { isTable } from './table.ts';

/** The value flags of helm install/upgrade/template, each in the order given. */
export interface ValueFlags {
  /** -f / --values: YAML files. */
  valueFiles?: string[];
  /** --set-json lines. */
  jsonValues?: string[];
  /** --set lines. */
  values?: string[];
  /** --set-string lines. */
  stringValues?: string[];
  /** --set-file lines (key=path). */
  fileValues?: string[];
}

/** Reads a file named on the command line; replaceable for tests and non-disk sources. */
export type FlagFileReader = (path: string) => Uint8Array;

const decoder = new TextDecoder();

/**
 * Merges value flags into one values map exactly as Helm does: -f files
 * first (deep-merged in order), then --set-json, --set, --set-string and
 * --set-file lines, each overriding what came before. Integers from --set
 * become bigint (Helm's int64). Throws ValueFlagError or YamlError.
 */
export function parseValueFlags(
  flags: ValueFlags,
  readFile: FlagFileReader = (p) => readFileSync(p),
): Values {
  let base: Values = {};
  for (const path of flags.valueFiles ?? []) {
    let text: string;
    try {
      text = decoder.decode(readFile(path));
    } catch (error) {
      throw new ValueFlagError(M.cannotRead(path), { cause: error });
    }
    base = mergeMaps(base, parseValuesFile(text, path));
  }
  const expressions = (flag: string, lines: readonly string[] | undefined, mode: SetMode) =>
    (lines ?? []).forEach((line, index, all) => {
      try {
        parseSetLine(line, base, mode);
      } catch (error) {
        if (!(error instanceof ValueFlagError)) throw error;
        throw new ValueFlagError(M.expression(flag, index + 1, all.length, error.message), { cause: error });
      }
    });
  expressions('--set-json', flags.jsonValues, 'json');
  expressions('--set', flags.values, 'typed');
  expressions('--set-string', flags.stringValues, 'string');
  const readValueFile = (path: string): string => {
    try {
      return decoder.decode(readFile(path));
    } catch (error) {
      throw new ValueFlagError(M.cannotRead(path), { cause: error });
    }
  };
  expressions('--set-file', flags.fileValues, readValueFile);
  return base;
}

type SetMode = Parameters<typeof parseSetLine>[2];

/**
 * A -f file as a values map. A YAML error names the file, the line and column, and the kind of
 * problem (the parser's code): the parser's own text can quote the document, which holds values.
 */
function parseValuesFile(text: string, path: string): Values {
  let value: unknown;
  try {
    value = parseYaml(text, path);
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    const cause = error.cause as { code?: unknown; pos?: unknown } | undefined;
    const code = typeof cause?.code === 'string' ? cause.code : 'BAD_YAML';
    const offset = Array.isArray(cause?.pos) && typeof cause.pos[0] === 'number' ? cause.pos[0] : undefined;
    const at = offset === undefined ? undefined : lineAndColumn(text, offset);
    throw new ValueFlagError(M.cannotParse(path, at?.line, at?.column, M.yamlProblem(code)), {
      cause: error,
    });
  }
  if (value === null || value === undefined) return {};
  if (!isTable(value)) throw new ValueFlagError(M.cannotParse(path, undefined, undefined, M.notAMap));
  return value;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

/** Helm's mergeMaps for -f files: maps merge deeply, anything else replaces. */
export function mergeMaps(a: Values, b: Values): Values {
  const out: Values = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const existing = out[key];
    out[key] = isTable(value) && isTable(existing) ? mergeMaps(existing, value) : value;
  }
  return out;
}

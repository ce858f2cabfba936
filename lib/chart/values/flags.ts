import { readFileSync } from 'node:fs';
import { ValueFlagError, YamlError } from '../errors.ts';
import { parseYamlMap } from '../load/yaml.ts';
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
    try {
      base = mergeMaps(base, parseYamlMap(text, path));
    } catch (error) {
      if (error instanceof YamlError)
        throw new ValueFlagError(M.cannotParse(path, error.message), { cause: error });
      throw error;
    }
  }
  for (const line of flags.jsonValues ?? []) run(() => parseSetLine(line, base, 'json'), M.setJson(line));
  for (const line of flags.values ?? []) run(() => parseSetLine(line, base, 'typed'), M.set);
  for (const line of flags.stringValues ?? []) run(() => parseSetLine(line, base, 'string'), M.setString);
  const readValueFile = (path: string): string => {
    try {
      return decoder.decode(readFile(path));
    } catch (error) {
      throw new ValueFlagError(M.cannotRead(path), { cause: error });
    }
  };
  for (const line of flags.fileValues ?? []) run(() => parseSetLine(line, base, readValueFile), M.setFile);
  return base;
}

function run(parse: () => void, context: string): void {
  try {
    parse();
  } catch (error) {
    if (error instanceof ValueFlagError)
      throw new ValueFlagError(`${context}: ${error.message}`, { cause: error });
    throw error;
  }
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

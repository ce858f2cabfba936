import { readFileSync } from 'node:fs';
import { ValueFlagError, YamlError } from '../errors.ts';
import { readValuesYaml } from '../load/yaml.ts';
import { VALUE_FLAG_MESSAGES as M } from '../messages.ts';
import type { Values } from '../types.ts';
import { goReadFileError } from './file-errors.ts';
import { parseSetLine } from './strvals.ts';
import { isFiniteJson, isTable } from './table.ts';

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
 * Merges value flags into one values map exactly as Helm 4 does: -f files
 * first (each read as Helm reads values files, deep-merged in order), then
 * --set-json (a `key=JSON` line, or a whole JSON object merged in), --set,
 * --set-string and --set-file lines, each overriding what came before.
 * Integers from --set become bigint (Helm's int64). Throws ValueFlagError with
 * Helm's messages, which name the flag and file but never a value.
 */
export async function parseValueFlags(
  flags: ValueFlags,
  readFile: FlagFileReader = (p) => readFileSync(p),
): Promise<Values> {
  let base: Values = {};
  for (const path of flags.valueFiles ?? []) {
    const text = decoder.decode(readFlagFile(readFile, path));
    try {
      base = mergeMaps(base, await readValuesYaml(text, path));
    } catch (error) {
      if (error instanceof YamlError)
        throw new ValueFlagError(M.cannotParse(path, error.reason), { cause: error });
      throw error;
    }
  }
  for (const line of flags.jsonValues ?? []) base = mergeJsonLine(base, line);
  for (const line of flags.values ?? []) run(() => parseSetLine(line, base, 'typed'), M.set);
  for (const line of flags.stringValues ?? []) run(() => parseSetLine(line, base, 'string'), M.setString);
  const readValueFile = (path: string): string => decoder.decode(readFlagFile(readFile, path));
  for (const line of flags.fileValues ?? []) run(() => parseSetLine(line, base, readValueFile), M.setFile);
  return base;
}

function readFlagFile(readFile: FlagFileReader, path: string): Uint8Array {
  try {
    return readFile(path);
  } catch (error) {
    throw new ValueFlagError(goReadFileError(path, error), { cause: error });
  }
}

/**
 * One --set-json line. Helm 4 merges a whole JSON object (`{"a":{"b":1}}`) into the values, and
 * reads anything else as `key=JSON` pairs; either way its message names only the line.
 */
function mergeJsonLine(base: Values, line: string): Values {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    let object: unknown;
    try {
      object = JSON.parse(trimmed);
    } catch (error) {
      throw new ValueFlagError(M.setJsonObject(line), { cause: error });
    }
    if (!isTable(object) || !isFiniteJson(object)) throw new ValueFlagError(M.setJsonObject(line));
    return mergeMaps(base, object);
  }
  try {
    parseSetLine(line, base, 'json');
  } catch (error) {
    if (error instanceof ValueFlagError) throw new ValueFlagError(M.setJson(line), { cause: error });
    throw error;
  }
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

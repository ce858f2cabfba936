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
 * Merges value flags into one values map as Helm 4 does: -f files first (each read as Helm reads
 * values files, deep-merged in order), then --set-json (a `key=JSON` line, or a whole JSON object
 * merged in), --set, --set-string and --set-file lines, each overriding what came before. Integers
 * from --set become bigint (Helm's int64).
 *
 * Errors differ from Helm's on purpose where Helm's quote what was given: a --set line or a values
 * file holds values, and values may be secrets. They name the flag, the expression's position, the
 * file and line, and the problem — never the text (DESIGN.md, invariant 6).
 * @throws ValueFlagError
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
      if (error instanceof YamlError) {
        throw new ValueFlagError(M.cannotParseFile(path, withoutQuotedValues(error.reason)), {
          cause: error,
        });
      }
      throw error;
    }
  }
  const each = (flag: string, lines: readonly string[] | undefined, parse: (line: string) => void) =>
    (lines ?? []).forEach((line, index, all) => {
      try {
        parse(line);
      } catch (error) {
        if (!(error instanceof ValueFlagError)) throw error;
        throw new ValueFlagError(M.expression(flag, index + 1, all.length, error.message), { cause: error });
      }
    });
  each('--set-json', flags.jsonValues, (line) => {
    base = mergeJsonLine(base, line);
  });
  each('--set', flags.values, (line) => parseSetLine(line, base, 'typed'));
  each('--set-string', flags.stringValues, (line) => parseSetLine(line, base, 'string'));
  const readValueFile = (path: string): string => decoder.decode(readFlagFile(readFile, path));
  each('--set-file', flags.fileValues, (line) => parseSetLine(line, base, readValueFile));
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
 * reads anything else as `key=JSON` pairs.
 * @throws ValueFlagError saying what is wrong, without the line (JSON.parse's own message quotes it)
 */
function mergeJsonLine(base: Values, line: string): Values {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    let object: unknown;
    try {
      object = JSON.parse(trimmed);
    } catch (error) {
      throw new ValueFlagError(M.notJsonObject, { cause: error });
    }
    if (!isTable(object) || !isFiniteJson(object)) throw new ValueFlagError(M.notJsonObject);
    return mergeMaps(base, object);
  }
  parseSetLine(line, base, 'json');
  return base;
}

/** A YAML reader's message with what it quotes of the document (yaml.v2 quotes in backticks) taken out. */
function withoutQuotedValues(reason: string): string {
  return reason.replace(/`[^`]*`/g, '(value hidden)');
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

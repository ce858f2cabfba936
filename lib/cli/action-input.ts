import type { ChartSource } from '../chart/index.ts';
import { parseValueFlags, type Values } from '../chart/index.ts';
import type { ActionOptions } from '../engine/index.ts';
import { type Flags, timeoutMs, wholeNumber } from './args.ts';
import { chartSourceOf } from './chart-source.ts';

/** Helm's action flags as the engine's options; flags not given are left to the engine's defaults. */
export function actionOptionsOf(command: string, flags: Flags): ActionOptions {
  const timeout = timeoutMs(command, flags);
  const historyMax = wholeNumber(command, '--history-max', flags['history-max']);
  const pick = <K extends keyof ActionOptions>(key: K, value: ActionOptions[K] | undefined) =>
    value === undefined ? {} : { [key]: value };
  return {
    ...pick('wait', flags.wait),
    ...pick('timeoutMs', timeout),
    ...pick('atomic', flags.atomic),
    ...pick('cleanupOnFail', flags['cleanup-on-fail']),
    ...pick('reuseValues', flags['reuse-values']),
    ...pick('resetValues', flags['reset-values']),
    ...pick('resetThenReuseValues', flags['reset-then-reuse-values']),
    ...pick('dryRun', flags['dry-run']),
    ...pick('description', flags.description),
    ...pick('historyMax', historyMax),
    ...pick('force', flags.force),
    ...pick('takeOwnership', flags['take-ownership']),
    ...pick('disableHooks', flags['no-hooks']),
    ...pick('createNamespace', flags['create-namespace']),
    ...pick('install', flags.install),
    ...pick('keepHistory', flags['keep-history']),
  };
}

/** -f/--set/--set-string/--set-json/--set-file merged as helm merges them. @throws ValueFlagError */
export function valuesOf(flags: Flags): Promise<Values> {
  return parseValueFlags({
    valueFiles: (flags.values ?? []).flatMap((v) => v.split(',')),
    jsonValues: flags['set-json'] ?? [],
    values: flags.set ?? [],
    stringValues: flags['set-string'] ?? [],
    fileValues: flags['set-file'] ?? [],
  });
}

export function chartOf(ref: string, flags: Flags): Promise<ChartSource> {
  return chartSourceOf(ref, flags);
}

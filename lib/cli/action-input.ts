import type { ChartSource } from '../chart/index.ts';
import { parseValueFlags, type Values } from '../chart/index.ts';
import type { ActionOptions } from '../engine/index.ts';
import { type Flags, timeoutMs, wholeNumber } from './args.ts';
import { chartSourceOf } from './chart-source.ts';
import { CliUsageError } from './errors.ts';
import { MESSAGES } from './messages.ts';

/** Helm's action flags as the engine's options; flags not given are left to the engine's defaults. */
export function actionOptionsOf(command: string, flags: Flags): ActionOptions {
  const timeout = timeoutMs(command, flags);
  const historyMax = wholeNumber(command, '--history-max', flags['history-max']);
  const pick = <K extends keyof ActionOptions>(key: K, value: ActionOptions[K] | undefined) =>
    value === undefined ? {} : { [key]: value };
  const atomic = flags.atomic === true || flags['rollback-on-failure'] === true ? true : flags.atomic;
  checkServerSide(command, flags['server-side']);
  return {
    ...pick('wait', waitOf(command, flags.wait, atomic === true)),
    ...pick('waitForJobs', flags['wait-for-jobs']),
    ...pick('timeoutMs', timeout),
    ...pick('atomic', atomic),
    ...pick('cleanupOnFail', flags['cleanup-on-fail']),
    ...pick('reuseValues', flags['reuse-values']),
    ...pick('resetValues', flags['reset-values']),
    ...pick('resetThenReuseValues', flags['reset-then-reuse-values']),
    ...pick('dryRun', flags['dry-run']),
    ...pick('description', flags.description),
    ...pick('historyMax', historyMax),
    ...pick('force', flags.force),
    ...pick('forceConflicts', flags['force-conflicts']),
    ...pick('forceReplace', flags['force-replace']),
    ...pick('helmRecords', flags['helm-records']),
    ...pick('takeOwnership', flags['take-ownership']),
    ...pick('disableHooks', flags['no-hooks']),
    ...pick('createNamespace', flags['create-namespace']),
    ...pick('install', flags.install),
    ...pick('keepHistory', flags['keep-history']),
  };
}

/**
 * --wait as Helm 4 reads it: watcher and legacy wait for the objects, hookOnly only for hooks (and
 * becomes watcher with --rollback-on-failure, as in Helm 4); true and false as before.
 * @throws CliUsageError for any other value.
 */
function waitOf(command: string, value: string | undefined, rollsBack: boolean): boolean | undefined {
  switch (value) {
    case undefined:
      return undefined;
    case 'watcher':
    case 'legacy':
    case 'true':
      return true;
    case 'hookOnly':
      return rollsBack;
    case 'false':
      return false;
    default:
      throw new CliUsageError(command, MESSAGES.badWait(value));
  }
}

/** quayside always applies server-side; Helm 4's --server-side=false asks for client-side apply. @throws CliUsageError */
function checkServerSide(command: string, value: string | undefined): void {
  if (value === undefined || value === 'true' || value === 'auto') return;
  throw new CliUsageError(command, MESSAGES.badServerSide(value));
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

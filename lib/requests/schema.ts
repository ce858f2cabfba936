import * as z from 'zod';
import {
  ACTIONS,
  type Action,
  findReleaseIdProblems,
  REQUEST_ACTIONS,
  type ReleaseId,
  type RequestAction,
} from '../domain/index.ts';
import {
  automationFieldsOf,
  automationSchema,
  bakeSchema,
  checkAutomationFields,
} from './automation-schema.ts';
import { parseDuration } from './duration.ts';
import { DurationSyntaxError } from './errors.ts';
import { messages } from './messages.ts';
import type { ChartSource, DeployRequest, RequestOptions } from './types.ts';

/*
 * The zod twin of events/schemas/deploy-request.v1.schema.json. The two must accept and
 * refuse the same documents; test/requests/schema-twin.test.ts holds them to it.
 */

export const REQUEST_VERSION = 'v1' as const;
export const REQUEST_CHANNELS = ['ci', 'chatops', 'cli', 'schedule', 'api', 'automation'] as const;
/** SQS's limit on a deduplication id, and its alphabet (a subset). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
/**
 * 180 KiB of base64 (~135 KiB of archive) leaves room for values and the rest of the
 * request inside SQS's 256 KiB message limit.
 */
export const INLINE_CHART_MAX_CHARS = 180 * 1024;
/** SQS's limit on one message (body and attributes), in bytes. */
export const SQS_MAX_MESSAGE_BYTES = 256 * 1024;
export const DEFAULT_TIMEOUT = '5m0s';
export const DEFAULT_HISTORY_MAX = 10;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HTTP_URL = /^https?:\/\/\S+$/;
const OCI_REF = /^oci:\/\/\S+$/;
const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const SET_ENTRY = /^[^=]+=/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

export const BOOLEAN_OPTIONS = [
  'wait',
  'waitForJobs',
  'atomic',
  'rollbackOnFailure',
  'forceConflicts',
  'forceReplace',
  'cleanupOnFail',
  'reuseValues',
  'resetValues',
  'resetThenReuseValues',
  'dryRun',
  'force',
  'keepHistory',
  'createNamespace',
  'takeOwnership',
  'disableHooks',
  'install',
] as const;
type BooleanOption = (typeof BOOLEAN_OPTIONS)[number];

/** Which actions each boolean option means something for, as Helm's commands have the flags. */
export const OPTION_ACTIONS: Readonly<Record<BooleanOption, readonly Action[]>> = {
  wait: ACTIONS,
  waitForJobs: ['install', 'upgrade', 'rollback'],
  dryRun: ACTIONS,
  disableHooks: ACTIONS,
  atomic: ['install', 'upgrade'],
  rollbackOnFailure: ['install', 'upgrade'],
  forceConflicts: ['install', 'upgrade', 'rollback'],
  forceReplace: ['install', 'upgrade', 'rollback'],
  createNamespace: ['install', 'upgrade'],
  takeOwnership: ['install', 'upgrade'],
  cleanupOnFail: ['upgrade', 'rollback'],
  force: ['upgrade', 'rollback'],
  reuseValues: ['upgrade'],
  resetValues: ['upgrade'],
  resetThenReuseValues: ['upgrade'],
  install: ['upgrade'],
  keepHistory: ['uninstall'],
};

/** Pairs Helm refuses together (`--reuse-values` with `--reset-values`, …). */
export const EXCLUSIVE_OPTIONS: readonly (readonly [BooleanOption, BooleanOption])[] = [
  ['reuseValues', 'resetValues'],
  ['resetThenReuseValues', 'reuseValues'],
  ['resetThenReuseValues', 'resetValues'],
];

/** Fields only install and upgrade take. */
const CHANGE_FIELDS = ['chart', 'values', 'set', 'setString', 'setJson'] as const;

const OPTION_DEFAULTS = {
  wait: true,
  waitForJobs: false,
  timeout: DEFAULT_TIMEOUT,
  atomic: false,
  rollbackOnFailure: false,
  forceConflicts: false,
  forceReplace: false,
  cleanupOnFail: false,
  reuseValues: false,
  resetValues: false,
  resetThenReuseValues: false,
  dryRun: false,
  historyMax: DEFAULT_HISTORY_MAX,
  force: false,
  keepHistory: false,
  createNamespace: false,
  takeOwnership: false,
  disableHooks: false,
  install: false,
} as const;

/** Helm 4's wait strategies: watcher (kstatus) and legacy both wait for the objects; hookOnly waits only for hooks. */
export const WAIT_STRATEGIES = ['watcher', 'hookOnly', 'legacy'] as const;

const timeoutSchema = z.string().check((ctx) => {
  try {
    if (parseDuration(ctx.value) > 0) return;
    ctx.issues.push({ code: 'custom', message: messages.timeoutNotPositive, input: ctx.value });
  } catch (error) {
    if (!(error instanceof DurationSyntaxError)) throw error;
    ctx.issues.push({ code: 'custom', message: messages.timeout(error.reason), input: ctx.value });
  }
});

const flag = z.boolean().optional();
const optionsSchema = z.strictObject({
  wait: z.union([z.boolean(), z.enum(WAIT_STRATEGIES)]).optional(),
  waitForJobs: flag,
  timeout: timeoutSchema.optional(),
  atomic: flag,
  rollbackOnFailure: flag,
  forceConflicts: flag,
  forceReplace: flag,
  // quayside always applies server-side, as Helm 4 does by default; client-side apply is not offered.
  serverSide: z
    .union([z.literal(true), z.enum(['true', 'auto'])], { error: messages.serverSideOnly })
    .optional(),
  cleanupOnFail: flag,
  reuseValues: flag,
  resetValues: flag,
  resetThenReuseValues: flag,
  dryRun: flag,
  description: z.string().max(1024).optional(),
  historyMax: z.int().min(0).optional(),
  force: flag,
  keepHistory: flag,
  createNamespace: flag,
  takeOwnership: flag,
  disableHooks: flag,
  install: flag,
  helmRecords: flag,
});

const releaseSchema = z
  // The domain's rules judge all three at once (a type error here would hide the other two).
  .strictObject({ cluster: z.unknown(), namespace: z.unknown(), name: z.unknown() })
  .check((ctx) => {
    for (const problem of findReleaseIdProblems(ctx.value, '')) {
      ctx.issues.push({
        code: 'custom',
        message: problem.message,
        path: [problem.field.replace(/^\./, '')],
        input: ctx.value,
      });
    }
  });

const chartSchema = z
  .strictObject({
    repo: z.string().max(2048).regex(HTTP_URL, messages.chartRepo).optional(),
    name: z.string().max(128).regex(CHART_NAME, messages.chartName).optional(),
    version: z.string().min(1).max(128).optional(),
    oci: z.string().max(2048).regex(OCI_REF, messages.chartOci).optional(),
    inline: z
      .string()
      .min(1)
      .max(INLINE_CHART_MAX_CHARS, messages.chartInline(INLINE_CHART_MAX_CHARS))
      .regex(BASE64, messages.chartInline(INLINE_CHART_MAX_CHARS))
      .optional(),
    path: z.string().min(1).max(4096).optional(),
  })
  .check((ctx) => {
    const chart = ctx.value;
    const sources = (['repo', 'oci', 'inline', 'path'] as const).filter((key) => chart[key] !== undefined);
    const add = (message: string, path: string[] = []) =>
      ctx.issues.push({ code: 'custom', message, path, input: chart });
    if (sources.length === 0) add(messages.chartSourceMissing);
    if (sources.length > 1) add(messages.chartSourcesExclusive(sources));
    if (chart.repo !== undefined && chart.name === undefined) add(messages.chartNameRequired, ['name']);
    if (chart.repo === undefined && chart.name !== undefined) add(messages.chartNameNeedsRepo, ['name']);
    if ((chart.inline !== undefined || chart.path !== undefined) && chart.version !== undefined) {
      add(messages.chartVersionNotAllowed, ['version']);
    }
  });

const setEntries = z.array(z.string().regex(SET_ENTRY, messages.setEntry)).max(1000);

const dateTimeSchema = z.string().check((ctx) => {
  if (!isDateTime(ctx.value))
    ctx.issues.push({ code: 'custom', message: messages.dateTime, input: ctx.value });
});

const rawRequestSchema = z
  .strictObject({
    version: z.literal(REQUEST_VERSION),
    requestId: z.string().regex(REQUEST_ID_PATTERN, messages.requestId),
    action: z.enum(REQUEST_ACTIONS),
    release: releaseSchema,
    chart: chartSchema.optional(),
    values: z.record(z.string(), z.unknown()).optional(),
    set: setEntries.optional(),
    setString: setEntries.optional(),
    setJson: setEntries.optional(),
    revision: z.int().min(0).optional(),
    guard: z.strictObject({ revision: z.int().min(1) }).optional(),
    options: optionsSchema.optional(),
    requestedBy: z.strictObject({
      principal: z.string().min(1).max(256),
      channel: z.enum(REQUEST_CHANNELS),
    }),
    requestedAt: dateTimeSchema,
    // The automation's fields (issue 14): see automation-schema.ts.
    bake: bakeSchema.optional(),
    automation: automationSchema.optional(),
  })
  .check((ctx) => {
    const request = ctx.value;
    const add = (message: string, path: (string | number)[]) =>
      ctx.issues.push({ code: 'custom', message, path, input: request });
    const changes = request.action === 'install' || request.action === 'upgrade';
    if (changes && request.chart === undefined) add(messages.chartRequired(request.action), ['chart']);
    if (!changes) {
      for (const field of CHANGE_FIELDS) {
        if (request[field] !== undefined) add(messages.notForAction(request.action), [field]);
      }
    }
    if (request.action !== 'rollback' && request.revision !== undefined) {
      add(messages.notForAction(request.action), ['revision']);
    }
    if (request.action !== 'rollback' && request.guard !== undefined) {
      add(messages.notForAction(request.action), ['guard']);
    }
    const options = request.options ?? {};
    for (const name of BOOLEAN_OPTIONS) {
      // An option at its default is harmless anywhere; this also lets a parsed request be parsed again.
      const isDefault = options[name] === undefined || options[name] === OPTION_DEFAULTS[name];
      if (!isDefault && !(OPTION_ACTIONS[name] as readonly RequestAction[]).includes(request.action)) {
        add(messages.notForAction(request.action), ['options', name]);
      }
    }
    for (const [a, b] of EXCLUSIVE_OPTIONS) {
      if (options[a] === true && options[b] === true) add(messages.exclusiveOptions(a, b), ['options', a]);
    }
    if (options.atomic === true && options.wait === false)
      add(messages.atomicNeedsWait, ['options', 'atomic']);
    if (options.rollbackOnFailure === true && options.wait === false)
      add(messages.atomicNeedsWait, ['options', 'rollbackOnFailure']);
    checkAutomationFields(request, add);
  });

/** The DeployRequest v1 schema: validates, then fills in Helm's defaults. */
export const deployRequestSchema = rawRequestSchema.transform((raw): DeployRequest => {
  const common = <A extends RequestAction>(action: A) => ({
    version: REQUEST_VERSION,
    requestId: raw.requestId,
    action,
    release: raw.release as ReleaseId,
    options: normalizeOptions(raw.options ?? {}),
    requestedBy: raw.requestedBy,
    requestedAt: raw.requestedAt,
    ...automationFieldsOf({ automation: raw.automation }),
  });
  const bake = automationFieldsOf({ bake: raw.bake });
  switch (raw.action) {
    case 'install':
    case 'upgrade':
      return {
        ...common(raw.action),
        chart: raw.chart as ChartSource,
        values: raw.values ?? {},
        set: raw.set ?? [],
        setString: raw.setString ?? [],
        setJson: raw.setJson ?? [],
        ...bake,
      };
    case 'rollback':
      return {
        ...common(raw.action),
        revision: raw.revision ?? 0,
        ...(raw.guard === undefined ? {} : { guard: raw.guard }),
        ...bake,
      };
    case 'uninstall':
    case 'import':
      return common(raw.action);
  }
});

export type DeployRequestInput = z.input<typeof deployRequestSchema>;

/**
 * Helm's defaults filled in and Helm 4's words read as what they mean: rollbackOnFailure is atomic,
 * a wait strategy is whether to wait for the objects (a rollback on failure always waits, as Helm 4
 * turns hookOnly into watcher then), serverSide is always so.
 */
function normalizeOptions(raw: z.infer<typeof optionsSchema>): RequestOptions {
  const { serverSide: _serverSide, rollbackOnFailure, wait, ...rest } = raw;
  const atomic = raw.atomic === true || rollbackOnFailure === true;
  const waits = typeof wait === 'boolean' ? wait : wait === undefined || wait !== 'hookOnly' || atomic;
  return {
    ...OPTION_DEFAULTS,
    ...dropUndefined(rest),
    atomic,
    rollbackOnFailure: rollbackOnFailure ?? false,
    wait: waits,
  };
}

function dropUndefined<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** An RFC 3339 date-time that names a real instant (no 30 February, no hour 24). */
function isDateTime(text: string): boolean {
  const match = DATE_TIME.exec(text);
  if (!match) return false;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(y as number, (mo as number) - 1, d);
  date.setUTCHours(h as number, mi, s);
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === (mo as number) - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s
  );
}

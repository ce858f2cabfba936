import { describe, expect, it } from 'vitest';
import { deployRequestSchema, INLINE_CHART_MAX_CHARS, parseDeployRequest } from '../../lib/requests/index.ts';
import { compileSchemaFile, readJsonFolder } from '../fixtures/json-schema.ts';

const jsonSchema = compileSchemaFile('events/schemas/deploy-request.v1.schema.json');
const samples = readJsonFolder('events/requests');

const install = samples.get('install-blog.json') as Record<string, unknown>;
const rollback = samples.get('rollback-blog.json') as Record<string, unknown>;
const uninstall = samples.get('uninstall-blog.json') as Record<string, unknown>;
const upgrade = samples.get('upgrade-blog.json') as Record<string, unknown>;

const without = (doc: Record<string, unknown>, key: string) => {
  const copy = { ...doc };
  delete copy[key];
  return copy;
};

/** Documents both schemas must refuse, each with the field the zod twin must name. */
const invalid: [string, unknown, string][] = [
  ['a missing request id', without(install, 'requestId'), 'requestId'],
  ['a request id with a space', { ...install, requestId: 'a b' }, 'requestId'],
  ['a request id of 129 characters', { ...install, requestId: 'a'.repeat(129) }, 'requestId'],
  ['an unknown action', { ...install, action: 'restart' }, 'action'],
  ['an unknown top-level field', { ...install, priority: 1 }, 'priority'],
  [
    'an upper-case release name',
    { ...install, release: { cluster: 'c', namespace: 'tools', name: 'Blog' } },
    'release.name',
  ],
  [
    'a 54-character release name',
    { ...install, release: { cluster: 'c', namespace: 'n', name: 'a'.repeat(54) } },
    'release.name',
  ],
  [
    'a cluster with a slash',
    { ...install, release: { cluster: 'a/b', namespace: 'n', name: 'x' } },
    'release.cluster',
  ],
  [
    'a release without a namespace',
    { ...install, release: { cluster: 'c', name: 'x' } },
    'release.namespace',
  ],
  [
    'an extra release field',
    { ...install, release: { cluster: 'c', namespace: 'n', name: 'x', team: 'a' } },
    'release.team',
  ],
  ['an install without a chart', without(install, 'chart'), 'chart'],
  ['a chart with two sources', { ...install, chart: { oci: 'oci://r/c', path: '/c' } }, 'chart'],
  ['a chart with no source', { ...install, chart: { version: '1.0.0' } }, 'chart'],
  ['a repo chart without a name', { ...install, chart: { repo: 'https://c.example' } }, 'chart.name'],
  ['a chart name without a repo', { ...install, chart: { oci: 'oci://r/c', name: 'c' } }, 'chart.name'],
  ['a repo that is not http', { ...install, chart: { repo: 'ftp://c.example', name: 'c' } }, 'chart.repo'],
  ['an OCI reference without oci://', { ...install, chart: { oci: 'registry/c' } }, 'chart.oci'],
  ['an inline chart that is not base64', { ...install, chart: { inline: 'not base64!' } }, 'chart.inline'],
  [
    'an inline chart over the size limit',
    { ...install, chart: { inline: 'A'.repeat(INLINE_CHART_MAX_CHARS + 4) } },
    'chart.inline',
  ],
  [
    'a version with an inline chart',
    { ...install, chart: { inline: 'AAAA', version: '1' } },
    'chart.version',
  ],
  ['values that are an array', { ...install, values: [1, 2] }, 'values'],
  ['a set entry without =', { ...install, set: ['replicaCount'] }, 'set[0]'],
  ['a rollback with a chart', { ...rollback, chart: { path: '/c' } }, 'chart'],
  ['a rollback with values', { ...rollback, values: {} }, 'values'],
  ['an uninstall with set', { ...uninstall, set: ['a=1'] }, 'set'],
  ['an upgrade with a revision', { ...upgrade, revision: 2 }, 'revision'],
  ['a negative revision', { ...rollback, revision: -1 }, 'revision'],
  ['a fractional revision', { ...rollback, revision: 1.5 }, 'revision'],
  ['a timeout without a unit', { ...install, options: { timeout: '300' } }, 'options.timeout'],
  ['a timeout with an unknown unit', { ...install, options: { timeout: '5d' } }, 'options.timeout'],
  ['a zero timeout', { ...install, options: { timeout: '0s' } }, 'options.timeout'],
  ['a negative timeout', { ...install, options: { timeout: '-5m' } }, 'options.timeout'],
  ['an unknown option', { ...install, options: { recreatePods: true } }, 'options.recreatePods'],
  [
    'reuseValues with resetValues',
    { ...upgrade, options: { reuseValues: true, resetValues: true } },
    'options.reuseValues',
  ],
  [
    'resetThenReuseValues with reuseValues',
    { ...upgrade, options: { resetThenReuseValues: true, reuseValues: true } },
    'options.resetThenReuseValues',
  ],
  ['atomic without wait', { ...upgrade, options: { atomic: true, wait: false } }, 'options.atomic'],
  ['keepHistory on an upgrade', { ...upgrade, options: { keepHistory: true } }, 'options.keepHistory'],
  ['atomic on a rollback', { ...rollback, options: { atomic: true } }, 'options.atomic'],
  ['a negative historyMax', { ...upgrade, options: { historyMax: -1 } }, 'options.historyMax'],
  [
    'an unknown channel',
    { ...install, requestedBy: { principal: 'p', channel: 'email' } },
    'requestedBy.channel',
  ],
  [
    'an empty principal',
    { ...install, requestedBy: { principal: '', channel: 'ci' } },
    'requestedBy.principal',
  ],
  ['a date without a time zone', { ...install, requestedAt: '2026-11-23T12:00:00' }, 'requestedAt'],
  ['the 30th of February', { ...install, requestedAt: '2026-02-30T12:00:00Z' }, 'requestedAt'],
  ['a missing requestedAt', without(install, 'requestedAt'), 'requestedAt'],
  // The automation's fields (issue 14).
  ['a bake without for', { ...upgrade, bake: { alarms: ['a'] } }, 'bake.for'],
  ['a bake of zero', { ...upgrade, bake: { for: '0s' } }, 'bake.for'],
  ['a bake with no unit', { ...upgrade, bake: { for: '15' } }, 'bake.for'],
  ['a bake naming an alarm twice', { ...upgrade, bake: { for: '1m', alarms: ['a', 'a'] } }, 'bake.alarms'],
  ['a bake with an empty alarm name', { ...upgrade, bake: { for: '1m', alarms: [''] } }, 'bake.alarms[0]'],
  ['a bake with an unknown field', { ...upgrade, bake: { for: '1m', metrics: [] } }, 'bake.metrics'],
  ['a bake on an uninstall', { ...uninstall, bake: { for: '1m' } }, 'bake'],
  ['an unknown automation cause', { ...rollback, automation: { cause: 'cron' } }, 'automation.cause'],
  [
    'an alarm rollback naming no revision',
    { ...rollback, automation: { cause: 'alarm', reason: 'r' } },
    'automation.forRevision',
  ],
  [
    'a health rollback without a reason',
    { ...rollback, automation: { cause: 'health', forRevision: 2 } },
    'automation.reason',
  ],
  [
    'an alarm cause on an upgrade',
    { ...upgrade, automation: { cause: 'alarm', reason: 'r', forRevision: 2 } },
    'automation.cause',
  ],
  [
    'a schedule without its name',
    { ...rollback, automation: { cause: 'schedule', createdBy: 'a' } },
    'automation.schedule',
  ],
];

describe('the DeployRequest JSON Schema and its zod twin', () => {
  it('has samples for every action', () => {
    const actions = new Set([...samples.values()].map((doc) => (doc as { action: string }).action));
    expect([...actions].sort()).toEqual(['install', 'rollback', 'uninstall', 'upgrade']);
  });

  it('has samples of a bake, an automatic rollback and a scheduled request', () => {
    const docs = [...samples.values()] as Record<string, unknown>[];
    expect(docs.some((doc) => doc.bake !== undefined)).toBe(true);
    const causes = docs.map((doc) => (doc.automation as { cause?: string } | undefined)?.cause);
    expect(causes).toContain('alarm');
    expect(causes).toContain('schedule');
  });

  for (const [name, document] of samples) {
    it(`accepts the sample ${name} under both`, () => {
      expect(jsonSchema(document), JSON.stringify(jsonSchema.errors())).toBe(true);
      const parsed = deployRequestSchema.safeParse(document);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    });
  }

  for (const [name, document, field] of invalid) {
    it(`refuses ${name} under both, naming ${field}`, () => {
      expect(jsonSchema(document)).toBe(false);
      const result = parseDeployRequest(document);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems.map((p) => p.field)).toContain(field);
    });
  }

  it('accepts a parsed request again under both: defaults never make a request invalid', () => {
    for (const document of samples.values()) {
      const parsed = deployRequestSchema.parse(document);
      const again = JSON.parse(JSON.stringify(parsed));
      expect(jsonSchema(again), JSON.stringify(jsonSchema.errors())).toBe(true);
      expect(deployRequestSchema.parse(again)).toEqual(parsed);
    }
  });
});

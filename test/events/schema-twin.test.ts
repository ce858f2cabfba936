import { describe, expect, it } from 'vitest';
import {
  InvalidStatusEventError,
  parseStatusEvent,
  statusEventJsonSchema,
  toEventJson,
} from '../../lib/events/index.ts';
import { compileSchemaFile, readJsonFolder } from '../fixtures/json-schema.ts';

const jsonSchema = compileSchemaFile('events/schemas/status-event.v1.schema.json');
const samples = readJsonFolder('events/status');

type Doc = Record<string, unknown> & { detail: Record<string, unknown> };
const deployed = samples.get('release-deployed-blog-upgrade.json') as Doc;
const rejected = samples.get('request-rejected-malformed-json.json') as Doc;
const skipped = samples.get('automation-skipped-blog-newer.json') as Doc;
const verified = samples.get('release-verified-blog.json') as Doc;
const withDetail = (doc: Doc, detail: Record<string, unknown>) => ({
  ...doc,
  detail: { ...doc.detail, ...detail },
});
const withoutDetail = (doc: Doc, key: string) => {
  const detail = { ...doc.detail };
  delete detail[key];
  return { ...doc, detail };
};

const invalid: [string, unknown][] = [
  ['an unknown detail-type', { ...deployed, 'detail-type': 'Release Exploded' }],
  ['another source', { ...deployed, source: 'helm' }],
  ['a detail holding values', withDetail(deployed, { values: { password: 'x' } })],
  ['an unknown status', withDetail(deployed, { status: 'done' })],
  [
    'a negative change count',
    withDetail(deployed, { changes: { created: -1, configured: 0, unchanged: 0, deleted: 0, failed: 0 } }),
  ],
  ['a revision 0', withDetail(deployed, { revision: 0 })],
  ['a deployment without a release', withoutDetail(deployed, 'release')],
  ['a deployment without a request id', withoutDetail(deployed, 'requestId')],
  ['a deployment marked rejected', withDetail(deployed, { status: 'rejected' })],
  ['a failure that is not failed', { ...deployed, 'detail-type': 'Release Failed' }],
  ['a rejection with neither problems nor error', withoutDetail(rejected, 'problems')],
  ['a rejection with a release status', withDetail(rejected, { status: 'failed' })],
  ['a missing time', { ...deployed, time: undefined }],
  ['an unknown envelope field', { ...deployed, 'detail-typo': 'x' }],
  ['a skip that is not skipped', withDetail(skipped, { status: 'deployed' })],
  ['a skip without its automation', withoutDetail(skipped, 'automation')],
  ['a deployment marked skipped', withDetail(deployed, { status: 'skipped' })],
  ['a verification that is not deployed', withDetail(verified, { status: 'superseded' })],
  [
    'an automation with an unknown cause',
    withDetail(skipped, { automation: { cause: 'cron', reason: 'r' } }),
  ],
];

describe('the status event JSON Schema and its zod twin', () => {
  it('has a sample of every detail-type', () => {
    const types = new Set([...samples.values()].map((doc) => (doc as Doc)['detail-type']));
    expect([...types].sort()).toEqual([
      'Automation Skipped',
      'Release Deployed',
      'Release Failed',
      'Release Imported',
      'Release Rolled Back',
      'Release Uninstalled',
      'Release Verified',
      'Request Rejected',
    ]);
  });

  for (const [name, document] of samples) {
    it(`accepts the sample ${name} under both, and reads it back to the same JSON`, () => {
      expect(jsonSchema(document), JSON.stringify(jsonSchema.errors())).toBe(true);
      const event = parseStatusEvent(document);
      const { source, 'detail-type': detailType, time, detail } = document as Doc;
      expect(toEventJson(event)).toEqual({ source, 'detail-type': detailType, time, detail });
    });
  }

  for (const [name, document] of invalid) {
    it(`refuses ${name} under both`, () => {
      const clean = JSON.parse(JSON.stringify(document));
      expect(jsonSchema(clean)).toBe(false);
      expect(statusEventJsonSchema.safeParse(clean).success).toBe(false);
      expect(() => parseStatusEvent(clean)).toThrow(InvalidStatusEventError);
    });
  }
});

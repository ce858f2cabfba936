import { describe, expect, it } from 'vitest';
import { QuaysideError, ValidationError } from '../../lib/domain/index.ts';
import {
  buildRejectionEvent,
  buildReleaseEvent,
  chooseDetailType,
  countChanges,
  describeError,
  formatEventLine,
  type ReleaseEventInput,
  toEventJson,
} from '../../lib/events/index.ts';
import { parseQueueMessage } from '../../lib/requests/index.ts';
import { compileSchemaFile } from '../fixtures/json-schema.ts';

const jsonSchema = compileSchemaFile('events/schemas/status-event.v1.schema.json');
const SECRET = 'pa55-SECRET-9f1c';
const blog = { cluster: 'local', namespace: 'tools', name: 'blog' };
const base: ReleaseEventInput = {
  requestId: 'blog-upgrade-0002',
  action: 'upgrade',
  release: blog,
  status: 'deployed',
  description: 'Upgrade complete',
  revision: 2,
  previousRevision: 1,
  chart: { name: 'ghost', version: '1.24.9', appVersion: '1.24.9' },
  requestedBy: { principal: 'ci', channel: 'ci' },
  startedAt: Date.UTC(2026, 10, 23, 12, 0, 0),
  finishedAt: Date.UTC(2026, 10, 23, 12, 0, 1, 250),
};

describe('building status events', () => {
  it.each([
    ['install', 'deployed', 'Release Deployed'],
    ['upgrade', 'deployed', 'Release Deployed'],
    ['upgrade', 'dry-run', 'Release Deployed'],
    ['upgrade', 'failed', 'Release Failed'],
    ['install', 'failed', 'Release Failed'],
    ['rollback', 'deployed', 'Release Rolled Back'],
    ['rollback', 'failed', 'Release Failed'],
    ['uninstall', 'uninstalled', 'Release Uninstalled'],
    ['import', 'deployed', 'Release Imported'],
    ['import', 'failed', 'Release Imported'],
  ] as const)('announces a %s ending %s as %s', (action, status, detailType) => {
    expect(chooseDetailType(action, status)).toBe(detailType);
    const event = buildReleaseEvent({ ...base, action, status });
    expect(event.detailType).toBe(detailType);
    expect(jsonSchema(toEventJson(event)), JSON.stringify(jsonSchema.errors())).toBe(true);
  });

  it('stamps the event with the finish time and the duration', () => {
    const event = buildReleaseEvent(base);
    expect(event.time).toBe('2026-11-23T12:00:01.250Z');
    expect(event.detail.timings).toEqual({
      startedAt: '2026-11-23T12:00:00.000Z',
      finishedAt: '2026-11-23T12:00:01.250Z',
      durationMs: 1250,
    });
  });

  it('counts objects by what applying did to them, and publishes no object names', () => {
    const objects = [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'blog', action: 'configured' },
      { apiVersion: 'v1', kind: 'Service', name: 'blog', action: 'unchanged' },
      { apiVersion: 'v1', kind: 'Secret', name: 'blog-db-password', action: 'created' },
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'old', action: 'deleted' },
      { apiVersion: 'v1', kind: 'Ingress', name: 'blog', action: 'failed', error: 'webhook said no' },
    ] as const;
    expect(countChanges(objects)).toEqual({
      created: 1,
      configured: 1,
      unchanged: 1,
      recreated: 0,
      deleted: 1,
      failed: 1,
    });
    const json = JSON.stringify(buildReleaseEvent({ ...base, objects }));
    expect(json).not.toContain('blog-db-password');
    expect(json).not.toContain('webhook said no');
  });

  it("publishes a quayside error's type and message but only the type of any other error", () => {
    expect(
      describeError(new ValidationError([{ field: 'values.image', message: 'must be a string' }])),
    ).toEqual({
      type: 'ValidationError',
      message: 'values.image: must be a string',
    });
    expect(describeError(new SyntaxError(`Unexpected token in JSON at "${SECRET}"`))).toEqual({
      type: 'SyntaxError',
      message: 'an unexpected error occurred; the worker logs hold the details',
    });
    expect(describeError('a string')).toMatchObject({ type: 'Error' });
  });

  it('summarizes up to three problems in a rejection description, counting the rest', () => {
    const problems = ['a', 'b', 'c', 'd', 'e'].map((field) => ({ field, message: 'is required' }));
    const event = buildRejectionEvent({ messageId: 'm-1', problems, startedAt: 0, finishedAt: 1 });
    expect(event.detail.description).toBe(
      'Request rejected: a is required; b is required; c is required; and 2 more',
    );
    expect(event.detail.problems).toHaveLength(5);
    expect(jsonSchema(toEventJson(event)), JSON.stringify(jsonSchema.errors())).toBe(true);
  });

  it('leaks no value even when handed a whole request in place of its inputs', () => {
    const body = JSON.stringify({
      version: 'v1',
      requestId: 'blog-upgrade-0002',
      action: 'upgrade',
      release: blog,
      chart: { repo: 'https://charts.example.com', name: 'ghost' },
      values: { db: { password: SECRET } },
      set: [`db.password=${SECRET}`],
      setString: [`token=${SECRET}`],
      setJson: [`cfg={"k":"${SECRET}"}`],
      options: { description: 'upgrade' },
      requestedBy: { principal: 'ci', channel: 'ci' },
      requestedAt: '2026-11-23T12:00:00Z',
    });
    const parsed = parseQueueMessage(body);
    if (!parsed.ok) throw new Error('the sample should parse');
    const request = parsed.request;
    // The mistake the builders must survive: spreading a request into an input.
    const careless = {
      ...request,
      ...base,
      chart: { ...(request.action === 'upgrade' ? request.chart : {}), ...base.chart },
      requestedBy: request.requestedBy,
    };
    const events = [
      buildReleaseEvent(careless as unknown as ReleaseEventInput),
      buildReleaseEvent({ ...base, status: 'failed', error: new SyntaxError(SECRET) }),
      buildRejectionEvent({
        ...(request as object),
        requestId: request.requestId,
        error: new Error(SECRET),
        startedAt: 0,
        finishedAt: 1,
      }),
      buildRejectionEvent({
        ...parseQueueMessage(body.replace('"v1"', '"v9"')),
        startedAt: 0,
        finishedAt: 1,
      }),
    ];
    for (const event of events) {
      const json = JSON.stringify(toEventJson(event));
      expect(json).not.toContain(SECRET);
      expect(formatEventLine(event)).not.toContain(SECRET);
      expect(jsonSchema(JSON.parse(json)), JSON.stringify(jsonSchema.errors())).toBe(true);
    }
  });

  it('keeps absent fields out of the JSON instead of writing null', () => {
    const event = buildRejectionEvent({
      problems: [{ field: 'body', message: 'x' }],
      startedAt: 0,
      finishedAt: 0,
    });
    expect(Object.keys(event.detail).sort()).toEqual([
      'description',
      'problems',
      'status',
      'timings',
      'version',
    ]);
  });

  it('describes an error of the engine kept as the reason of a failed revision', () => {
    class RolloutFailedError extends QuaysideError {}
    const event = buildReleaseEvent({
      ...base,
      status: 'failed',
      error: new RolloutFailedError('ImagePullBackOff'),
    });
    expect(event.detail.error).toEqual({ type: 'RolloutFailedError', message: 'ImagePullBackOff' });
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseQueueMessage } from '../../lib/requests/index.ts';

const SECRET = 'hunter2-SECRET-do-not-log';
const sample = (name: string) =>
  readFileSync(new URL(`../../events/requests/${name}`, import.meta.url), 'utf8');
const upgrade = JSON.parse(sample('upgrade-blog.json'));

describe('parsing a queue message', () => {
  it('fills in Helm defaults: wait, a 5m0s timeout, history-max 10, everything else off', () => {
    const result = parseQueueMessage(sample('rollback-blog.json'));
    expect(result).toEqual({
      ok: true,
      request: {
        version: 'v1',
        requestId: 'blog-rollback-0003',
        action: 'rollback',
        release: { cluster: 'local', namespace: 'tools', name: 'blog' },
        revision: 1,
        options: {
          wait: true,
          waitForJobs: false,
          timeout: '5m0s',
          atomic: false,
          rollbackOnFailure: false,
          forceConflicts: false,
          forceReplace: false,
          cleanupOnFail: false,
          reuseValues: false,
          resetValues: false,
          resetThenReuseValues: false,
          dryRun: false,
          historyMax: 10,
          force: false,
          keepHistory: false,
          createNamespace: false,
          takeOwnership: false,
          disableHooks: false,
          install: false,
        },
        requestedBy: { principal: 'slack:U024BE7LH', channel: 'chatops' },
        requestedAt: '2018-07-21T13:50:10Z',
      },
    });
  });

  it('reads a rollback without a revision as a rollback to the previous one (revision 0)', () => {
    const result = parseQueueMessage(sample('rollback-guestbook-demo.json'));
    expect(result.ok && result.request.action === 'rollback' && result.request.revision).toBe(0);
  });

  it('gives an upgrade empty values and --set lists when it has none', () => {
    const { values: _values, ...bare } = upgrade;
    const result = parseQueueMessage(JSON.stringify(bare));
    expect(result.ok && result.request.action === 'upgrade' && result.request).toMatchObject({
      values: {},
      set: [],
      setString: [],
      setJson: [],
    });
  });

  it('refuses malformed JSON without quoting any of it', () => {
    const result = parseQueueMessage(`{"values": {"password": "${SECRET}"`);
    expect(result).toEqual({
      ok: false,
      problems: [{ field: 'body', message: 'the message body is not valid JSON' }],
    });
  });

  it('refuses a body that is JSON but not an object', () => {
    expect(parseQueueMessage('[1]')).toMatchObject({ ok: false, problems: [{ field: 'body' }] });
  });

  it('refuses another version with one problem, still naming the request it could read', () => {
    const result = parseQueueMessage(JSON.stringify({ ...upgrade, version: 'v2', chart: 42 }));
    expect(result).toEqual({
      ok: false,
      problems: [{ field: 'version', message: 'unsupported request version; this worker reads "v1"' }],
      requestId: 'blog-upgrade-0002',
      action: 'upgrade',
      release: { cluster: 'local', namespace: 'tools', name: 'blog' },
    });
  });

  it('names every invalid release field at once, with the domain rules', () => {
    const result = parseQueueMessage(
      JSON.stringify({ ...upgrade, release: { cluster: 'a/b', namespace: 'Tools', name: 7 } }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual([
      'release.name',
      'release.namespace',
      'release.cluster',
    ]);
    expect(result.release).toBeUndefined();
    expect(result.requestId).toBe('blog-upgrade-0002');
  });

  it('says what is wrong with an action without echoing it', () => {
    const result = parseQueueMessage(JSON.stringify({ ...upgrade, action: SECRET }));
    expect(result).toMatchObject({
      ok: false,
      problems: [
        {
          field: 'action',
          message: 'must be one of "install", "upgrade", "rollback", "uninstall", "import"',
        },
      ],
    });
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('never quotes values, --set entries or other input in its problems', () => {
    const hostile = {
      ...upgrade,
      requestId: `${SECRET}!`,
      values: { db: { password: SECRET } },
      set: [SECRET],
      setJson: [`x=${SECRET}`, 7],
      options: { timeout: SECRET, description: 7 },
      requestedBy: { principal: SECRET, channel: SECRET },
      requestedAt: SECRET,
      chart: { repo: SECRET, name: `-${SECRET}` },
    };
    const result = parseQueueMessage(JSON.stringify(hostile));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.length).toBeGreaterThanOrEqual(8);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it('explains mutually exclusive options', () => {
    const result = parseQueueMessage(
      JSON.stringify({ ...upgrade, options: { reuseValues: true, resetValues: true } }),
    );
    expect(result).toMatchObject({
      ok: false,
      problems: [
        {
          field: 'options.reuseValues',
          message: 'cannot be combined with resetValues; reuseValues and resetValues are mutually exclusive',
        },
      ],
    });
  });

  it('lets an option that does not apply to the action through only at its default', () => {
    const uninstall = JSON.parse(sample('uninstall-blog.json'));
    expect(
      parseQueueMessage(JSON.stringify({ ...uninstall, options: { atomic: false, wait: true } })).ok,
    ).toBe(true);
    expect(parseQueueMessage(JSON.stringify({ ...uninstall, options: { atomic: true } }))).toMatchObject({
      ok: false,
      problems: [{ field: 'options.atomic', message: 'does not apply to uninstall' }],
    });
  });

  it('names each unknown field by its path', () => {
    const result = parseQueueMessage(
      JSON.stringify({
        ...upgrade,
        extra: 1,
        options: { recreatePods: true },
        chart: { ...upgrade.chart, ref: 'x' },
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { field: 'extra', message: 'is not a known field' },
        { field: 'options.recreatePods', message: 'is not a known field' },
        { field: 'chart.ref', message: 'is not a known field' },
      ]),
    );
  });

  it('names a missing field as required', () => {
    const { requestedBy: _requestedBy, ...rest } = upgrade;
    expect(parseQueueMessage(JSON.stringify(rest))).toMatchObject({
      ok: false,
      problems: [{ field: 'requestedBy', message: 'is required' }],
    });
  });
});

describe("Helm 4's vocabulary in a DeployRequest", () => {
  const upgrade = (options: Record<string, unknown>) => {
    const result = parseQueueMessage(
      JSON.stringify({ ...(JSON.parse(sample('upgrade-blog.json')) as object), options }),
    );
    if (!result.ok) throw new Error(result.problems.map((p) => `${p.field} ${p.message}`).join('; '));
    return result.request.options;
  };

  it('reads rollbackOnFailure as atomic, and waits then even when asked for hookOnly', () => {
    expect(upgrade({ rollbackOnFailure: true, wait: 'hookOnly' })).toMatchObject({
      atomic: true,
      wait: true,
    });
  });

  it('reads the wait strategies as Helm 4 means them', () => {
    expect(upgrade({ wait: 'watcher' }).wait).toBe(true);
    expect(upgrade({ wait: 'legacy' }).wait).toBe(true);
    expect(upgrade({ wait: 'hookOnly' }).wait).toBe(false);
  });

  it('takes forceConflicts and forceReplace apart, and serverSide true or auto', () => {
    expect(upgrade({ forceConflicts: true, serverSide: 'auto' })).toMatchObject({
      forceConflicts: true,
      forceReplace: false,
    });
    expect(upgrade({ forceReplace: true, serverSide: true })).toMatchObject({
      forceConflicts: false,
      forceReplace: true,
    });
  });

  it('refuses client-side apply, naming the option', () => {
    const result = parseQueueMessage(
      JSON.stringify({
        ...(JSON.parse(sample('upgrade-blog.json')) as object),
        options: { serverSide: 'false' },
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ field: 'options.serverSide' });
    if (!result.ok) expect(result.problems[0]?.message).toContain('always applies server-side');
  });
});

describe('an import request', () => {
  const importRequest = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      version: 'v1',
      requestId: 'blog-import-0001',
      action: 'import',
      release: { cluster: 'local', namespace: 'tools', name: 'blog' },
      requestedBy: { principal: 'ci:pipeline', channel: 'ci' },
      requestedAt: '2026-11-23T12:00:00Z',
      ...extra,
    });

  it('names only the release', () => {
    const result = parseQueueMessage(importRequest());
    expect(result.ok && result.request.action).toBe('import');
  });

  it('refuses a chart, values or an option that does not apply to it', () => {
    for (const extra of [
      { chart: { oci: 'oci://r/c' } },
      { values: { a: 1 } },
      { options: { atomic: true } },
    ]) {
      const result = parseQueueMessage(importRequest(extra));
      expect(result.ok, JSON.stringify(extra)).toBe(false);
    }
  });
});

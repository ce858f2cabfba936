import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { AccessPolicy, decideAccess, matchesPattern, parseGrant } from '../../lib/chatops/index.ts';
import { ManualClock, ValidationError } from '../../lib/domain/index.ts';
import { DynamoDbDriver, ensureReleaseTable, MemoryDriver, type StoreDriver } from '../../lib/store/index.ts';

const blog = { cluster: 'prod', namespace: 'tools', name: 'blog' };

describe('access decisions', () => {
  it('matches glob patterns on whole names', () => {
    expect(matchesPattern('*', 'anything')).toBe(true);
    expect(matchesPattern('blog', 'blog')).toBe(true);
    expect(matchesPattern('blog', 'blog-2')).toBe(false);
    expect(matchesPattern('blog-*', 'blog-2')).toBe(true);
    expect(matchesPattern('b?og', 'blog')).toBe(true);
    expect(matchesPattern('*-prod-*', 'eu-prod-1')).toBe(true);
    expect(matchesPattern('*-prod-*', 'eu-dev-1')).toBe(false);
    expect(matchesPattern('a*a*a*a*b', 'a'.repeat(40))).toBe(false);
  });

  it('denies by default, and allows only a grant of exactly the right asked for', () => {
    const caller = { subject: 'slack:UALICE', groups: [] };
    expect(decideAccess({ grants: [], caller, right: 'read', target: blog }).allowed).toBe(false);
    const grants = [parseGrant({ subject: 'slack:UALICE', right: 'rollback', namespace: 'tools' })];
    expect(decideAccess({ grants, caller, right: 'rollback', target: blog })).toMatchObject({
      allowed: true,
      grant: grants[0],
    });
    // A right to roll back implies neither deploy nor read.
    expect(decideAccess({ grants, caller, right: 'deploy', target: blog }).allowed).toBe(false);
    expect(decideAccess({ grants, caller, right: 'read', target: blog }).allowed).toBe(false);
    expect(
      decideAccess({ grants, caller, right: 'rollback', target: { ...blog, namespace: 'web' } }).allowed,
    ).toBe(false);
    expect(
      decideAccess({ grants, caller: { subject: 'slack:UBOB', groups: [] }, right: 'rollback', target: blog })
        .allowed,
    ).toBe(false);
  });

  it('allows through a user group the caller is in', () => {
    const grants = [parseGrant({ subject: 'slack-group:S0ONCALL', right: 'rollback', cluster: 'prod' })];
    expect(
      decideAccess({
        grants,
        caller: { subject: 'slack:UBOB', groups: ['slack-group:S0ONCALL'] },
        right: 'rollback',
        target: blog,
      }).allowed,
    ).toBe(true);
    expect(
      decideAccess({ grants, caller: { subject: 'slack:UBOB', groups: [] }, right: 'rollback', target: blog })
        .allowed,
    ).toBe(false);
  });

  it('refuses grants it cannot read, naming each problem', () => {
    try {
      parseGrant({ subject: 'alice', right: 'admin', cluster: 'prod/../x' });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).problems.map((p) => p.field).sort()).toEqual([
        'cluster',
        'right',
        'subject',
      ]);
    }
    expect(
      parseGrant({ subject: 'iam:arn:aws:iam::123456789012:role/deployer', right: 'deploy' }).subject,
    ).toMatch(/^iam:/);
  });
});

const policies: [string, () => Promise<StoreDriver>][] = [
  ['memory', async () => new MemoryDriver()],
  [
    'DynamoDB Local',
    async () => {
      const client = new DynamoDBClient({
        endpoint: inject('dynamoEndpoint'),
        region: 'us-east-1',
        credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      });
      const table = `access-${process.pid}-${Date.now()}`;
      await ensureReleaseTable(client, table);
      return new DynamoDbDriver({ tableName: table, client });
    },
  ],
];

describe.each(policies)('the access policy in the release table (%s)', (_, open) => {
  it('grants, lists and revokes; a revocation holds from the next read on', async () => {
    const policy = new AccessPolicy({ driver: await open(), clock: new ManualClock(Date.UTC(2026, 10, 23)) });
    const rollback = parseGrant({ subject: 'slack:UALICE', right: 'rollback', namespace: 'tools' });
    const read = parseGrant({ subject: 'slack-group:S0ONCALL', right: 'read' });
    await policy.grant({ ...rollback, grantedBy: 'cli:ops' });
    await policy.grant(read);
    expect(await policy.list()).toEqual([
      { ...read, grantedAt: '2026-11-23T00:00:00.000Z' },
      { ...rollback, grantedBy: 'cli:ops', grantedAt: '2026-11-23T00:00:00.000Z' },
    ]);
    expect((await policy.list('slack:UALICE')).map((g) => g.right)).toEqual(['rollback']);
    expect(await policy.revoke(rollback)).toBe(true);
    expect(await policy.revoke(rollback)).toBe(false);
    expect(
      decideAccess({
        grants: await policy.list(),
        caller: { subject: 'slack:UALICE', groups: [] },
        right: 'rollback',
        target: blog,
      }).allowed,
    ).toBe(false);
  });
});

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { encodeRevisionMeta } from '../../lib/store/codec.ts';
import { DynamoDbDriver } from '../../lib/store/dynamodb.ts';
import { LOCAL_CLIENT_CONFIG } from '../../lib/store/dynamodb-local.ts';
import { ensureReleaseTable } from '../../lib/store/dynamodb-table.ts';
import { ReleaseStore, TransactionConflictError } from '../../lib/store/index.ts';
import { automationRecordsContract } from './automation.contract.ts';
import { releaseStoreContract } from './release-store.contract.ts';

const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: inject('dynamoEndpoint') });
let tables = 0;

afterAll(() => client.destroy());

releaseStoreContract('DynamoDB Local', async () => {
  const tableName = `releases-${process.pid}-${++tables}`;
  await ensureReleaseTable(client, tableName);
  return new DynamoDbDriver({ tableName, client });
});

automationRecordsContract('DynamoDB Local', async () => {
  const tableName = `releases-${process.pid}-${++tables}`;
  await ensureReleaseTable(client, tableName);
  return new DynamoDbDriver({ tableName, client });
});

describe('history on DynamoDB', () => {
  it('reads the newest 20 revisions of a long release in one Query', async () => {
    const tableName = `releases-${process.pid}-long`;
    await ensureReleaseTable(client, tableName);
    const driver = new DynamoDbDriver({ tableName, client });
    const release = { cluster: 'c', namespace: 'long', name: 'web' };
    for (let start = 1; start <= 2000; start += 100) {
      await driver.transact(
        Array.from({ length: 100 }, (_, i) => ({
          type: 'put' as const,
          item: encodeRevisionMeta(
            {
              release,
              revision: start + i,
              status: start + i === 2000 ? ('deployed' as const) : ('superseded' as const),
              description: 'Upgrade complete',
              action: 'upgrade' as const,
              chart: { name: 'web', version: '1.0.0' },
              requestId: `long-${start + i}`,
              requestedBy: { principal: 'test', channel: 'ci' },
              startedAt: new Date(0).toISOString(),
            },
            { chunks: 0 },
          ),
        })),
      );
    }
    const store = new ReleaseStore(driver);
    const before = driver.usage.requests;
    const page = await store.history(release, { limit: 20 });
    expect(driver.usage.requests - before).toBe(1);
    expect(page.revisions.map((r) => r.revision)).toEqual(Array.from({ length: 20 }, (_, i) => 2000 - i));
    expect(page.cursor).toBeDefined();
  });
});

describe('one write alone on DynamoDB', () => {
  it('is a PutItem, UpdateItem or DeleteItem with the same condition and the same conflict error', async () => {
    const tableName = `releases-${process.pid}-single`;
    await ensureReleaseTable(client, tableName);
    const driver = new DynamoDbDriver({ tableName, client });
    const key = { pk: 'single#a', sk: 'item' };
    await driver.transact([
      { type: 'put', item: { ...key, n: 1, note: 'first' }, condition: { op: 'itemAbsent' } },
    ]);
    expect(driver.usage).toMatchObject({ requests: 1, writeCapacity: 1 });

    // A failed condition names op 0 and the item as it was, as a transaction of one does.
    const again = driver.transact([
      { type: 'put', item: { ...key, n: 2, note: 'second' }, condition: { op: 'itemAbsent' } },
    ]);
    await expect(again).rejects.toBeInstanceOf(TransactionConflictError);
    const conflict = (await again.catch((error: unknown) => error)) as TransactionConflictError;
    expect(conflict.failedOp).toBe(0);
    expect(conflict.existing).toMatchObject({ ...key, n: 1, note: 'first' });

    await driver.transact([
      {
        type: 'update',
        key,
        set: { note: 'updated' },
        add: { n: 5 },
        condition: { op: 'eq', name: 'n', value: 1 },
      },
    ]);
    expect(await driver.get(key, { consistent: true })).toMatchObject({ n: 6, note: 'updated' });
    const stale = driver.transact([
      { type: 'update', key, set: { note: 'stale' }, condition: { op: 'eq', name: 'n', value: 1 } },
    ]);
    await expect(stale).rejects.toMatchObject({ failedOp: 0, existing: { n: 6, note: 'updated' } });

    await expect(
      driver.transact([{ type: 'delete', key, condition: { op: 'eq', name: 'n', value: 1 } }]),
    ).rejects.toBeInstanceOf(TransactionConflictError);
    await driver.transact([{ type: 'delete', key, condition: { op: 'eq', name: 'n', value: 6 } }]);
    expect(await driver.get(key, { consistent: true })).toBeUndefined();

    // A condition check alone has no single-item form: it stays a transaction.
    await expect(
      driver.transact([{ type: 'check', key, condition: { op: 'itemExists' } }]),
    ).rejects.toMatchObject({ failedOp: 0 });
  });
});

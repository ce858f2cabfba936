import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { encodeRevisionMeta } from '../../lib/store/codec.ts';
import { DynamoDbDriver } from '../../lib/store/dynamodb.ts';
import { LOCAL_CLIENT_CONFIG } from '../../lib/store/dynamodb-local.ts';
import { ensureReleaseTable } from '../../lib/store/dynamodb-table.ts';
import { ReleaseStore } from '../../lib/store/index.ts';
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

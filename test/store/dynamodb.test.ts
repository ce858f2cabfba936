import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, inject } from 'vitest';
import { DynamoDbDriver } from '../../lib/store/dynamodb.ts';
import { LOCAL_CLIENT_CONFIG } from '../../lib/store/dynamodb-local.ts';
import { ensureReleaseTable } from '../../lib/store/dynamodb-table.ts';
import { releaseStoreContract } from './release-store.contract.ts';

const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: inject('dynamoEndpoint') });
let tables = 0;

afterAll(() => client.destroy());

releaseStoreContract('DynamoDB Local', async () => {
  const tableName = `releases-${process.pid}-${++tables}`;
  await ensureReleaseTable(client, tableName);
  return new DynamoDbDriver({ tableName, client });
});

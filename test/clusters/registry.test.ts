import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, inject } from 'vitest';
import {
  DynamoDbDriver,
  ensureReleaseTable,
  LOCAL_CLIENT_CONFIG,
  MemoryDriver,
} from '../../lib/store/index.ts';
import { clusterRegistryContract } from './registry.contract.ts';

clusterRegistryContract('the memory driver', async () => new MemoryDriver());

const client = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: inject('dynamoEndpoint') });
let tables = 0;
afterAll(() => client.destroy());

clusterRegistryContract('DynamoDB Local', async () => {
  const tableName = `clusters-${process.pid}-${++tables}`;
  await ensureReleaseTable(client, tableName);
  return new DynamoDbDriver({ tableName, client });
});

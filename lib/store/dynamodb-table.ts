import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { INDEXES } from './driver.ts';

/** DynamoDB's names for the driver's indexes. */
export const DYNAMODB_INDEX_NAMES = { byNamespace: 'gsi1', attention: 'gsi2' } as const;
/** Request records expire through DynamoDB TTL on this attribute (epoch seconds). */
export const TTL_ATTRIBUTE = 'ttl';

/**
 * The release table: one definition for the CDK stack, the local stack and
 * the tests. On-demand capacity; both indexes project all attributes because
 * list and attention pages show the head item whole. See docs/store.md.
 */
export function releaseTableDefinition(tableName: string): CreateTableCommandInput {
  const index = (name: string, keys: { pk: string; sk: string }) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: keys.pk, KeyType: 'HASH' as const },
      { AttributeName: keys.sk, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'].map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      index(DYNAMODB_INDEX_NAMES.byNamespace, INDEXES.byNamespace),
      index(DYNAMODB_INDEX_NAMES.attention, INDEXES.attention),
    ],
  };
}

/** Creates the table (and its TTL) when it does not exist yet; for local stacks and tests. */
export async function ensureReleaseTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if ((error as { name?: string }).name !== 'ResourceNotFoundException') throw error;
  }
  try {
    await client.send(new CreateTableCommand(releaseTableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    }),
  );
}

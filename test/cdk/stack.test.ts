import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { QuaysideStack } from '../../cdk/stack.ts';
import { releaseTableDefinition } from '../../lib/store/dynamodb-table.ts';

describe('the CDK stack', () => {
  const template = Template.fromStack(new QuaysideStack(new App(), 'Test'));

  it('creates the release table with the keys, indexes and TTL the store uses', () => {
    const definition = releaseTableDefinition('releases');
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: definition.KeySchema,
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes?.map((index) => ({
        IndexName: index.IndexName,
        KeySchema: index.KeySchema,
        Projection: { ProjectionType: 'ALL' },
      })),
    });
  });

  it('keeps the history when the stack is deleted, with point-in-time recovery on', () => {
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');
    const [table] = Object.values(tables);
    expect(table?.DeletionPolicy).toBe('Retain');
    expect(table?.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
    expect(table?.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
  });
});

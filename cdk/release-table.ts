import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { releaseTableDefinition, TTL_ATTRIBUTE } from '../lib/store/index.ts';

/**
 * The release history table, built from the same definition the local stack
 * and the tests create, so AWS and DynamoDB Local cannot drift apart.
 */
export class ReleaseTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const definition = releaseTableDefinition('releases');
    const key = (name: string | undefined) => ({ name: name as string, type: AttributeType.STRING });
    const [pk, sk] = definition.KeySchema ?? [];
    this.table = new TableV2(this, 'Table', {
      partitionKey: key(pk?.AttributeName),
      sortKey: key(sk?.AttributeName),
      billing: Billing.onDemand(),
      timeToLiveAttribute: TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // Release history is the system of record: never delete it with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: (definition.GlobalSecondaryIndexes ?? []).map((index) => ({
        indexName: index.IndexName as string,
        partitionKey: key(index.KeySchema?.[0]?.AttributeName),
        sortKey: key(index.KeySchema?.[1]?.AttributeName),
        projectionType: ProjectionType.ALL,
      })),
    });
  }
}

import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { releaseTableDefinition, TTL_ATTRIBUTE } from '../lib/store/index.ts';

/**
 * What the store's DynamoDB driver calls: GetItem, Query, and TransactWriteItems (whose items need
 * PutItem, UpdateItem, DeleteItem and ConditionCheckItem). Nothing scans, nothing batch-writes.
 */
const STORE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];

/**
 * The release history table, built from the same definition the local stack
 * and the tests create, so AWS and DynamoDB Local cannot drift apart.
 */
export class ReleaseTable extends Construct {
  readonly table: TableV2;
  private readonly indexNames: string[];

  constructor(scope: Construct, id: string, props: { encryptionKey?: IKey } = {}) {
    super(scope, id);
    const definition = releaseTableDefinition('releases');
    this.indexNames = (definition.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName as string);
    const key = (name: string | undefined) => ({ name: name as string, type: AttributeType.STRING });
    const [pk, sk] = definition.KeySchema ?? [];
    this.table = new TableV2(this, 'Table', {
      partitionKey: key(pk?.AttributeName),
      sortKey: key(sk?.AttributeName),
      billing: Billing.onDemand(),
      ...(props.encryptionKey === undefined
        ? {}
        : { encryption: TableEncryptionV2.customerManagedKey(props.encryptionKey) }),
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

  /**
   * Lets a function use the store: the calls the driver makes, on the table and its two indexes by
   * name (no index wildcard), and the table's key when it has a customer-managed one.
   */
  grantStore(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: STORE_ACTIONS,
        resources: [
          this.table.tableArn,
          ...this.indexNames.map((name) => `${this.table.tableArn}/index/${name}`),
        ],
      }),
    );
    this.table.encryptionKey?.grantEncryptDecrypt(grantee);
  }
}

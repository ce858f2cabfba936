import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ReleaseTable } from './release-table.ts';

/** quayside in one AWS account and region. Grows with the queue, workers and events. */
export class QuaysideStack extends Stack {
  readonly releases: ReleaseTable;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.releases = new ReleaseTable(this, 'Releases');
  }
}

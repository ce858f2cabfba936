import { Duration } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUE_SETTINGS } from '../lib/requests/index.ts';

/**
 * The request FIFO queue and its dead-letter queue, from the settings the local stack uses
 * (QUEUE_SETTINGS), so both redrive alike. TLS only; SQS-managed encryption, or the given key.
 */
export class RequestQueues extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: { encryptionKey?: IKey } = {}) {
    super(scope, id);
    const encryption =
      props.encryptionKey === undefined
        ? { encryption: QueueEncryption.SQS_MANAGED }
        : { encryption: QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey };
    const retention = Duration.seconds(QUEUE_SETTINGS.retentionSeconds);
    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      queueName: QUEUE_SETTINGS.deadLetterQueueName,
      fifo: true,
      retentionPeriod: retention,
      enforceSSL: true,
      ...encryption,
    });
    this.queue = new Queue(this, 'Queue', {
      queueName: QUEUE_SETTINGS.queueName,
      fifo: true,
      contentBasedDeduplication: QUEUE_SETTINGS.contentBasedDeduplication,
      visibilityTimeout: Duration.seconds(QUEUE_SETTINGS.visibilityTimeoutSeconds),
      retentionPeriod: retention,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: QUEUE_SETTINGS.maxReceiveCount },
      enforceSSL: true,
      ...encryption,
    });
  }
}

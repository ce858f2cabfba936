/**
 * The request queue's settings: one definition for the CDK stack and the
 * local stack, so the local redrive behaves as the deployed one does.
 */
export const QUEUE_SETTINGS = {
  queueName: 'quayside-requests.fifo',
  deadLetterQueueName: 'quayside-requests-dlq.fifo',
  /**
   * Longer than the worker's 15-minute function timeout, as SQS event sources require. The worker
   * keeps the messages it holds at a one-minute visibility, renewed while it works, so a crashed
   * worker's messages are back within a minute rather than after this.
   */
  visibilityTimeoutSeconds: 16 * 60,
  /**
   * On, because EventBridge Scheduler can only target FIFO queues that have it; every producer
   * still sets its own deduplication id (the request id), which takes precedence.
   */
  contentBasedDeduplication: true,
  /** Deliveries before a message that keeps failing is moved to the DLQ. */
  maxReceiveCount: 5,
  retentionSeconds: 14 * 24 * 3600,
} as const;

/** How long a message that should be retried waits before it is delivered again (grows with receives). */
export function retryDelaySeconds(receiveCount: number): number {
  return Math.min(60, 5 * 2 ** Math.max(0, receiveCount - 1));
}

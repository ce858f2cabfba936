import { Validations } from 'aws-cdk-lib';
import type { QuaysideStack } from './stack.ts';

/**
 * The cdk-nag AwsSolutions findings quayside acknowledges, each on the narrowest construct and
 * finding id, with the reason. Anything else cdk-nag reports fails the synth and the stack test.
 */
export function acknowledgeFindings(stack: QuaysideStack): void {
  Validations.of(stack.queues.deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is the dead-letter queue of the request queue; a DLQ has no DLQ of its own.',
  });
  Validations.of(stack.automation.deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is the automation's dead-letter queue (schedules' requests Scheduler could not send, alarm events the rule could not deliver); a DLQ has no DLQ of its own.",
  });

  const chatops = [stack.chatops.chat, stack.chatops.notifier].filter((fn) => fn !== undefined);
  for (const fn of [stack.worker, stack.sweeper, stack.alarmFunction, stack.guard, ...chatops]) {
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) and, in a VPC, the ec2 network-interface actions support no resource-level permissions.',
    });
  }
}

import { Validations } from 'aws-cdk-lib';
import { AUTOMATION_SETTINGS } from '../lib/automation/index.ts';
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

  const notifier = stack.chatops.notifier === undefined ? [] : [stack.chatops.notifier];
  for (const fn of [stack.worker, stack.sweeper, stack.alarmFunction, stack.guard, ...notifier]) {
    Validations.of(fn.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords) and, in a VPC, the ec2 network-interface actions support no resource-level permissions.',
    });
  }
  const chat = stack.chatops.chat;
  if (chat !== undefined) {
    Validations.of(chat.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray (xray:PutTraceSegments, xray:PutTelemetryRecords), in a VPC the ec2 network-interface actions, and scheduler:ListSchedules support no resource-level permissions; the function lists the quayside group only and reads each schedule with GetSchedule, which is held to that group.',
    });
    Validations.of(chat.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${AUTOMATION_SETTINGS.scheduleGroup}/*]`,
      reason:
        "/quayside schedule makes one-time schedules under names it chooses, lists, reads and deletes them: every schedule of quayside's group, and of no other group.",
    });
  }
}

import { type CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';

export const ALARM_STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

/**
 * Sets a CloudWatch alarm's state by hand (SetAlarmState), as one does to try alarm actions: in
 * AWS the alarm keeps it until its next evaluation; CloudWatch then publishes the "CloudWatch
 * Alarm State Change" event a bake reacts to. The local stack does the same on its own bus.
 */
export async function setAlarmState(input: {
  client: CloudWatchClient;
  alarmName: string;
  state: AlarmState;
  reason: string;
}): Promise<void> {
  await input.client.send(
    new SetAlarmStateCommand({
      AlarmName: input.alarmName,
      StateValue: input.state,
      StateReason: input.reason,
    }),
  );
}

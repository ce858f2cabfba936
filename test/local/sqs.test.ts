import { systemClock } from '../../lib/kube/index.ts';
import { startLocalSqs } from '../../lib/local/sqs/index.ts';
import { sqsContract } from './sqs.contract.ts';

// The npm emulator `local-aws-sqs` 2.0.2, which the local stack used before, fails four of these
// (a FIFO group's next message is delivered while the first is in flight; no receive counts in
// MessageSystemAttributeNames; redrive out of order; no MessageGroupId or size checks): the
// reason quayside runs its own.
sqsContract("quayside's durable local SQS", async () => {
  const sqs = await startLocalSqs({ clock: systemClock });
  return { endpoint: sqs.endpoint, stop: () => sqs.close() };
});

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../domain/index.ts';
import type { BusEvent } from './event-bus.ts';

/** CloudWatch's JSON 1.0 target prefix (the SDK speaks JSON 1.0 to CloudWatch, query-compatible). */
const TARGET_PREFIX = 'GraniteServiceVersion20100801.';
const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const;
type State = (typeof STATES)[number];

/**
 * "CloudWatch Alarm State Change", as CloudWatch puts it on the default event bus when an alarm
 * changes state. Timestamps are written as CloudWatch writes them (`…T09:07:12.551+0000`).
 */
export function alarmStateChangeEvent(input: {
  alarmName: string;
  previous: State;
  state: State;
  reason: string;
  at: number;
  account: string;
  region: string;
  id: string;
}): BusEvent & { resources: string[]; account: string; region: string } {
  const stamp = new Date(input.at).toISOString().replace('Z', '+0000');
  return {
    id: input.id,
    source: 'aws.cloudwatch',
    detailType: 'CloudWatch Alarm State Change',
    bus: 'default',
    time: new Date(Math.floor(input.at / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    account: input.account,
    region: input.region,
    resources: [`arn:aws:cloudwatch:${input.region}:${input.account}:alarm:${input.alarmName}`],
    detail: {
      alarmName: input.alarmName,
      state: { value: input.state, reason: input.reason, timestamp: stamp },
      previousState: { value: input.previous, reason: 'set before', timestamp: stamp },
      configuration: { description: 'played by quayside alarm set', metrics: [] },
    },
  };
}

/** An event as EventBridge hands it to a rule's target (the envelope's field names). */
export function toTargetEvent(event: BusEvent & { account?: string; region?: string; resources?: string[] }) {
  return {
    version: '0',
    id: event.id,
    'detail-type': event.detailType,
    source: event.source,
    account: event.account ?? '000000000000',
    time: event.time,
    region: event.region ?? 'us-east-1',
    resources: event.resources ?? [],
    detail: event.detail,
  };
}

export interface LocalCloudWatch {
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * A loopback CloudWatch that speaks what the SDK sends it (AWS JSON 1.0, query-compatible errors)
 * for SetAlarmState: `quayside alarm set NAME ALARM|OK` plays an alarm. Any name is an alarm here
 * (it starts INSUFFICIENT_DATA, as a new alarm does); a change of state is put on the local bus as
 * CloudWatch's "CloudWatch Alarm State Change" event; setting the state it has changes nothing.
 */
export async function startLocalCloudWatch(input: {
  clock: Clock;
  account: string;
  region: string;
  onEvent: (event: ReturnType<typeof alarmStateChangeEvent>) => void;
}): Promise<LocalCloudWatch> {
  const states = new Map<string, State>();
  let events = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = (status: number, body: unknown, code?: string) => {
        response.writeHead(status, {
          'content-type': 'application/x-amz-json-1.0',
          ...(code === undefined ? {} : { 'x-amzn-query-error': `${code};Sender` }),
        });
        response.end(JSON.stringify(body));
      };
      const fail = (code: string, message: string) =>
        reply(400, { __type: `com.amazonaws.cloudwatch#${code}`, message }, code);
      const target = String(request.headers['x-amz-target'] ?? '');
      if (request.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) {
        return fail('InvalidAction', `unexpected ${request.method} ${target}`);
      }
      if (!String(request.headers.authorization).startsWith('AWS4-HMAC-SHA256 Credential=')) {
        return fail('MissingAuthenticationToken', 'the request is not signed with SigV4');
      }
      let body: { AlarmName?: unknown; StateValue?: unknown; StateReason?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return fail('InvalidParameterValue', 'the body is not JSON');
      }
      if (target !== `${TARGET_PREFIX}SetAlarmState`) {
        return fail(
          'InvalidAction',
          `${target.slice(TARGET_PREFIX.length)} is not served by the local CloudWatch`,
        );
      }
      const { AlarmName: name, StateValue: state, StateReason: reason } = body;
      if (typeof name !== 'string' || name.length < 1 || name.length > 255) {
        return fail('InvalidParameterValue', 'AlarmName must be 1-255 characters');
      }
      if (!STATES.includes(state as State)) {
        return fail('InvalidParameterValue', `StateValue must be one of ${STATES.join(', ')}`);
      }
      if (typeof reason !== 'string' || reason.length > 1023) {
        return fail('InvalidParameterValue', 'StateReason must be at most 1023 characters');
      }
      const previous = states.get(name) ?? 'INSUFFICIENT_DATA';
      states.set(name, state as State);
      if (previous !== state) {
        events += 1;
        input.onEvent(
          alarmStateChangeEvent({
            alarmName: name,
            previous,
            state: state as State,
            reason,
            at: input.clock.now(),
            account: input.account,
            region: input.region,
            id: `local-alarm-${events}`,
          }),
        );
      }
      reply(200, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/**
 * Events as controllers and the kubelet record them (core/v1 Event), so `kubectl describe` and
 * `kubectl get events` tell the story of a rollout: Scheduled, Pulled, Started, Failed, BackOff,
 * SuccessfulCreate, ScalingReplicaSet.
 */
import { getString, type JsonObject } from '../json.ts';
import type { ControllerContext } from './context.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecord {
  type: EventType;
  reason: string;
  message: string;
  component: string;
}

export function recordEvent(context: ControllerContext, about: JsonObject, event: EventRecord): void {
  const namespace = getString(about, ['metadata', 'namespace']) ?? 'default';
  const name = getString(about, ['metadata', 'name']) ?? '';
  const now = context.now();
  context.client.create(
    'Event',
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${name}.${context.randomSuffix()}${context.randomSuffix()}`, namespace },
      involvedObject: {
        apiVersion: String(about.apiVersion ?? ''),
        kind: String(about.kind ?? ''),
        name,
        namespace,
        uid: getString(about, ['metadata', 'uid']) ?? '',
        resourceVersion: getString(about, ['metadata', 'resourceVersion']) ?? '',
      },
      reason: event.reason,
      message: event.message,
      source: { component: event.component },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: event.type,
      reportingComponent: event.component,
      reportingInstance: '',
    },
    event.component,
  );
}

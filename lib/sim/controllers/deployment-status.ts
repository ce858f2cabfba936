/**
 * A Deployment's status from its ReplicaSets, as the deployment controller's syncRolloutStatus
 * computes it: replica counts, Available (minimum availability) and Progressing (updated,
 * complete, or past its progress deadline).
 */
import { getNumber, getObject, getString, type JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import { conditionsOf, setCondition } from './client.ts';
import { resolveIntOrPercent } from './context.ts';

export interface RolloutProgress {
  /** The counts changed since the last sync: the rollout made progress just now. */
  moved: boolean;
  /** Time since the rollout last made progress. */
  sinceProgressMs: number;
  deadlineMs: number;
}

export interface DeploymentStatusResult {
  status: JsonObject;
  /** Still rolling: when to look again so the deadline is noticed. */
  recheckInMs?: number;
}

function condition(type: string, status: string, reason: string, message: string, now: string): JsonObject {
  return { type, status, lastUpdateTime: now, reason, message };
}

export function computeDeploymentStatus(options: {
  deployment: JsonObject;
  newReplicaSet: JsonObject;
  replicaSets: JsonObject[];
  progress: RolloutProgress;
  now: string;
}): DeploymentStatusResult {
  const { deployment, newReplicaSet, replicaSets, progress, now } = options;
  const replicas = getNumber(deployment, ['spec', 'replicas']) ?? 1;
  const sum = (path: string[]) => replicaSets.reduce((total, rs) => total + (getNumber(rs, path) ?? 0), 0);
  const statusReplicas = sum(['status', 'replicas']);
  const updated = getNumber(newReplicaSet, ['status', 'replicas']) ?? 0;
  const ready = sum(['status', 'readyReplicas']);
  const available = sum(['status', 'availableReplicas']);
  const recreate = getString(deployment, ['spec', 'strategy', 'type']) === 'Recreate';
  const maxUnavailable = recreate
    ? 0
    : resolveIntOrPercent(
        getObject(deployment, ['spec', 'strategy', 'rollingUpdate'])?.maxUnavailable,
        replicas,
        false,
      );
  const rsName = getString(newReplicaSet, ['metadata', 'name']) ?? '';
  const previous = conditionsOf(deployment);
  const previousAvailable = previous.find((c) => c.type === 'Available');
  const previousProgressing = previous.find((c) => c.type === 'Progressing');

  const availableCondition =
    available >= replicas - maxUnavailable
      ? condition('Available', 'True', 'MinimumReplicasAvailable', MESSAGES.minimumAvailable, now)
      : condition('Available', 'False', 'MinimumReplicasUnavailable', MESSAGES.noMinimumAvailable, now);
  if (previousAvailable?.status === availableCondition.status) {
    availableCondition.lastUpdateTime = previousAvailable?.lastUpdateTime ?? now;
  }

  const complete = updated === replicas && statusReplicas === replicas && available === replicas;
  const timedOut =
    (previousProgressing?.reason === 'ProgressDeadlineExceeded' &&
      previousProgressing.message === MESSAGES.progressDeadline(rsName)) ||
    progress.sinceProgressMs >= progress.deadlineMs;
  let progressing: JsonObject;
  let recheckInMs: number | undefined;
  if (complete) {
    progressing = condition(
      'Progressing',
      'True',
      'NewReplicaSetAvailable',
      MESSAGES.newReplicaSetAvailable(rsName),
      now,
    );
  } else if (timedOut) {
    progressing = condition(
      'Progressing',
      'False',
      'ProgressDeadlineExceeded',
      MESSAGES.progressDeadline(rsName),
      now,
    );
  } else if (previousProgressing === undefined) {
    progressing = condition(
      'Progressing',
      'True',
      'NewReplicaSetCreated',
      MESSAGES.newReplicaSetCreated(rsName),
      now,
    );
    recheckInMs = Math.max(1, progress.deadlineMs - progress.sinceProgressMs + 1);
  } else {
    progressing = condition(
      'Progressing',
      'True',
      'ReplicaSetUpdated',
      MESSAGES.replicaSetUpdated(rsName),
      now,
    );
    recheckInMs = Math.max(1, progress.deadlineMs - progress.sinceProgressMs + 1);
  }
  const unchanged =
    previousProgressing !== undefined &&
    previousProgressing.reason === progressing.reason &&
    previousProgressing.message === progressing.message &&
    previousProgressing.status === progressing.status;
  // lastUpdateTime moves when the rollout progresses; a settled condition keeps its time.
  if (unchanged && (!progress.moved || progressing.reason !== 'ReplicaSetUpdated')) {
    progressing.lastUpdateTime = previousProgressing.lastUpdateTime ?? now;
  }

  const conditions = setCondition(setCondition(previous, availableCondition, now), progressing, now);
  const status: JsonObject = { observedGeneration: getNumber(deployment, ['metadata', 'generation']) ?? 1 };
  const counts: Array<[string, number]> = [
    ['replicas', statusReplicas],
    ['updatedReplicas', updated],
    ['readyReplicas', ready],
    ['availableReplicas', available],
    ['unavailableReplicas', Math.max(0, statusReplicas - available)],
  ];
  // Zero counts are omitted, as omitempty drops them from the real status.
  for (const [field, value] of counts) if (value !== 0) status[field] = value;
  status.conditions = conditions;
  return { status, ...(recheckInMs !== undefined ? { recheckInMs } : {}) };
}

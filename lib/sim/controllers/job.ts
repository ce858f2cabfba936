/** The Job controller: runs pods until spec.completions succeeded, then marks the Job Complete. */

import { getNumber, getObject, getString, type JsonObject } from '../json.ts';
import { MESSAGES } from '../messages.ts';
import { conditionsOf, setCondition } from './client.ts';
import type { ControllerContext } from './context.ts';
import type { Controller } from './manager.ts';
import { isPodActive, isPodReady } from './pods.ts';
import { generatedPod } from './replicaset.ts';

export function createJobController(context: ControllerContext): Controller {
  const { client } = context;
  return {
    kind: 'Job',
    reconcile(key) {
      const job = client.get('Job', key.namespace, key.name);
      if (!job || getObject(job, ['metadata'])?.deletionTimestamp) return;
      if (
        conditionsOf(job).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')
      )
        return;
      const completions = getNumber(job, ['spec', 'completions']) ?? 1;
      const parallelism = getNumber(job, ['spec', 'parallelism']) ?? 1;
      const pods = client.owned('Pod', job);
      const succeeded = pods.filter((pod) => getString(pod, ['status', 'phase']) === 'Succeeded').length;
      const failed = pods.filter((pod) => getString(pod, ['status', 'phase']) === 'Failed').length;
      const active = pods.filter(isPodActive);
      const backoffLimit = getNumber(job, ['spec', 'backoffLimit']) ?? 6;
      const givenUp = failed > backoffLimit;
      const wanted = givenUp ? 0 : Math.min(parallelism, completions - succeeded) - active.length;
      if (getObject(job, ['spec'])?.suspend !== true) {
        for (let i = 0; i < wanted; i += 1) client.create('Pod', generatedPod(context, job, key.name));
      }
      const now = context.now();
      const status: JsonObject = {
        ...(getObject(job, ['status']) ?? {}),
        startTime: getString(job, ['status', 'startTime']) ?? now,
        active: Math.max(0, active.length + Math.max(0, wanted)),
        ready: active.filter(isPodReady).length,
        succeeded,
        failed,
        terminating: 0,
        uncountedTerminatedPods: {},
      };
      if (succeeded >= completions) {
        let conditions = setCondition(
          conditionsOf(job),
          {
            type: 'SuccessCriteriaMet',
            status: 'True',
            lastProbeTime: now,
            reason: 'CompletionsReached',
            message: MESSAGES.jobCompleted,
          },
          now,
        );
        conditions = setCondition(
          conditions,
          {
            type: 'Complete',
            status: 'True',
            lastProbeTime: now,
            reason: 'CompletionsReached',
            message: MESSAGES.jobCompleted,
          },
          now,
        );
        status.conditions = conditions;
        status.completionTime = now;
        status.active = 0;
      }
      if (givenUp) {
        const failure = {
          status: 'True',
          lastProbeTime: now,
          reason: 'BackoffLimitExceeded',
          message: MESSAGES.jobBackoffLimit,
        };
        let conditions = setCondition(conditionsOf(job), { type: 'FailureTarget', ...failure }, now);
        conditions = setCondition(conditions, { type: 'Failed', ...failure }, now);
        status.conditions = conditions;
        status.active = 0;
      }
      for (const field of ['active', 'succeeded', 'failed']) if (status[field] === 0) delete status[field];
      client.updateStatus('Job', { ...job, status });
    },
  };
}

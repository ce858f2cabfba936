import * as z from 'zod';
import { ACTIONS, RELEASE_STATUSES, type ReleaseId } from '../domain/index.ts';
import { describeIssues, dropUndefined } from './codec.ts';
import type { Item } from './driver.ts';
import { StoreCorruptionError } from './errors.ts';
import type { ReleaseSummary } from './types.ts';

const headSchema = z.object({
  pk: z.string(),
  cluster: z.string(),
  namespace: z.string(),
  name: z.string(),
  lastRevision: z.number().int().nonnegative(),
  revisionCount: z.number().int().nonnegative(),
  latestRevision: z.number().int().nonnegative(),
  status: z.enum(RELEASE_STATUSES),
  description: z.string(),
  chartName: z.string(),
  chartVersion: z.string(),
  appVersion: z.string().optional(),
  updatedAt: z.string(),
  firstDeployed: z.string().optional(),
  deployedRevision: z.number().int().positive().optional(),
  leaseOwner: z.string().optional(),
  leaseRequestId: z.string().optional(),
  leaseExpiresAt: z.number().optional(),
  leaseDeadline: z.number().optional(),
  leaseRevision: z.number().int().optional(),
  leaseAction: z.enum(ACTIONS).optional(),
  leaseBodyChunks: z.number().int().optional(),
});

export type HeadItem = z.infer<typeof headSchema>;

/** @throws StoreCorruptionError when the head item lacks a field or has a wrong type. */
export function decodeHead(item: Item): HeadItem {
  const parsed = headSchema.safeParse(item);
  if (!parsed.success) {
    throw new StoreCorruptionError({ key: `${item.pk} ${item.sk}`, reason: describeIssues(parsed.error) });
  }
  return parsed.data;
}

export function headRelease(head: HeadItem): ReleaseId {
  return { cluster: head.cluster, namespace: head.namespace, name: head.name };
}

export function summarizeHead(head: HeadItem): ReleaseSummary {
  return dropUndefined({
    release: headRelease(head),
    lastRevision: head.lastRevision,
    revisionCount: head.revisionCount,
    latestRevision: head.latestRevision,
    status: head.status,
    description: head.description,
    chart: dropUndefined({ name: head.chartName, version: head.chartVersion, appVersion: head.appVersion }),
    updatedAt: head.updatedAt,
    firstDeployed: head.firstDeployed,
    deployedRevision: head.deployedRevision,
    lease:
      head.leaseOwner === undefined
        ? undefined
        : {
            owner: head.leaseOwner,
            requestId: head.leaseRequestId ?? '',
            expiresAt: head.leaseExpiresAt ?? 0,
            revision: head.leaseRevision,
            deadline: head.leaseDeadline,
          },
  });
}

export const LEASE_ATTRIBUTES = [
  'leaseOwner',
  'leaseRequestId',
  'leaseExpiresAt',
  'leaseDeadline',
  'leaseRevision',
  'leaseAction',
  'leaseBodyChunks',
] as const;

export {
  type Clock,
  type IdGenerator,
  ManualClock,
  randomId,
  systemClock,
  systemTimers,
  type Timers,
  toIso,
} from './clock.ts';
export { descriptions } from './descriptions.ts';
export {
  type FieldProblem,
  QuaysideError,
  ReleaseNotFoundError,
  RevisionNotFoundError,
  ValidationError,
} from './errors.ts';
export { HELM_INSTALL_ORDER } from './kinds.ts';
export { compareText } from './order.ts';
export {
  CLUSTER_MAX,
  findClusterNameProblems,
  findReleaseIdProblems,
  formatReleaseId,
  NAMESPACE_MAX,
  parseReleaseId,
  RELEASE_NAME_MAX,
  type ReleaseId,
} from './release.ts';
export {
  ACTIONS,
  type Action,
  type ChartRef,
  EMPTY_BODY,
  type HookRecord,
  isPending,
  OBJECT_ACTIONS,
  type ObjectAction,
  type ObjectResult,
  PENDING_STATUSES,
  RELEASE_STATUSES,
  REQUEST_ACTIONS,
  type ReleaseStatus,
  type RequestAction,
  type Requester,
  type Revision,
  type RevisionBody,
  type RevisionMeta,
  type Values,
} from './revision.ts';

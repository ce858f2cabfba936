export { DEFAULT_TIMEOUT_MS } from './deadline.ts';
export { ReleaseEngine } from './engine.ts';
export {
  EngineError,
  ManifestError,
  NothingToRollBackError,
  ReleaseExistsError,
  StaleGuardError,
} from './errors.ts';
export { joinManifests, parseManifest } from './manifest.ts';
export {
  diffRevisions,
  listReleases,
  type ReleaseStatusView,
  readHistory,
  readHooks,
  readManifest,
  readNotes,
  readStatus,
  readStatusAndBody,
  readValues,
} from './reads.ts';
export type { TestOutcome } from './test-release.ts';
export type {
  ActionOptions,
  ActionResult,
  EngineClock,
  EngineDeps,
  EngineProgress,
  ImportInput,
  RequestContext,
  RollbackInput,
  UninstallInput,
  UpgradeInput,
} from './types.ts';
export { mergeValues, resolveUpgradeValues } from './values.ts';

/**
 * Helm's own release records: reading them (import into quayside's store) and writing the ones helm
 * would have written (so helm keeps working on a release quayside manages).
 */
export { decodeHelmRelease, encodeHelmRelease } from './codec.ts';
export { HELM_REQUESTER, helmFromRevision, isoTime, revisionFromHelm } from './convert.ts';
export { HelmRecordError, HelmRecordUnreadableError, HelmReleaseNotFoundError } from './errors.ts';
export { type HelmDriver, type HelmRelease, helmRecordName } from './record.ts';
export {
  deleteHelmRecord,
  type FoundRecord,
  type HelmStorageInput,
  helmSecretFor,
  readHelmRecords,
  writeHelmSecret,
} from './storage.ts';

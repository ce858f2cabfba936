import { QuaysideError } from '../domain/index.ts';

/** The base of this part's errors. */
export class HelmRecordError extends QuaysideError {}

/** A release record helm wrote cannot be read (not base64, not gzip, not the release JSON). */
export class HelmRecordUnreadableError extends HelmRecordError {
  constructor(
    readonly record: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`helm's release record ${record} cannot be read: ${reason}`, options);
  }
}

/** The cluster holds no helm records for the release asked for. */
export class HelmReleaseNotFoundError extends HelmRecordError {
  constructor(readonly release: string) {
    super(`no helm release ${release}: no records (Secrets or ConfigMaps labelled owner=helm) name it`);
  }
}

import * as z from 'zod';

/**
 * Helm's release record (pkg/release/v1 Release as JSON), the parts quayside reads and writes.
 * Unknown fields pass through untouched, so a record helm 4 wrote is read whole.
 */

const file = z.looseObject({ name: z.string(), data: z.string().nullish() });

const hookExecution = z.looseObject({
  started_at: z.string().nullish(),
  completed_at: z.string().nullish(),
  phase: z.string().nullish(),
});

const hook = z.looseObject({
  name: z.string().nullish(),
  kind: z.string().nullish(),
  path: z.string().nullish(),
  manifest: z.string().nullish(),
  events: z.array(z.string()).nullish(),
  last_run: hookExecution.nullish(),
  weight: z.number().nullish(),
  delete_policies: z.array(z.string()).nullish(),
});

const metadata = z.looseObject({
  name: z.string().nullish(),
  version: z.string().nullish(),
  appVersion: z.string().nullish(),
  apiVersion: z.string().nullish(),
});

export const helmReleaseSchema = z.looseObject({
  name: z.string(),
  namespace: z.string().nullish(),
  version: z.number().int().positive(),
  info: z
    .looseObject({
      first_deployed: z.string().nullish(),
      last_deployed: z.string().nullish(),
      deleted: z.string().nullish(),
      description: z.string().nullish(),
      status: z.string().nullish(),
      notes: z.string().nullish(),
    })
    .nullish(),
  chart: z
    .looseObject({
      metadata: metadata.nullish(),
      templates: z.array(file).nullish(),
      values: z.record(z.string(), z.unknown()).nullish(),
      schema: z.string().nullish(),
      files: z.array(file).nullish(),
    })
    .nullish(),
  config: z.record(z.string(), z.unknown()).nullish(),
  manifest: z.string().nullish(),
  hooks: z.array(hook).nullish(),
  apply_method: z.string().nullish(),
});

export type HelmRelease = z.infer<typeof helmReleaseSchema>;
export type HelmHook = z.infer<typeof hook>;

/** Where helm keeps a release's records: its default Secrets driver, or the ConfigMap driver. */
export type HelmDriver = 'secret' | 'configmap';

/** The object helm keeps revision `version` of release `name` in. */
export function helmRecordName(name: string, version: number): string {
  return `sh.helm.release.v1.${name}.v${version}`;
}

import { compareText } from '../domain/index.ts';
import {
  type Clock,
  clientFor,
  type KubeClient,
  type KubeConnection,
  type KubeObject,
} from '../kube/index.ts';
import { decodeHelmRelease, encodeHelmRelease } from './codec.ts';
import { type HelmDriver, type HelmRelease, helmRecordName } from './record.ts';

/**
 * Helm's release records in a cluster, as helm's Secrets driver (the default) and ConfigMap driver
 * keep them: one object per revision, `sh.helm.release.v1.NAME.vN`, labelled owner=helm, name,
 * status and version; the Secret's `release` data (the ConfigMap's `release` string) holds the
 * encoded release.
 */

export interface HelmStorageInput {
  connection: KubeConnection;
  /** Epoch ms after which no retry is started. */
  deadline: number;
  clock?: Clock;
}

/** One revision record found in the cluster. */
export interface FoundRecord {
  readonly release: HelmRelease;
  readonly driver: HelmDriver;
  /** The object holding it. */
  readonly objectName: string;
  readonly namespace: string;
}

const KINDS: Record<HelmDriver, { apiVersion: 'v1'; kind: 'Secret' | 'ConfigMap' }> = {
  secret: { apiVersion: 'v1', kind: 'Secret' },
  configmap: { apiVersion: 'v1', kind: 'ConfigMap' },
};

/**
 * Every helm record of a release (or, without a name, of every release) in a namespace (or, with
 * namespace undefined, in all of them), from both drivers, oldest revision first.
 * @throws HelmRecordUnreadableError for a record that cannot be decoded; KubeError when the cluster cannot be read.
 */
export async function readHelmRecords(
  input: HelmStorageInput & { namespace?: string; name?: string },
): Promise<FoundRecord[]> {
  const client = clientFor(input);
  const selector = input.name === undefined ? 'owner=helm' : `owner=helm,name=${input.name}`;
  const found: FoundRecord[] = [];
  for (const driver of ['secret', 'configmap'] as const) {
    const objects = await client.list({
      ...KINDS[driver],
      ...(input.namespace === undefined ? {} : { namespace: input.namespace }),
      labelSelector: selector,
    });
    for (const object of objects) {
      const text = releaseText(object, driver);
      if (text === undefined) continue;
      const name = object.metadata.name;
      const namespace = object.metadata.namespace ?? '';
      const release = decodeHelmRelease(text, `${driver} ${namespace}/${name}`);
      found.push({
        release: { ...release, namespace: release.namespace ?? namespace },
        driver,
        objectName: name,
        namespace,
      });
    }
  }
  return found.sort(
    (a, b) =>
      compareText(a.namespace, b.namespace) ||
      compareText(a.release.name, b.release.name) ||
      a.release.version - b.release.version,
  );
}

function releaseText(object: KubeObject, driver: HelmDriver): string | undefined {
  const data = (object as { data?: Record<string, string> }).data?.release;
  if (data === undefined) return undefined;
  // A Secret's data is base64 of helm's text; a ConfigMap holds the text itself.
  return driver === 'secret' ? Buffer.from(data, 'base64').toString('utf8') : data;
}

/** The object helm would keep `release` in, in the Secrets driver's form. */
export function helmSecretFor(release: HelmRelease, labels: Record<string, string> = {}): KubeObject {
  const namespace = release.namespace ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: helmRecordName(release.name, release.version),
      namespace,
      labels: {
        ...labels,
        name: release.name,
        owner: 'helm',
        status: release.info?.status ?? 'unknown',
        version: String(release.version),
      },
    },
    type: 'helm.sh/release.v1',
    data: { release: Buffer.from(encodeHelmRelease(release), 'utf8').toString('base64') },
  } as KubeObject;
}

/** Writes (creates or replaces) helm's Secret for a revision. */
export async function writeHelmSecret(
  client: KubeClient,
  release: HelmRelease,
  createdAt: number,
): Promise<void> {
  const secret = helmSecretFor(release, { createdAt: String(Math.floor(createdAt / 1000)) });
  await client.apply(secret, { force: true, dryRun: false });
}

/** Deletes helm's record object of a revision; false when it was already gone. */
export function deleteHelmRecord(
  client: KubeClient,
  record: { driver: HelmDriver; namespace: string; objectName: string },
): Promise<boolean> {
  return client.remove({ ...KINDS[record.driver], namespace: record.namespace, name: record.objectName });
}

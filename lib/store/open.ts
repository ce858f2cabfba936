import type { StoreDriver } from './driver.ts';
import { StoreConfigError } from './errors.ts';
import { FileDriver } from './file.ts';
import { MemoryDriver } from './memory.ts';

export const STORE_URL_FORMS = 'memory://, file://DIR, or dynamodb://TABLE?endpoint=URL&region=REGION';

/**
 * Opens the driver a store URL names:
 * - `memory://`: nothing kept after the process ends;
 * - `file://DIR` (`file:///abs/dir` or `file://relative/dir`): a folder on this machine;
 * - `dynamodb://TABLE?endpoint=URL&region=R&create=true`: a DynamoDB table; `endpoint` for DynamoDB Local,
 *   `create=true` makes the table when missing (local use; the CDK stack owns it in AWS).
 * @throws StoreConfigError naming what is wrong with the URL.
 */
export async function openDriver(url: string): Promise<StoreDriver> {
  const scheme = /^([a-z]+):\/\//.exec(url)?.[1];
  const rest = url.slice((scheme?.length ?? 0) + 3);
  switch (scheme) {
    case 'memory':
      return new MemoryDriver();
    case 'file': {
      if (rest.length === 0) throw new StoreConfigError(`store URL "${url}" names no folder; use file://DIR`);
      return new FileDriver(decodeURIComponent(rest));
    }
    case 'dynamodb': {
      const parsed = new URL(`http://${rest}`);
      const table = decodeURIComponent(
        parsed.hostname === ''
          ? parsed.pathname.slice(1)
          : `${parsed.host}${parsed.pathname}`.replace(/\/$/, ''),
      );
      if (!/^[A-Za-z0-9_.-]{3,255}$/.test(table)) {
        throw new StoreConfigError(
          `store URL "${url}": "${table}" is not a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)`,
        );
      }
      const endpoint = parsed.searchParams.get('endpoint') ?? undefined;
      const region =
        parsed.searchParams.get('region') ??
        process.env.AWS_REGION ??
        (endpoint === undefined ? undefined : 'us-east-1');
      // The AWS SDK loads only for a DynamoDB store: a CLI on a file store starts without it.
      const [{ DynamoDBClient }, { DynamoDbDriver }, { ensureReleaseTable }] = await Promise.all([
        import('@aws-sdk/client-dynamodb'),
        import('./dynamodb.ts'),
        import('./dynamodb-table.ts'),
      ]);
      const client = new DynamoDBClient({
        ...(endpoint === undefined ? {} : { endpoint, credentials: localCredentials() }),
        ...(region === undefined ? {} : { region }),
      });
      if (parsed.searchParams.get('create') === 'true') await ensureReleaseTable(client, table);
      return new DynamoDbDriver({ tableName: table, client });
    }
    default:
      throw new StoreConfigError(`store URL "${url}" is not one of ${STORE_URL_FORMS}`);
  }
}

/** DynamoDB Local accepts any key; real credentials from the environment win when present. */
function localCredentials() {
  return {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'quayside',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'quayside',
  };
}

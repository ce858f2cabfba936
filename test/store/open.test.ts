import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import {
  DynamoDbDriver,
  FileDriver,
  MemoryDriver,
  openDriver,
  StoreConfigError,
} from '../../lib/store/index.ts';

describe('openDriver', () => {
  it('opens memory, file and DynamoDB stores from their URLs', async () => {
    expect(await openDriver('memory://')).toBeInstanceOf(MemoryDriver);
    const dir = mkdtempSync(join(tmpdir(), 'quayside-open-'));
    expect(await openDriver(`file://${dir}`)).toBeInstanceOf(FileDriver);
    const endpoint = encodeURIComponent(inject('dynamoEndpoint'));
    const driver = await openDriver(
      `dynamodb://open-test-${process.pid}?endpoint=${endpoint}&region=us-east-1&create=true`,
    );
    expect(driver).toBeInstanceOf(DynamoDbDriver);
    await driver.transact([{ type: 'put', item: { pk: 'x', sk: 'y' } }]);
    expect(await driver.get({ pk: 'x', sk: 'y' })).toEqual({ pk: 'x', sk: 'y' });
    await driver.close?.();
  });

  it('names the accepted forms when the URL is not one of them', async () => {
    const error = await openDriver('redis://localhost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreConfigError);
    expect((error as Error).message).toContain('memory://, file://DIR, or dynamodb://TABLE');
    await expect(openDriver('dynamodb://x')).rejects.toThrow(/not a DynamoDB table name/);
  });
});

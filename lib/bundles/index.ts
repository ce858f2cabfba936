/** The deployable artifacts: how the Lambda bundles are made, for the CDK stack and the local stack alike. */
export { type BundleInfo, buildFunctionBundles, bundleDir } from './build.ts';
export {
  BUNDLE_FILE,
  ENGINE_ASSETS,
  ESBUILD_SETTINGS,
  FUNCTIONS,
  type FunctionName,
  SWEEP_EVERY_MINUTES,
  WORKER_EVENT_SOURCE,
} from './settings.ts';

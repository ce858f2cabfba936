export { releaseEngineWorker, type StartedWorker, useEngineWorker } from './engine/engine-host.ts';
export {
  ArchiveTooLargeError,
  ChartError,
  ChartInvalidError,
  ChartMetadataError,
  ChartNotInstallableError,
  ChartSourceError,
  ChartVersionNotFoundError,
  DigestMismatchError,
  EngineError,
  KubeVersionIncompatibleError,
  ManifestParseError,
  MissingDependencyError,
  SchemaValidationError,
  TemplateError,
  UnsafeArchiveError,
  ValueFlagError,
  ValuesTypeError,
  YamlError,
} from './errors.ts';
export { DEFAULT_MAX_UNPACKED_BYTES } from './load/archive.ts';
export { loadChart, loadChartArchive } from './load/load-chart.ts';
export { packChartDirectory } from './load/pack.ts';
export { WARNING_MESSAGES } from './messages.ts';
export { DEFAULT_KUBE_VERSION, HELM_VERSION, parseKubeVersion } from './render/capabilities.ts';
export { isValidReleaseName, MAX_RELEASE_NAME_LENGTH, renderNameTemplate } from './render/name-template.ts';
export { formatTemplateOutput, type TemplateOutputOptions } from './render/output.ts';
export { renderChart } from './render/render.ts';
export type {
  CapabilitiesInput,
  Chart,
  ChartDependency,
  ChartFile,
  ChartMetadata,
  ChartSource,
  ClusterCapabilities,
  ClusterLookup,
  LoadOptions,
  LookupCall,
  ReleaseInfo,
  RenderedHook,
  RenderedManifest,
  RenderedRelease,
  RenderInput,
  SourceAuth,
  Values,
} from './types.ts';
export { coalesceTables } from './values/coalesce.ts';
export { type FlagFileReader, parseValueFlags, type ValueFlags } from './values/flags.ts';

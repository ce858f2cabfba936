/** Values as Helm sees them: maps of strings to scalars, lists and maps. Integers from --set are bigint. */
export type Values = Record<string, unknown>;

/** One file of a chart, by its path inside the chart ("templates/a.yaml"). */
export interface ChartFile {
  name: string;
  data: Uint8Array;
}

/** One entry of Chart.yaml `dependencies` (or requirements.yaml for apiVersion v1). */
export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  condition?: string;
  tags?: string[];
  enabled?: boolean;
  'import-values'?: unknown[];
  alias?: string;
}

export interface ChartMaintainer {
  name?: string;
  email?: string;
  url?: string;
}

/** Chart.yaml, with Helm's field names. */
export interface ChartMetadata {
  apiVersion: string;
  name: string;
  version: string;
  appVersion?: string;
  description?: string;
  type?: string;
  kubeVersion?: string;
  home?: string;
  icon?: string;
  sources?: string[];
  keywords?: string[];
  maintainers?: ChartMaintainer[];
  annotations?: Record<string, string>;
  deprecated?: boolean;
  condition?: string;
  tags?: string;
  dependencies?: ChartDependency[];
}

/** A loaded chart and the subcharts found in its charts/ folder. */
export interface Chart {
  metadata: ChartMetadata;
  /** values.yaml, parsed. */
  values: Values;
  /** values.schema.json, parsed, when the chart has one. */
  schema?: unknown;
  /** Files under templates/. */
  templates: ChartFile[];
  /** Every other file (crds/, README, files read through .Files). */
  files: ChartFile[];
  /** Subcharts from charts/, directories and .tgz alike. */
  dependencies: Chart[];
}

/** Where a chart comes from. */
export type ChartSource =
  | { kind: 'directory'; path: string }
  | { kind: 'archive-file'; path: string }
  | { kind: 'archive-base64'; data: string }
  | { kind: 'repository'; repoUrl: string; chart: string; version?: string; auth?: SourceAuth }
  | { kind: 'oci'; reference: string; version?: string; auth?: SourceAuth; plainHttp?: boolean };

/** Credentials for a repository or registry. */
export type SourceAuth = { username: string; password: string } | { token: string };

export interface LoadOptions {
  /** Largest number of bytes an archive may unpack to (default 20 MiB). */
  maxUnpackedBytes?: number;
  /** fetch used for repositories and registries (default: global fetch). */
  fetch?: typeof fetch;
}

export interface ReleaseInfo {
  name: string;
  namespace: string;
  revision: number;
  isInstall: boolean;
  isUpgrade: boolean;
  /** What .Release.Service says (default "Helm", so charts that test it behave). */
  service?: string;
}

export interface CapabilitiesInput {
  /** e.g. "v1.20.0" or "1.29". Default v1.20.0, as helm template. */
  kubeVersion?: string;
  /** Extra API versions (added to the built-in ones), e.g. "monitoring.coreos.com/v1". */
  apiVersions?: string[];
}

export interface RenderInput {
  chart: Chart;
  /** Values the user supplied, already merged from -f / --set (see parseValueFlags). */
  values: Values;
  release: ReleaseInfo;
  capabilities?: CapabilitiesInput;
  /** Leave out hooks annotated as tests. */
  skipTests?: boolean;
  /** Put crds/ files into `crds` (they are always returned; this only affects formatTemplateOutput). */
  includeCrds?: boolean;
  /** Render NOTES.txt of subcharts too. */
  subNotes?: boolean;
  /**
   * Also run Helm's own code paths beside the engine's shortcuts (direct toYaml,
   * plain manifest heads) and fail with an EngineError on any difference. Slower;
   * the test suite turns it on for every render through QUAYSIDE_VERIFY_ENGINE_SHORTCUTS=1.
   */
  verifyShortcuts?: boolean;
}

export interface RenderedManifest {
  /** Template path, e.g. "mychart/templates/service.yaml". */
  path: string;
  content: string;
  kind?: string;
  name?: string;
}

export interface RenderedHook {
  path: string;
  name: string;
  kind: string;
  events: string[];
  weight: number;
  deletePolicies: string[];
  manifest: string;
}

export interface RenderedRelease {
  /** Manifests in Helm's install order. */
  manifests: RenderedManifest[];
  /** Hooks, sorted by kind like Helm does before it weighs them. */
  hooks: RenderedHook[];
  notes: string;
  computedValues: Values;
  crds: Array<{ path: string; content: string }>;
  chart: { name: string; version: string; appVersion: string };
}

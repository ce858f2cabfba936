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
  /** e.g. "v1.35.0" or "1.29" (helm template --kube-version). Default v1.35.0, as Helm 4.1.4. */
  kubeVersion?: string;
  /** Extra API versions (added to Helm's offline ones), e.g. "monitoring.coreos.com/v1". */
  apiVersions?: string[];
  /** A live cluster's version and API versions; when given, the two fields above are not used. */
  cluster?: ClusterCapabilities;
}

/** One `lookup apiVersion kind namespace name` call of a template. */
export interface LookupCall {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

export type ClusterLookup = (call: LookupCall) => Promise<Record<string, unknown> | undefined>;

/** What a cluster's discovery says about it, as `helm install` reads it for .Capabilities. */
export interface ClusterCapabilities {
  /** The server's gitVersion, e.g. "v1.29.3-eks-adc7111". */
  gitVersion: string;
  /** As the server reports them ("1", "29+"). */
  major: string;
  minor: string;
  /** Served "group/version" and "group/version/Kind" entries. */
  apiVersions: string[];
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
   * Reads the cluster for templates' `lookup` (install, upgrade, dry-run): the object, or the list
   * when the name is "", or undefined when there is none; a throw fails the render with its message.
   * Without it, as with `helm template`, every lookup finds nothing.
   */
  lookup?: ClusterLookup;
  /**
   * Receives the warnings helm prints while merging values ("warning: cannot overwrite table with
   * non table for …"). They quote values: show them to the user who gave the values, never log them.
   */
  onWarning?: (message: string) => void;
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

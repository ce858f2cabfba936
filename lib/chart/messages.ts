/** Message texts users see, in one place. Helm's wording is kept where helm prints the same error. */
export const ENGINE_MESSAGES = {
  noRuntime: 'template engine: Go WebAssembly runtime (wasm_exec.js) did not load',
  noRenderFunction: 'template engine: engine.wasm did not register its render function',
  loadFailed: 'template engine: cannot load engine.wasm',
  badResponse: 'template engine: unreadable response from engine.wasm',
  tooDeep:
    'rendering template failed: templates call each other too deeply (an include or tpl that never stops?); the JavaScript stack ran out',
  crashed: 'template engine: engine.wasm stopped unexpectedly; the next render starts it again',
} as const;

export const yamlMessage = (file: string, reason: string): string => `cannot load ${file}: ${reason}`;

export const CHART_MESSAGES = {
  chartYamlMissing: 'Chart.yaml file is missing',
  helmignoreDoubleStar: 'double-star (**) syntax is not supported',
  schemaUnreadable: 'cannot load values.schema.json: not valid JSON',
  tooDeep: (max: number) => `subcharts nest more than ${max} levels deep`,
  subchartArchiveNotFile: (name: string) => `error unpacking ${name}: not an archive file`,
  notASubchart: (name: string) => `${name} in charts/ is not a chart`,
  subchartInvalid: (name: string, parent: string, reason: string) =>
    `error unpacking ${name} in ${parent}: ${reason}`,
  notADirectory: (path: string) => `${path}: not a chart directory`,
  symlinkLoop: (path: string) => `${path}: symbolic links lead back to a folder already read`,
  irregularFile: (path: string) => `cannot load irregular file ${path} as it has file mode type bits set`,
  directoryTooLarge: (limit: number) => `chart directory holds more than ${limit} bytes`,
  notInstallable: (type: string) => `${type} charts are not installable`,
  invalidKubeVersion: (text: string, reason: string) => `invalid kube version '${text}': ${reason}`,
  kubeVersionIncompatible: (constraint: string, version: string) =>
    `chart requires kubeVersion: ${constraint} which is incompatible with Kubernetes ${version}`,
  missingDependencies: (names: string[]) =>
    'An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: ' +
    `found in Chart.yaml, but missing in charts/ directory: ${names.join(', ')}`,
} as const;

export const METADATA_MESSAGES = {
  apiVersionRequired: 'validation: chart.metadata.apiVersion is required',
  nameRequired: 'validation: chart.metadata.name is required',
  nameInvalid: (name: string) => `validation: chart.metadata.name "${name}" is invalid`,
  versionRequired: 'validation: chart.metadata.version is required',
  versionInvalid: (version: string) => `validation: chart.metadata.version "${version}" is invalid`,
  typeInvalid: 'validation: chart.metadata.type must be application or library',
  aliasInvalid: (name: string) => `validation: dependency "${name}" has disallowed characters in the alias`,
  duplicateDependency: (key: string) => `validation: more than one dependency with name or alias "${key}"`,
  fieldType: (file: string, field: string, got: string) =>
    `cannot load ${file}: field ${field} must be a string, got a ${got}`,
} as const;

export const ARCHIVE_MESSAGES = {
  notGzip: 'chart archive is not a gzip-compressed tar file',
  invalid: (reason: string) => `chart archive is not a valid tar file: ${reason}`,
  tooLarge: (limit: number) => `chart archive unpacks to more than the ${limit} bytes allowed`,
  link: (name: string) => `chart archive entry ${JSON.stringify(name)} is a link; links are not allowed`,
  unsupported: (name: string, type: string) =>
    `chart archive entry ${JSON.stringify(name)} has unsupported type ${type}`,
  absolute: (name: string) => `chart archive entry ${JSON.stringify(name)} has an absolute path`,
  traversal: (name: string) =>
    `chart illegally contains content outside the base directory: ${JSON.stringify(name)}`,
} as const;

export const SCHEMA_MESSAGES = {
  failed: (report: string) =>
    `values don't meet the specifications of the schema(s) in the following chart(s):\n${report}`,
  notAnObject: "at '': values.schema.json is not a JSON Schema object",
  invalidSchema: (reason: string) => `at '': values.schema.json is not a valid JSON Schema: ${reason}`,
} as const;

// Kubernetes' version parser's own words, which Helm passes on.
const goQuoted = (text: string): string => JSON.stringify(text);

export const RENDER_MESSAGES = {
  unparsableVersion: (text: string) => `could not parse ${goQuoted(text)} as version`,
  illegalVersion: (text: string) => `illegal version string ${goQuoted(text)}`,
  zeroPrefixed: (component: string, text: string) =>
    `illegal zero-prefixed version component ${goQuoted(component)} in ${goQuoted(text)}`,
  outOfRange: (component: string, text: string) =>
    `illegal non-numeric version component ${goQuoted(component)} in ${goQuoted(text)}: strconv.ParseUint: parsing ${goQuoted(component)}: value out of range`,
  tooManyLookups: (max: number, rounds: number) =>
    `rendering template failed: the templates make more than ${max} lookups, or lookups that depend on each other more than ${rounds} deep`,
} as const;

export const OUTPUT_MESSAGES = {
  templateNotFound: (pattern: string) => `could not find template ${pattern} in chart`,
} as const;

export const STRVALS_MESSAGES = {
  unparsable: (reason: string) => `unable to parse key: ${reason}`,
  noValue: (key: string) => `key "${key}" has no value`,
  noValueComma: (key: string) => `key "${key}" has no value (cannot end with ,)`,
  emptyMap: (key: string) => `key map "${key}" has no value`,
  notAList: (key: string) => `unable to parse key: "${key}" is not a list`,
  notAMap: (key: string) => `unable to parse key: "${key}" is not a map`,
  tooDeep: (max: number) =>
    `value name nested level is greater than maximum supported nested level of ${max}`,
  badIndex: (text: string) => `error parsing index: strconv.Atoi: parsing "${text}": invalid syntax`,
  negativeIndex: (n: number) => `negative ${n} index not allowed`,
  indexTooLarge: (n: number, max: number) =>
    `index of ${n} is greater than maximum supported index of ${max}`,
  dataAfterIndex: (text: string) => `unexpected data at end of array index: "${text}"`,
  listUnterminated: "list must terminate with '}'",
  badJson: (reason: string) => `invalid JSON value: ${reason}`,
} as const;

export const VALUE_FLAG_MESSAGES = {
  cannotParse: (path: string, reason: string) => `failed to parse ${path}: ${reason}`,
  setJson: (line: string) => `failed parsing --set-json data ${line}`,
  setJsonObject: (line: string) => `failed parsing --set-json data JSON: ${line}`,
  set: 'failed parsing --set data',
  setString: 'failed parsing --set-string data',
  setFile: 'failed parsing --set-file data',
} as const;

export const LOAD_MESSAGES = {
  cannotRead: (path: string) => `cannot read chart archive ${path}`,
} as const;

export const SOURCE_MESSAGES = {
  unreachable: (url: string) => `cannot reach ${url}`,
  status: (url: string, status: number) => `${url} answered HTTP ${status}`,
  tooLarge: (url: string, limit: number) => `${url} sent more than the ${limit} bytes allowed`,
  digestMismatch: (url: string, expected: string, actual: string) =>
    `digest mismatch for ${url}: expected sha256:${expected}, got sha256:${actual}`,
  badIndex: (url: string) => `${url} is not a valid repository index`,
  chartNotFound: (chart: string, url: string) => `chart "${chart}" not found in ${url}`,
  versionNotFound: (chart: string, version: string) =>
    `no chart version found for ${chart}-${version || '(latest)'}`,
  noUrl: (chart: string, version: string) => `chart ${chart}-${version} has no download URL in the index`,
  badReference: (reference: string) => `invalid OCI reference ${reference}`,
  noChartLayer: (reference: string) => `${reference} is not a Helm chart (no chart content layer)`,
  authFailed: (url: string) => `registry refused the credentials for ${url}`,
} as const;

/** Warnings helm prints while coalescing values, in its words (they quote values: template output only). */
export const WARNING_MESSAGES = {
  deprecatedChart: 'this chart is deprecated',
  globalsNotTable: (side: 'destination' | 'source') =>
    `warning: skipping globals because ${side} global is not a table.`,
  globalConflict: (key: string) =>
    `Conflict: cannot merge map onto non-map for ${JSON.stringify(key)}. Skipping.`,
  globalIsTable: (key: string) => `key ${key} is table. Skipping`,
  skippedNotTable: (key: string) => `warning: skipped value for ${key}: Not a table.`,
  tableOverNonTable: (key: string, value: string) =>
    `warning: cannot overwrite table with non table for ${key} (${value})`,
  nonTableIgnored: (key: string, value: string) =>
    `warning: destination for ${key} is a table. Ignoring non-table value (${value})`,
} as const;

export const VALUES_MESSAGES = {
  typeMismatch: (name: string) => `type mismatch on ${name}: the values of subchart ${name} must be a map`,
} as const;

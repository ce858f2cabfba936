/** Message texts users see, in one place. Helm's wording is kept where helm prints the same error. */
export const ENGINE_MESSAGES = {
  noRuntime: 'template engine: Go WebAssembly runtime (wasm_exec.js) did not load',
  noRenderFunction: 'template engine: engine.wasm did not register its render function',
  loadFailed: 'template engine: cannot load engine.wasm',
  badResponse: 'template engine: unreadable response from the engine',
  tooDeep:
    'rendering template failed: templates call each other too deeply (an include or tpl that never stops?); the JavaScript stack ran out',
  crashed: 'template engine: engine.wasm stopped unexpectedly; the next render starts it again',
  nativeUnstartable: (path: string) =>
    `template engine: the native engine (${path}) could not be started (QUAYSIDE_ENGINE=wasm runs the WebAssembly engine instead)`,
  nativeCrashed: (path: string) =>
    `template engine: the native engine (${path}) stopped unexpectedly; the next render starts it again (QUAYSIDE_ENGINE=wasm runs the WebAssembly engine instead)`,
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

/**
 * --set, --set-string, --set-json and --set-file parse errors. Helm quotes the offending text; these
 * never do, since the text may be (part of) a secret value: a comma inside a value splits it, and the
 * rest reads as a key. They name a key only where the text was written as one (ended by "=", "[" or
 * "."), and otherwise point at character positions within the expression (1-based, inclusive).
 */
export const STRVALS_MESSAGES = {
  unparsable: 'the expression could not be parsed',
  noValue: (from: number, to: number) =>
    `characters ${from}-${to} are not followed by "=" and a value (escape a comma inside a value as "\\,")`,
  emptyMap: (key: string) => `key map "${key}" has no value`,
  notAList: (key: string) => `key "${key}" is not a list`,
  notAMap: (key: string) => `key "${key}" is not a map`,
  tooDeep: (max: number) =>
    `value name nested level is greater than maximum supported nested level of ${max}`,
  badIndex: (key: string) => `key "${key}": the list index is not a whole number`,
  negativeIndex: (key: string, n: number) => `key "${key}": negative index ${n} not allowed`,
  indexTooLarge: (key: string, n: number, max: number) =>
    `key "${key}": index ${n} is greater than the maximum supported index of ${max}`,
  dataAfterIndex: (from: number, to: number) =>
    `characters ${from}-${to}: unexpected text after a list index`,
  listUnterminated: (key: string) => `key "${key}": a list must end with '}'`,
  badJson: (key: string, at: number | undefined) =>
    `key "${key}": the value is not valid JSON${at === undefined ? '' : ` (at character ${at} of the value)`}`,
} as const;

const YAML_PROBLEMS: Record<string, string> = {
  BAD_INDENT: 'bad indentation',
  TAB_AS_INDENT: 'a tab used as indentation',
  DUPLICATE_KEY: 'a key appears twice in one map',
  BAD_DQ_ESCAPE: 'an invalid escape sequence in a double-quoted string',
  MISSING_CHAR: 'a closing quote, bracket or separator is missing',
  BLOCK_AS_IMPLICIT_KEY: 'a nested mapping on the line of its key (start it on a new line)',
  MULTILINE_IMPLICIT_KEY: 'a key spans more than one line',
  UNEXPECTED_TOKEN: 'unexpected text',
  BAD_ALIAS: 'an alias refers to no anchor',
  ALIAS_PROPS: 'an alias cannot have a tag or anchor',
  BAD_SCALAR_START: 'a plain value starts with a reserved character',
};

/** Value flags as a whole. A path is named; nothing read from a file or an expression is quoted. */
export const VALUE_FLAG_MESSAGES = {
  cannotRead: (path: string) => `cannot read values file ${path}`,
  cannotParse: (path: string, line: number | undefined, column: number | undefined, problem: string) =>
    `failed to parse ${path}${line === undefined ? '' : `: line ${line}, column ${column}`}: ${problem}`,
  notAMap: 'the document is not a map',
  /** What a YAML parser error code means, in words that quote nothing of the document. */
  yamlProblem: (code: string) => YAML_PROBLEMS[code] ?? code.toLowerCase().replace(/_/g, ' '),
  expression: (flag: string, index: number, count: number, problem: string) =>
    `failed parsing ${flag} data${count > 1 ? ` (expression ${index} of ${count})` : ''}: ${problem}`,
  /** A values file Helm's reader refused; the reason has what it quoted of the document taken out. */
  cannotParseFile: (path: string, reason: string) => `failed to parse ${path}: ${reason}`,
  notJsonObject: 'not a JSON object (a line starting with { must be one, without Infinity or NaN)',
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

import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  ChartError,
  formatTemplateOutput,
  isValidReleaseName,
  KubeVersionIncompatibleError,
  loadChart,
  MAX_RELEASE_NAME_LENGTH,
  ManifestParseError,
  parseKubeVersion,
  parseValueFlags,
  renderChart,
  renderNameTemplate,
  TemplateError,
  WARNING_MESSAGES,
} from '../chart/index.ts';
import { chartSourceOf } from './chart-source.ts';

const DEFAULT_RELEASE_NAME = 'release-name';
const DEFAULT_NAMESPACE = 'default';

const MESSAGES = {
  usage: `Usage: quayside template [NAME] [CHART] [flags]

Render chart templates locally and print them, as 'helm template' does.

Flags:
  -f, --values FILE          values file (repeatable)
      --set K=V              set values (repeatable)
      --set-string K=V       set string values (repeatable)
      --set-json K=JSON      set JSON values (repeatable)
      --set-file K=PATH      set values from files (repeatable)
  -n, --namespace NS         release namespace (default "default")
      --kube-version V       Kubernetes version for .Capabilities (default v1.35.0, as Helm 4.1.4)
  -a, --api-versions V       extra API versions for .Capabilities (repeatable)
      --include-crds         include the crds/ files in the output
      --skip-tests           leave out test hooks
      --no-hooks             leave out all hooks
  -s, --show-only PATH       only print these templates (repeatable, globs allowed)
      --name-template TPL    template for the release name
      --version CONSTRAINT   chart version constraint (repository and OCI charts)
      --repo URL             chart repository URL
      --username, --password credentials for the repository or registry
      --plain-http           use HTTP instead of HTTPS for oci:// charts
      --is-upgrade           set .Release.IsUpgrade instead of .Release.IsInstall`,
  tooManyArgs: (extra: string[]) =>
    `expected at most two arguments, unexpected arguments: ${extra.join(', ')}`,
  noChart: 'requires at least 1 argument: the chart',
  nameAndTemplate: 'cannot set --name-template and also specify a name',
  invalidName: (name: string) =>
    `release name "${name}": invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than ${MAX_RELEASE_NAME_LENGTH}`,
  debugHint: '\n\nUse --debug flag to render out invalid YAML',
  invalidKubeVersion: (text: string, reason: string) => `invalid kube version '${text}': ${reason}`,
} as const;

const OPTIONS = {
  values: { type: 'string', short: 'f', multiple: true },
  set: { type: 'string', multiple: true },
  'set-string': { type: 'string', multiple: true },
  'set-json': { type: 'string', multiple: true },
  'set-file': { type: 'string', multiple: true },
  namespace: { type: 'string', short: 'n' },
  'kube-version': { type: 'string' },
  'api-versions': { type: 'string', short: 'a', multiple: true },
  'include-crds': { type: 'boolean' },
  'skip-tests': { type: 'boolean' },
  'no-hooks': { type: 'boolean' },
  'show-only': { type: 'string', short: 's', multiple: true },
  'name-template': { type: 'string' },
  version: { type: 'string' },
  repo: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'is-upgrade': { type: 'boolean' },
  'plain-http': { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Where `quayside template` writes and which folder relative paths start from. */
export interface TemplateIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Relative chart and values paths are read from here (default: the process's folder). */
  cwd?: string;
}

const PROCESS_IO: TemplateIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * `quayside template [NAME] CHART`: prints what `helm template` prints.
 * Returns the exit code; errors go to stderr as "Error: …". Messages name paths as given.
 */
export async function runTemplateCommand(argv: string[], io: TemplateIo = PROCESS_IO): Promise<number> {
  const at = (path: string): string => (io.cwd && !isAbsolute(path) ? resolve(io.cwd, path) : path);
  try {
    const { values: flags, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
    });
    if (flags.help) {
      io.stdout(`${MESSAGES.usage}\n`);
      return 0;
    }
    const kubeVersion = flags['kube-version'];
    if (kubeVersion) {
      try {
        parseKubeVersion(kubeVersion);
      } catch (error) {
        throw new ChartError(MESSAGES.invalidKubeVersion(kubeVersion, (error as Error).message));
      }
    }
    const { name, chartRef } = await releaseNameAndChart(positionals, flags['name-template']);
    const values = await parseValueFlags(
      {
        valueFiles: (flags.values ?? []).flatMap((v) => v.split(',')),
        jsonValues: flags['set-json'] ?? [],
        values: flags.set ?? [],
        stringValues: flags['set-string'] ?? [],
        fileValues: flags['set-file'] ?? [],
      },
      (path) => readFileSync(at(path)),
    );
    // As in helm, values are read before the chart, so their errors come first.
    const chart = await loadChart(await chartSourceOf(chartRef, flags, at));
    if (chart.metadata.deprecated) io.stderr(helmLogLine('WARN', WARNING_MESSAGES.deprecatedChart));
    const isUpgrade = flags['is-upgrade'] ?? false;
    const release = await renderChart({
      chart,
      values,
      release: {
        name,
        namespace: flags.namespace ?? DEFAULT_NAMESPACE,
        revision: 1,
        isInstall: !isUpgrade,
        isUpgrade,
      },
      capabilities: {
        ...(kubeVersion ? { kubeVersion } : {}),
        apiVersions: (flags['api-versions'] ?? []).flatMap((v) => v.split(',')),
      },
      // helm prints its value-merging warnings through the standard logger, at INFO.
      onWarning: (message) => io.stderr(helmLogLine('INFO', message)),
    });
    io.stdout(
      formatTemplateOutput(release, {
        includeCrds: flags['include-crds'] ?? false,
        skipTests: flags['skip-tests'] ?? false,
        disableHooks: flags['no-hooks'] ?? false,
        // Like helm: --show-only is taken whole (no comma splitting), -f and -a split on commas.
        showOnly: flags['show-only'] ?? [],
      }),
    );
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // helm adds the hint to every error that happens while rendering (after values are ready).
    const rendering =
      error instanceof TemplateError ||
      error instanceof ManifestParseError ||
      error instanceof KubeVersionIncompatibleError;
    const hint = rendering ? MESSAGES.debugHint : '';
    io.stderr(`Error: ${message}${hint}\n`);
    return 1;
  }
}

async function releaseNameAndChart(
  positionals: string[],
  nameTemplate: string | undefined,
): Promise<{ name: string; chartRef: string }> {
  if (positionals.length > 2) throw new ChartError(MESSAGES.tooManyArgs(positionals.slice(2)));
  if (positionals.length === 0) throw new ChartError(MESSAGES.noChart);
  let name: string;
  let chartRef: string;
  if (positionals.length === 2) {
    if (nameTemplate) throw new ChartError(MESSAGES.nameAndTemplate);
    [name, chartRef] = positionals as [string, string];
  } else {
    chartRef = positionals[0]!;
    name = nameTemplate ? await renderNameTemplate(nameTemplate) : DEFAULT_RELEASE_NAME;
  }
  if (!isValidReleaseName(name)) throw new ChartError(MESSAGES.invalidName(name));
  return { name, chartRef };
}

/**
 * A line as helm 4's logger writes it to stderr (`level=WARN msg="this chart is deprecated"`):
 * Go's slog text format without the time, the message quoted when it holds a blank, "=", a quote
 * or an unprintable character.
 */
function helmLogLine(level: 'INFO' | 'WARN', message: string): string {
  const plain = message !== '' && !/[\s="\p{C}]/u.test(message);
  return `level=${level} msg=${plain ? message : JSON.stringify(message)}\n`;
}

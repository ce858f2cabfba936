import { parseArgs } from 'node:util';
import {
  ChartError,
  formatTemplateOutput,
  isValidReleaseName,
  loadChart,
  MAX_RELEASE_NAME_LENGTH,
  ManifestParseError,
  parseValueFlags,
  renderChart,
  renderNameTemplate,
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
      --kube-version V       Kubernetes version for .Capabilities (default v1.20.0)
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

/**
 * `quayside template [NAME] CHART`: prints what `helm template` prints.
 * Returns the exit code; errors go to stderr as "Error: …".
 */
export async function runTemplateCommand(argv: string[]): Promise<number> {
  try {
    const { values: flags, positionals } = parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
    });
    if (flags.help) {
      process.stdout.write(`${MESSAGES.usage}\n`);
      return 0;
    }
    const { name, chartRef } = await releaseNameAndChart(positionals, flags['name-template']);
    const values = parseValueFlags({
      valueFiles: (flags.values ?? []).flatMap((v) => v.split(',')),
      jsonValues: flags['set-json'] ?? [],
      values: flags.set ?? [],
      stringValues: flags['set-string'] ?? [],
      fileValues: flags['set-file'] ?? [],
    });
    // As in helm, values are read before the chart, so their errors come first.
    const chart = await loadChart(await chartSourceOf(chartRef, flags));
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
        ...(flags['kube-version'] ? { kubeVersion: flags['kube-version'] } : {}),
        apiVersions: (flags['api-versions'] ?? []).flatMap((v) => v.split(',')),
      },
    });
    process.stdout.write(
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
    const hint = error instanceof ManifestParseError ? MESSAGES.debugHint : '';
    process.stderr.write(`Error: ${message}${hint}\n`);
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

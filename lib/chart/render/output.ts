import { ChartError } from '../errors.ts';
import { matchGoPattern } from '../load/glob.ts';
import { OUTPUT_MESSAGES } from '../messages.ts';
import type { RenderedRelease } from '../types.ts';

export interface TemplateOutputOptions {
  /** Print crds/ files first (helm template --include-crds). */
  includeCrds?: boolean;
  /** Leave out test hooks (--skip-tests). */
  skipTests?: boolean;
  /** Leave out all hooks (--no-hooks). */
  disableHooks?: boolean;
  /** Only these templates, as paths relative to the chart ("templates/a.yaml", globs allowed). */
  showOnly?: string[];
}

const SOURCE_LINE = /# Source: [^/]+\/(.+)/;
const MANIFEST_SEPARATOR = /(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*/;

/**
 * What `helm template` prints for a rendered release, byte for byte.
 * Throws ChartError when a --show-only pattern matches no template.
 */
export function formatTemplateOutput(release: RenderedRelease, options: TemplateOutputOptions = {}): string {
  const body: string[] = [];
  if (options.includeCrds) {
    for (const crd of release.crds) body.push(`---\n# Source: ${crd.path}\n${crd.content}\n`);
  }
  for (const m of release.manifests) body.push(`---\n# Source: ${m.path}\n${m.content}\n`);
  // helm trims the manifest text and ends it with one newline before hooks follow.
  let out = `${body.join('').trim()}\n`;
  if (!options.disableHooks) {
    for (const hook of release.hooks) {
      if (options.skipTests && hook.events.includes('test')) continue;
      out += `---\n# Source: ${hook.path}\n${hook.manifest}\n`;
    }
  }
  if (!options.showOnly || options.showOnly.length === 0) return out;
  return selectTemplates(out, options.showOnly);
}

function selectTemplates(all: string, patterns: string[]): string {
  const documents = splitDocuments(all);
  const chosen: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.replace(/\\/g, '/');
    let found = false;
    for (const doc of documents) {
      const m = SOURCE_LINE.exec(doc);
      if (!m || !matchGoPattern(pattern, m[1]!)) continue;
      chosen.push(doc);
      found = true;
    }
    if (!found) throw new ChartError(OUTPUT_MESSAGES.templateNotFound(raw));
  }
  return chosen.map((doc) => `---\n${doc}\n`).join('');
}

// Helm's SplitManifests followed by its manifest-N ordering.
function splitDocuments(text: string): string[] {
  return text
    .trim()
    .split(MANIFEST_SEPARATOR)
    .filter((d) => d !== '')
    .map((d) => d.trim());
}

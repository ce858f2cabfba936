import semver from 'semver';
import { ChartSourceError, ChartVersionNotFoundError, YamlError } from '../errors.ts';
import { DEFAULT_MAX_UNPACKED_BYTES } from '../load/archive.ts';
import { parseYaml } from '../load/yaml.ts';
import { SOURCE_MESSAGES as M } from '../messages.ts';
import type { ChartSource, LoadOptions } from '../types.ts';
import { authorizationHeader, checkDigest, httpGet, MAX_DOCUMENT_BYTES, readBody } from './http.ts';

type RepositorySource = Extract<ChartSource, { kind: 'repository' }>;

interface IndexEntry {
  version: string;
  urls: string[];
  digest?: string;
}

/**
 * Downloads a chart archive from a Helm HTTP repository: reads index.yaml,
 * picks the newest version matching the constraint (exact match first, as
 * Helm does), downloads it and checks its digest. Credentials are only sent
 * to the repository's own origin. Throws ChartSourceError,
 * ChartVersionNotFoundError, DigestMismatchError.
 */
export async function fetchRepositoryChart(
  source: RepositorySource,
  options: LoadOptions,
): Promise<Uint8Array> {
  const fetchImpl = options.fetch ?? fetch;
  const base = source.repoUrl.endsWith('/') ? source.repoUrl : `${source.repoUrl}/`;
  const origin = new URL(base).origin;
  const auth = authorizationHeader(source.auth);
  const headersFor = (url: string): Record<string, string> =>
    auth && new URL(url).origin === origin ? { authorization: auth } : {};

  const indexUrl = new URL('index.yaml', base).href;
  const indexText = (
    await readBody(await httpGet(fetchImpl, indexUrl, headersFor(indexUrl)), indexUrl, MAX_DOCUMENT_BYTES)
  ).toString('utf8');
  const entry = chooseVersion(readEntries(indexText, indexUrl, source.chart), source);
  const chartUrl = entry.urls[0];
  if (!chartUrl) throw new ChartSourceError(M.noUrl(source.chart, entry.version), source.repoUrl);
  const url = new URL(chartUrl, base).href;
  const limit = options.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES;
  const archive = await readBody(await httpGet(fetchImpl, url, headersFor(url)), url, limit);
  if (entry.digest) checkDigest(archive, entry.digest, url);
  return archive;
}

function readEntries(text: string, url: string, chart: string): IndexEntry[] {
  let index: unknown;
  try {
    index = parseYaml(text, 'index.yaml');
  } catch (error) {
    if (error instanceof YamlError) throw new ChartSourceError(M.badIndex(url), url, { cause: error });
    throw error;
  }
  const entries = (index as { entries?: Record<string, unknown> } | null)?.entries;
  const list = entries?.[chart];
  if (!Array.isArray(list)) throw new ChartVersionNotFoundError(M.chartNotFound(chart, url), url);
  return list
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map((e) => ({
      version: String(e.version ?? ''),
      urls: Array.isArray(e.urls) ? e.urls.map(String) : [],
      ...(typeof e.digest === 'string' ? { digest: e.digest } : {}),
    }));
}

function chooseVersion(entries: IndexEntry[], source: RepositorySource): IndexEntry {
  const wanted = source.version ?? '';
  const exact = wanted ? entries.find((e) => e.version === wanted) : undefined;
  if (exact) return exact;
  const range = wanted ? wanted.replace(/,/g, ' ') : '*';
  const candidates = entries
    .map((e) => ({ e, v: semver.parse(e.version, { loose: true }) ?? semver.coerce(e.version) }))
    .filter((c): c is { e: IndexEntry; v: semver.SemVer } => c.v !== null)
    .sort((a, b) => semver.rcompare(a.v, b.v));
  const match = candidates.find((c) => semver.satisfies(c.v, range, { loose: true }));
  if (!match) throw new ChartVersionNotFoundError(M.versionNotFound(source.chart, wanted), source.repoUrl);
  return match.e;
}

import semver from 'semver';
import { ChartSourceError, ChartVersionNotFoundError } from '../errors.ts';
import { DEFAULT_MAX_UNPACKED_BYTES } from '../load/archive.ts';
import { SOURCE_MESSAGES as M } from '../messages.ts';
import type { ChartSource, LoadOptions } from '../types.ts';
import { authorizationHeader, checkDigest, httpGet, MAX_DOCUMENT_BYTES, readBody } from './http.ts';

type OciSource = Extract<ChartSource, { kind: 'oci' }>;

/** Helm's OCI media types. */
export const HELM_CHART_CONTENT_MEDIA_TYPE = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
export const HELM_CHART_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';
const MANIFEST_ACCEPT = 'application/vnd.oci.image.manifest.v1+json';

interface Reference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * Pulls a chart from an OCI registry (`oci://host/path/name`, with a tag,
 * a digest, or a version constraint resolved against the tag list).
 * Anonymous access, bearer-token challenges (with basic credentials sent to
 * the token service) and basic auth are supported. The manifest's chart
 * layer is checked against its digest. Throws ChartSourceError,
 * ChartVersionNotFoundError, DigestMismatchError.
 */
export async function fetchOciChart(source: OciSource, options: LoadOptions): Promise<Uint8Array> {
  const ref = parseReference(source.reference);
  const client = new RegistryClient(options.fetch ?? fetch, source, ref);
  const selector = ref.digest ?? ref.tag ?? (await resolveTag(client, source, ref));
  const manifestUrl = client.url(`manifests/${selector}`);
  const manifestBody = await readBody(
    await client.get(manifestUrl, MANIFEST_ACCEPT),
    manifestUrl,
    MAX_DOCUMENT_BYTES,
  );
  if (ref.digest) checkDigest(manifestBody, ref.digest, manifestUrl);
  const manifest = JSON.parse(manifestBody.toString('utf8')) as {
    layers?: Array<{ mediaType?: string; digest?: string }>;
  };
  const layer = manifest.layers?.find((l) => l.mediaType === HELM_CHART_CONTENT_MEDIA_TYPE);
  if (!layer?.digest) throw new ChartSourceError(M.noChartLayer(source.reference), source.reference);
  const blobUrl = client.url(`blobs/${layer.digest}`);
  const limit = options.maxUnpackedBytes ?? DEFAULT_MAX_UNPACKED_BYTES;
  const archive = await readBody(await client.get(blobUrl), blobUrl, limit);
  checkDigest(archive, layer.digest, blobUrl);
  return archive;
}

function parseReference(reference: string): Reference {
  const m = /^oci:\/\/([^/]+)\/(.+)$/.exec(reference);
  if (!m) throw new ChartSourceError(M.badReference(reference), reference);
  let repository = m[2]!;
  let digest: string | undefined;
  let tag: string | undefined;
  const at = repository.indexOf('@');
  if (at !== -1) {
    digest = repository.slice(at + 1);
    repository = repository.slice(0, at);
  }
  const colon = repository.lastIndexOf(':');
  if (colon > repository.lastIndexOf('/')) {
    tag = repository.slice(colon + 1);
    repository = repository.slice(0, colon);
  }
  return { registry: m[1]!, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** An exact version is used as the tag ('+' becomes '_' as Helm stores it); a range is resolved via the tag list. */
async function resolveTag(client: RegistryClient, source: OciSource, ref: Reference): Promise<string> {
  const wanted = source.version ?? '';
  if (wanted && semver.valid(wanted)) return wanted.replace(/\+/g, '_');
  const url = client.url('tags/list');
  const body = JSON.parse(
    (await readBody(await client.get(url), url, MAX_DOCUMENT_BYTES)).toString('utf8'),
  ) as {
    tags?: string[];
  };
  const range = wanted ? wanted.replace(/,/g, ' ') : '*';
  const best = (body.tags ?? [])
    .map((tag) => ({ tag, v: semver.parse(tag.replace(/_/g, '+'), { loose: true }) }))
    .filter((c): c is { tag: string; v: semver.SemVer } => c.v !== null && semver.satisfies(c.v, range))
    .sort((a, b) => semver.rcompare(a.v, b.v))[0];
  if (!best) throw new ChartVersionNotFoundError(M.versionNotFound(ref.repository, wanted), source.reference);
  return best.tag;
}

/** Talks to one registry repository, answering auth challenges once and reusing the token. */
class RegistryClient {
  private authorization: string | undefined;
  private readonly base: string;

  constructor(
    private readonly fetchImpl: typeof fetch,
    private readonly source: OciSource,
    ref: Reference,
  ) {
    const scheme = source.plainHttp ? 'http' : 'https';
    this.base = `${scheme}://${ref.registry}/v2/${ref.repository}/`;
    if (source.auth && 'token' in source.auth) this.authorization = authorizationHeader(source.auth);
  }

  url(path: string): string {
    return this.base + path;
  }

  async get(url: string, accept?: string): Promise<Response> {
    const headers = (): Record<string, string> => ({
      ...(accept ? { accept } : {}),
      ...(this.authorization ? { authorization: this.authorization } : {}),
    });
    const first = await httpGet(this.fetchImpl, url, headers(), [401]);
    if (first.status !== 401) return first;
    const challenge = first.headers.get('www-authenticate') ?? '';
    await first.body?.cancel();
    this.authorization = await this.answer(challenge, url);
    const second = await httpGet(this.fetchImpl, url, headers(), [401]);
    if (second.status === 401) {
      await second.body?.cancel();
      throw new ChartSourceError(M.authFailed(url), this.source.reference, { status: 401 });
    }
    return second;
  }

  private async answer(challenge: string, url: string): Promise<string> {
    const basic =
      this.source.auth && 'username' in this.source.auth ? authorizationHeader(this.source.auth) : undefined;
    if (/^basic/i.test(challenge)) {
      if (!basic) throw new ChartSourceError(M.authFailed(url), this.source.reference, { status: 401 });
      return basic;
    }
    const params = Object.fromEntries(
      [...challenge.replace(/^bearer\s+/i, '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [
        m[1]!.toLowerCase(),
        m[2]!,
      ]),
    );
    if (!params.realm) throw new ChartSourceError(M.authFailed(url), this.source.reference, { status: 401 });
    const tokenUrl = new URL(params.realm);
    if (params.service) tokenUrl.searchParams.set('service', params.service);
    if (params.scope) tokenUrl.searchParams.set('scope', params.scope);
    const response = await httpGet(this.fetchImpl, tokenUrl.href, basic ? { authorization: basic } : {});
    const body = JSON.parse(
      (await readBody(response, tokenUrl.href, MAX_DOCUMENT_BYTES)).toString('utf8'),
    ) as {
      token?: string;
      access_token?: string;
    };
    const token = body.token ?? body.access_token;
    if (!token) throw new ChartSourceError(M.authFailed(url), this.source.reference, { status: 401 });
    return `Bearer ${token}`;
  }
}

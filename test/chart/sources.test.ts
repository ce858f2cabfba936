import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChartSourceError,
  ChartVersionNotFoundError,
  DigestMismatchError,
  loadChart,
} from '../../lib/chart/index.ts';
import { makeTgz, simpleChart } from './archives.ts';
import { REPO_ROOT, runQuayside } from './helpers.ts';
import { send, startServer } from './servers.ts';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('charts from a Helm HTTP repository', () => {
  const archives = new Map<string, Buffer>();
  let repo: Awaited<ReturnType<typeof startServer>>;
  let other: Awaited<ReturnType<typeof startServer>>;
  const seenAuth: Array<string | undefined> = [];

  beforeAll(async () => {
    for (const version of ['1.2.0', '1.2.5', '1.3.0', '2.0.0-rc.1']) {
      archives.set(version, await makeTgz(simpleChart('web', 'web', version)));
    }
    other = await startServer((req, res) => {
      seenAuth.push(req.headers.authorization);
      send(res, 200, archives.get('1.2.0')!);
    });
    repo = await startServer((req, res) => {
      if (req.headers.authorization !== basic('ann', 'secret')) return send(res, 401, 'no');
      const url = req.url ?? '';
      if (url === '/index.yaml') {
        const entries = [...archives.entries()].map(([version, data]) => {
          const digest = version === '1.3.0' ? 'f'.repeat(64) : sha256(data);
          const link =
            version === '1.2.0' ? `${other.base}/elsewhere/web-1.2.0.tgz` : `charts/web-${version}.tgz`;
          return `  - name: web\n    version: ${version}\n    digest: ${digest}\n    urls: ["${link}"]\n`;
        });
        return send(res, 200, `apiVersion: v1\nentries:\n  web:\n${entries.join('')}`);
      }
      const m = /^\/charts\/web-(.+)\.tgz$/.exec(url);
      if (m && archives.has(m[1]!)) return send(res, 200, archives.get(m[1]!)!);
      send(res, 404, 'not found');
    });
  });
  afterAll(async () => {
    await repo.stop();
    await other.stop();
  });

  const auth = { username: 'ann', password: 'secret' };

  it('picks the newest version matching a constraint such as ~1.2', async () => {
    const chart = await loadChart({
      kind: 'repository',
      repoUrl: repo.base,
      chart: 'web',
      version: '~1.2',
      auth,
    });
    expect(chart.metadata.version).toBe('1.2.5');
  });

  it('takes an exact version, prereleases included', async () => {
    const chart = await loadChart({
      kind: 'repository',
      repoUrl: `${repo.base}/`,
      chart: 'web',
      version: '2.0.0-rc.1',
      auth,
    });
    expect(chart.metadata.version).toBe('2.0.0-rc.1');
  });

  it('refuses an archive whose digest differs from the index', async () => {
    const error = await loadChart({
      kind: 'repository',
      repoUrl: repo.base,
      chart: 'web',
      version: '1.3.0',
      auth,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DigestMismatchError);
  });

  it('reports a version no entry satisfies', async () => {
    await expect(
      loadChart({ kind: 'repository', repoUrl: repo.base, chart: 'web', version: '>=3', auth }),
    ).rejects.toBeInstanceOf(ChartVersionNotFoundError);
  });

  it('reports refused credentials with the HTTP status', async () => {
    const error = await loadChart({ kind: 'repository', repoUrl: repo.base, chart: 'web' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ChartSourceError);
    expect((error as ChartSourceError).status).toBe(401);
  });

  it('does not send the credentials to a download URL on another origin', async () => {
    const chart = await loadChart({
      kind: 'repository',
      repoUrl: repo.base,
      chart: 'web',
      version: '1.2.0',
      auth,
    });
    expect(chart.metadata.version).toBe('1.2.0');
    expect(seenAuth.at(-1)).toBeUndefined();
  });

  it('is reachable from quayside template --repo', async () => {
    const result = await runQuayside(
      [
        'template',
        'web',
        '--repo',
        repo.base,
        '--version',
        '~1.2',
        '--username',
        'ann',
        '--password',
        'secret',
      ],
      REPO_ROOT,
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      '---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  who: world\n',
    );
  });
});

describe('charts from an OCI registry', () => {
  let registry: Awaited<ReturnType<typeof startServer>>;
  let archive: Buffer;
  let badLayer = false;

  beforeAll(async () => {
    archive = await makeTgz(simpleChart('api', 'api', '1.4.2'));
    const config = Buffer.from('{"name":"api","version":"1.4.2"}');
    registry = await startServer((req, res, base) => {
      const url = new URL(req.url ?? '/', base);
      if (url.pathname === '/token') {
        if (req.headers.authorization !== basic('bob', 'pw')) return send(res, 401, '{}');
        expect(url.searchParams.get('scope')).toBe('repository:charts/api:pull');
        return send(res, 200, JSON.stringify({ token: 'tok-123' }), { 'content-type': 'application/json' });
      }
      const isPrivate = url.pathname.startsWith('/v2/charts/');
      if (isPrivate && req.headers.authorization !== 'Bearer tok-123') {
        return send(res, 401, '', {
          'www-authenticate': `Bearer realm="${base}/token",service="test-registry",scope="repository:charts/api:pull"`,
        });
      }
      const repoPath = isPrivate ? '/v2/charts/api' : '/v2/public/api';
      if (url.pathname === `${repoPath}/tags/list`) {
        return send(res, 200, JSON.stringify({ name: 'api', tags: ['1.3.0', '1.4.2', '2.0.0'] }));
      }
      if (url.pathname.startsWith(`${repoPath}/manifests/`)) {
        const digest = badLayer ? `sha256:${'1'.repeat(64)}` : `sha256:${sha256(archive)}`;
        return send(
          res,
          200,
          JSON.stringify({
            schemaVersion: 2,
            config: {
              mediaType: 'application/vnd.cncf.helm.config.v1+json',
              digest: `sha256:${sha256(config)}`,
              size: config.length,
            },
            layers: [
              {
                mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
                digest,
                size: archive.length,
              },
            ],
          }),
          { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        );
      }
      if (url.pathname.startsWith(`${repoPath}/blobs/sha256:`)) return send(res, 200, archive);
      send(res, 404, '{}');
    });
  });
  afterAll(async () => {
    await registry.stop();
  });

  it('pulls anonymously by tag', async () => {
    const chart = await loadChart({
      kind: 'oci',
      reference: `oci://${registry.host}/public/api:1.4.2`,
      plainHttp: true,
    });
    expect(chart.metadata).toMatchObject({ name: 'api', version: '1.4.2' });
  });

  it('answers a bearer challenge using basic credentials at the token service', async () => {
    const chart = await loadChart({
      kind: 'oci',
      reference: `oci://${registry.host}/charts/api`,
      version: '1.4.2',
      plainHttp: true,
      auth: { username: 'bob', password: 'pw' },
    });
    expect(chart.metadata.name).toBe('api');
  });

  it('resolves a version constraint against the tag list', async () => {
    const chart = await loadChart({
      kind: 'oci',
      reference: `oci://${registry.host}/public/api`,
      version: '^1.3',
      plainHttp: true,
    });
    expect(chart.metadata.version).toBe('1.4.2');
  });

  it('fails clearly when the registry refuses the credentials', async () => {
    const error = await loadChart({
      kind: 'oci',
      reference: `oci://${registry.host}/charts/api:1.4.2`,
      plainHttp: true,
      auth: { username: 'bob', password: 'wrong' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChartSourceError);
    expect((error as ChartSourceError).status).toBe(401);
  });

  it('refuses a chart layer whose bytes do not match its digest', async () => {
    badLayer = true;
    try {
      await expect(
        loadChart({ kind: 'oci', reference: `oci://${registry.host}/public/api:1.4.2`, plainHttp: true }),
      ).rejects.toBeInstanceOf(DigestMismatchError);
    } finally {
      badLayer = false;
    }
  });

  it('is reachable from quayside template oci://', async () => {
    const result = await runQuayside(
      [
        'template',
        'rel',
        `oci://${registry.host}/charts/api`,
        '--version',
        '1.4.2',
        '--plain-http',
        '--username',
        'bob',
        '--password',
        'pw',
      ],
      REPO_ROOT,
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('# Source: api/templates/cm.yaml\n');
  });
});

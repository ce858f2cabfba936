import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ArchiveTooLargeError,
  ChartInvalidError,
  ChartMetadataError,
  loadChart,
  loadChartArchive,
  renderChart,
  UnsafeArchiveError,
  YamlError,
} from '../../lib/chart/index.ts';
import { makeTgz, simpleChart } from './archives.ts';
import { withTempDir } from './helpers.ts';

const RELEASE = { name: 'r', namespace: 'default', revision: 1, isInstall: true, isUpgrade: false };

async function reasonOf(archive: Buffer): Promise<string | undefined> {
  const error = await loadChartArchive(archive).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnsafeArchiveError);
  return (error as UnsafeArchiveError).reason;
}

describe('loading chart archives', () => {
  it('loads a .tgz file with a nested .tgz subchart and renders both', async () => {
    const sub = await makeTgz(simpleChart('child'));
    const parent = await makeTgz([
      ...simpleChart('parent'),
      { name: 'parent/charts/child-0.1.0.tgz', data: sub },
    ]);
    await withTempDir(async (dir) => {
      const path = join(dir, 'parent-0.1.0.tgz');
      await writeFile(path, parent);
      const chart = await loadChart({ kind: 'archive-file', path });
      expect(chart.dependencies.map((d) => d.metadata.name)).toEqual(['child']);
      const release = await renderChart({ chart, values: { child: { who: 'kid' } }, release: RELEASE });
      expect(release.manifests.map((m) => m.path)).toEqual([
        'parent/charts/child/templates/cm.yaml',
        'parent/templates/cm.yaml',
      ]);
      expect(release.manifests[0]?.content).toContain('who: kid');
    });
  });

  it('loads an inline base64 archive', async () => {
    const data = (await makeTgz(simpleChart('inline'))).toString('base64');
    const chart = await loadChart({ kind: 'archive-base64', data });
    expect(chart.metadata.name).toBe('inline');
  });

  it('refuses entries that climb out of the chart folder', async () => {
    expect(
      await reasonOf(await makeTgz([...simpleChart('c'), { name: 'c/../../etc/cron.d/x', data: 'x' }])),
    ).toBe('path-traversal');
  });

  it('refuses absolute paths', async () => {
    expect(await reasonOf(await makeTgz([{ name: '/etc/passwd', data: 'root' }, ...simpleChart('c')]))).toBe(
      'absolute-path',
    );
  });

  it('refuses symbolic and hard links', async () => {
    expect(
      await reasonOf(
        await makeTgz([...simpleChart('c'), { name: 'c/secret', type: 'symlink', linkname: '/etc/shadow' }]),
      ),
    ).toBe('link');
    expect(
      await reasonOf(
        await makeTgz([...simpleChart('c'), { name: 'c/again', type: 'link', linkname: 'c/Chart.yaml' }]),
      ),
    ).toBe('link');
  });

  it('refuses data that is not a gzip-compressed tar', async () => {
    expect(await reasonOf(Buffer.from('just some text'))).toBe('invalid-archive');
  });

  it('refuses archives that unpack past the configured limit', async () => {
    const archive = await makeTgz([
      ...simpleChart('c'),
      { name: 'c/files/big.bin', data: new Uint8Array(64 * 1024) },
    ]);
    const error = await loadChart(
      { kind: 'archive-base64', data: archive.toString('base64') },
      { maxUnpackedBytes: 16 * 1024 },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArchiveTooLargeError);
    expect((error as ArchiveTooLargeError).limitBytes).toBe(16 * 1024);
  });

  it('refuses a gzip bomb past the default 20 MiB without unpacking it all', async () => {
    const archive = await makeTgz([
      ...simpleChart('c'),
      { name: 'c/files/zeros', data: new Uint8Array(40 * 1024 * 1024) },
    ]);
    expect(archive.length).toBeLessThan(1024 * 1024);
    await expect(loadChartArchive(archive)).rejects.toBeInstanceOf(ArchiveTooLargeError);
  });

  it('refuses YAML alias bombs in values.yaml', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const next = String.fromCharCode(97 + i);
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    const archive = await makeTgz([
      { name: 'bomb/Chart.yaml', data: 'apiVersion: v2\nname: bomb\nversion: 1.0.0\n' },
      { name: 'bomb/values.yaml', data: `${lines.join('\n')}\n` },
    ]);
    const error = await loadChartArchive(archive).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(YamlError);
    expect((error as YamlError).file).toBe('values.yaml');
  });

  it("refuses a Chart.yaml whose type is neither application nor library, in Helm's words", async () => {
    const archive = await makeTgz([
      { name: 'x/Chart.yaml', data: 'apiVersion: v2\nname: x\nversion: 1.0.0\ntype: Library\n' },
    ]);
    await expect(loadChartArchive(archive)).rejects.toThrow(
      new ChartMetadataError('validation: chart.metadata.type must be application or library'),
    );
  });
});

describe('loading chart directories', () => {
  it('follows symlinked files and refuses symlink loops', async () => {
    const { mkdir, symlink } = await import('node:fs/promises');
    await withTempDir(async (dir) => {
      const chartDir = join(dir, 'linked');
      await mkdir(join(chartDir, 'templates'), { recursive: true });
      await writeFile(join(dir, 'shared-values.yaml'), 'who: linked\n');
      await writeFile(join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: linked\nversion: 1.0.0\n');
      await symlink(join(dir, 'shared-values.yaml'), join(chartDir, 'values.yaml'));
      const chart = await loadChart({ kind: 'directory', path: chartDir });
      expect(chart.values).toEqual({ who: 'linked' });
      await symlink(chartDir, join(chartDir, 'templates', 'loop'));
      await expect(loadChart({ kind: 'directory', path: chartDir })).rejects.toBeInstanceOf(
        ChartInvalidError,
      );
    });
  });
});

describe('Chart.yaml fields', () => {
  it('turn numbers written where Helm expects strings into strings, as Helm does', async () => {
    const archive = await makeTgz([
      {
        name: 'n/Chart.yaml',
        data: 'apiVersion: v2\nname: n\nversion: 1.0.0\nappVersion: 1.10\nannotations:\n  build: 42\n',
      },
    ]);
    const chart = await loadChartArchive(archive);
    expect(chart.metadata.appVersion).toBe('1.1');
    expect(chart.metadata.annotations).toEqual({ build: '42' });
  });

  it('refuse a map where a string belongs', async () => {
    const archive = await makeTgz([
      { name: 'n/Chart.yaml', data: 'apiVersion: v2\nname: n\nversion: {major: 1}\n' },
    ]);
    await expect(loadChartArchive(archive)).rejects.toBeInstanceOf(ChartMetadataError);
  });
});

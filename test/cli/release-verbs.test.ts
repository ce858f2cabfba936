import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type CliWorld, charts, nginxValues, startCliWorld } from './cli-world.ts';

const ANSIC = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;
const GO_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)? \+0000 UTC$/;

/** Splits a helm-style table into trimmed cells. */
function cells(table: string): string[][] {
  return table
    .trimEnd()
    .split('\n')
    .map((line) => line.split('\t').map((cell) => cell.trim()));
}

const values = (version: 1 | 2) => parse(readFileSync(nginxValues(version), 'utf8'));

// One simulator and store for the file; `blog` (my-nginx v1 then v2) is seeded in-process so that
// each test pays only for the CLI processes it checks. The last test changes `blog`.
describe('quayside release verbs in direct mode', () => {
  let world: CliWorld;

  beforeAll(async () => {
    world = await startCliWorld();
    await world.seed({ name: 'blog', chart: charts.myNginx, values: values(1) });
    await world.seed({ name: 'blog', chart: charts.myNginx, values: values(2) });
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('installs, or upgrades with --install, and prints the status block helm prints', async () => {
    const [run, upsert] = await Promise.all([
      world.cli(['install', 'shop', charts.guestbook, '-n', 'shop', '--create-namespace']),
      world.cli([
        'upgrade',
        'cart',
        charts.myNginx,
        '-i',
        '-n',
        'cart',
        '--create-namespace',
        '--wait=false',
        '-o',
        'json',
      ]),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('NAME: shop');
    expect(lines[1]?.slice('LAST DEPLOYED: '.length)).toMatch(ANSIC);
    expect(lines.slice(2, 7)).toEqual([
      'NAMESPACE: shop',
      'STATUS: deployed',
      'REVISION: 1',
      'DESCRIPTION: Install complete',
      'TEST SUITE: None',
    ]);
    expect(upsert.code, upsert.stderr).toBe(0);
    expect(JSON.parse(upsert.stdout)).toMatchObject({
      name: 'cart',
      namespace: 'cart',
      version: 1,
      info: { status: 'deployed', description: 'Install complete' },
    });
  });

  it('prints history as helm does in table, json and yaml', async () => {
    const [table, json, yaml] = await Promise.all([
      world.cli(['history', 'blog']),
      world.cli(['history', 'blog', '-o', 'json']),
      world.cli(['history', 'blog', '--output', 'yaml', '--max', '1']),
    ]);
    const rows = cells(table.stdout);
    expect(rows[0]).toEqual(['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION']);
    expect(rows.slice(1).map((r) => [r[0], r[2], r[3], r[4], r[5]])).toEqual([
      ['1', 'superseded', 'my-nginx-1.0.0', '1.25.3', 'Install complete'],
      ['2', 'deployed', 'my-nginx-1.0.0', '1.25.3', 'Upgrade complete'],
    ]);
    expect(rows.slice(1).every((r) => ANSIC.test(r[1] ?? ''))).toBe(true);
    // Every cell, the last one too, is padded to its column's width, as gosuri/uitable pads them.
    expect(
      new Set(
        table.stdout
          .trimEnd()
          .split('\n')
          .map((l) => l.length),
      ).size,
    ).toBe(1);
    expect(json.stdout.endsWith('}]\n')).toBe(true);
    const history = JSON.parse(json.stdout);
    expect(history.map((h: Record<string, unknown>) => Object.keys(h))).toEqual(
      Array(2).fill(['revision', 'updated', 'status', 'chart', 'app_version', 'description']),
    );
    expect(history[1]).toMatchObject({
      revision: 2,
      status: 'deployed',
      chart: 'my-nginx-1.0.0',
      app_version: '1.25.3',
    });
    // --max keeps the newest revisions; yaml holds what json does.
    expect(parse(yaml.stdout)).toEqual(history.slice(1));
  });

  it('lists the releases of the namespace, or of every namespace with -A', async () => {
    const [table, json, yaml] = await Promise.all([
      world.cli(['list']),
      world.cli(['list', '-o', 'json']),
      world.cli(['list', '-A', '-o', 'yaml']),
    ]);
    const rows = cells(table.stdout);
    expect(rows[0]).toEqual(['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION']);
    expect(rows[1]).toEqual([
      'blog',
      'default',
      '2',
      expect.stringMatching(GO_TIME),
      'deployed',
      'my-nginx-1.0.0',
      '1.25.3',
    ]);
    expect(JSON.parse(json.stdout)).toEqual([
      {
        name: 'blog',
        namespace: 'default',
        revision: '2',
        updated: expect.stringMatching(GO_TIME),
        status: 'deployed',
        chart: 'my-nginx-1.0.0',
        app_version: '1.25.3',
      },
    ]);
    expect(
      parse(yaml.stdout).map((r: { name: string; namespace: string }) => `${r.namespace}/${r.name}`),
    ).toEqual(['default/blog', 'cart/cart', 'shop/shop']);
  });

  it('prints the status of the latest or a given revision', async () => {
    const [latest, first, json] = await Promise.all([
      world.cli(['status', 'blog']),
      world.cli(['status', 'blog', '--revision', '1', '-o', 'yaml']),
      world.cli(['status', 'blog', '-o', 'json']),
    ]);
    expect(latest.stdout).toContain(
      'STATUS: deployed\nREVISION: 2\nDESCRIPTION: Upgrade complete\nTEST SUITE: None\n',
    );
    expect(latest.stdout).toContain('NOTES:\nmy-nginx v2 runs 3 replica(s) behind a NodePort Service.\n');
    expect(parse(first.stdout)).toMatchObject({ name: 'blog', version: 1, info: { status: 'superseded' } });
    expect(JSON.parse(json.stdout)).toMatchObject({
      name: 'blog',
      namespace: 'default',
      version: 2,
      info: { status: 'deployed', description: 'Upgrade complete' },
    });
  });

  it('gets the values, manifest, notes and all of a revision', async () => {
    const [supplied, computed, manifest, notes, all] = await Promise.all([
      world.cli(['get', 'values', 'blog', '--revision', '1']),
      world.cli(['get', 'values', 'blog', '--all', '-o', 'json']),
      world.cli(['get', 'manifest', 'blog']),
      world.cli(['get', 'notes', 'blog']),
      world.cli(['get', 'all', 'blog']),
    ]);
    expect(supplied.stdout).toMatch(/^USER-SUPPLIED VALUES:\n/);
    expect(parse(supplied.stdout.slice('USER-SUPPLIED VALUES:\n'.length))).toEqual(values(1));
    // Computed values hold the chart's defaults beside what the user gave.
    expect(JSON.parse(computed.stdout)).toMatchObject({ replicaCount: 3, service: { type: 'NodePort' } });
    expect(Object.keys(JSON.parse(computed.stdout)).length).toBeGreaterThan(Object.keys(values(2)).length);
    expect(manifest.stdout).toContain('kind: Deployment');
    // As helm: the notes as stored (they end with a newline), then a newline.
    expect(notes.stdout).toBe('NOTES:\nmy-nginx v2 runs 3 replica(s) behind a NodePort Service.\n\n');
    const headings = [
      'NAME: blog',
      'USER-SUPPLIED VALUES:',
      'COMPUTED VALUES:',
      'HOOKS:',
      'MANIFEST:',
      'NOTES:',
    ];
    expect(headings.map((h) => all.stdout.indexOf(h))).toEqual(
      headings.map((h) => all.stdout.indexOf(h)).sort((a, b) => a - b),
    );
    expect(headings.every((h) => all.stdout.includes(h))).toBe(true);
  });

  it('diffs two revisions, and a planned upgrade or rollback against the cluster without recording it', async () => {
    const [revisions, upgrade, rollback] = await Promise.all([
      world.cli(['diff', 'revision', 'blog', '1', '2']),
      world.cli(['diff', 'upgrade', 'blog', charts.myNginx, '-f', nginxValues(1)]),
      world.cli(['diff', 'rollback', 'blog', '1', '-o', 'json']),
    ]);
    expect(revisions.stdout).toContain('--- blog revision 1');
    expect(revisions.stdout).toContain('-    version: v1\n+    version: v2\n');
    expect(upgrade.stdout).toContain('+++ wanted/default/configmap/blog-server-block');
    expect(upgrade.stdout).toContain('-    version: v2\n+    version: v1\n');
    const planned = JSON.parse(rollback.stdout);
    expect(planned.ok).toBe(true);
    expect(planned.objects).toContainEqual(
      expect.objectContaining({ kind: 'ConfigMap', name: 'blog-server-block', action: 'update' }),
    );
    expect(planned.objects.map((o: { diff: string }) => o.diff).join('')).toBe(upgrade.stdout);
    const history = JSON.parse((await world.cli(['history', 'blog', '-o', 'json'])).stdout);
    expect(history).toHaveLength(2);
  });

  it('upgrades, rolls back as a new revision, and uninstalls keeping or dropping history', async () => {
    const upgrade = await world.cli([
      'upgrade',
      'blog',
      charts.myNginx,
      '-f',
      nginxValues(1),
      '--timeout',
      '1m',
    ]);
    expect(upgrade.code, upgrade.stderr).toBe(0);
    expect(upgrade.stdout).toMatch(/^Release "blog" has been upgraded\. Happy Helming!\nNAME: blog\n/);
    expect(upgrade.stdout).toContain('REVISION: 3\n');
    const rollback = await world.cli(['rollback', 'blog', '2', '--wait=false']);
    expect(rollback).toMatchObject({ code: 0, stdout: 'Rollback was a success! Happy Helming!\n' });
    const [kept, dropped] = await Promise.all([
      world.cli(['uninstall', 'blog', '--keep-history']),
      world.cli(['uninstall', 'shop', '-n', 'shop']),
    ]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(dropped).toMatchObject({ code: 0, stdout: 'release "shop" uninstalled\n' });
    const [history, everything] = await Promise.all([
      world.cli(['history', 'blog', '-o', 'json']),
      world.cli(['list', '-A', '--all', '-o', 'json']),
    ]);
    expect(
      JSON.parse(history.stdout).map((h: { status: string; description: string }) => [
        h.status,
        h.description,
      ]),
    ).toEqual([
      ['superseded', 'Install complete'],
      ['superseded', 'Upgrade complete'],
      ['superseded', 'Upgrade complete'],
      ['uninstalled', 'Uninstallation complete'],
    ]);
    // Without --keep-history nothing of `shop` is left.
    expect(
      JSON.parse(everything.stdout).map((r: { name: string; status: string }) => [r.name, r.status]),
    ).toEqual([
      ['blog', 'uninstalled'],
      ['cart', 'deployed'],
    ]);
  });
});

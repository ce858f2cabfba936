import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_CHARTS, REPO_ROOT, runQuayside } from './helpers.ts';

const SHOP = join(FIXTURE_CHARTS, 'shop');

describe.concurrent('quayside template', () => {
  it('takes the release name, namespace, kube version and values from its flags', async () => {
    const result = await runQuayside(
      [
        'template',
        'web',
        SHOP,
        '-n',
        'prod',
        '--kube-version',
        '1.29.3',
        '--set-json',
        'image={"repository":"json-repo"}',
        '--set-string',
        'port=9090',
        '--show-only',
        'templates/configmap.yaml',
        '-s',
        'templates/deployment.yaml',
      ],
      REPO_ROOT,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('---\n# Source: shop/templates/configmap.yaml\n')).toBe(true);
    expect(result.stdout).toContain('  name: web-shop-config\n  namespace: prod\n');
    expect(result.stdout).toContain('kube: "v1.29.3"');
    expect(result.stdout).toContain('portKind: "string"');
    expect(result.stdout).toContain('image: "json-repo:latest"');
  });

  it('fails with a clear message and exit code 1 when a --show-only template does not exist', async () => {
    const result = await runQuayside(['template', SHOP, '--show-only', 'templates/nope.yaml'], REPO_ROOT);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('Error: could not find template templates/nope.yaml in chart\n');
  });

  it('rejects release names Helm rejects and extra arguments', async () => {
    const badName = await runQuayside(['template', 'Bad_Name', SHOP], REPO_ROOT);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain('release name "Bad_Name": invalid release name');
    const extra = await runQuayside(['template', 'a', SHOP, 'b'], REPO_ROOT);
    expect(extra.code).toBe(1);
    expect(extra.stderr).toBe('Error: expected at most two arguments, unexpected arguments: b\n');
  });

  it('reports malformed --set values and missing charts', async () => {
    const badSet = await runQuayside(['template', SHOP, '--set', 'justakey'], REPO_ROOT);
    expect(badSet.code).toBe(1);
    expect(badSet.stderr).toBe(
      'Error: failed parsing --set data: characters 1-8 are not followed by "=" and a value (escape a comma inside a value as "\\,")\n',
    );
    const missing = await runQuayside(['template', join(FIXTURE_CHARTS, 'no-such-chart')], REPO_ROOT);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error: cannot read chart archive .*no-such-chart\n$/);
  });
});

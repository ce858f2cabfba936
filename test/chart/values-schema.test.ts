import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareTemplate, helmRuns } from '../fixtures/helm-oracle.ts';
import { withTempDir } from './helpers.ts';

/**
 * values.schema.json checks: each case is rendered by `quayside template` and by the real helm
 * 4.1.4, and must come out the same, refusals worded the same (unless a case says otherwise).
 */
async function expectLikeHelm(
  schema: unknown,
  values: string,
  compare: 'all' | 'exit code' = 'all',
): Promise<{ code: number; stderr: string }> {
  return withTempDir(async (dir) => {
    mkdirSync(join(dir, 'c', 'templates'), { recursive: true });
    writeFileSync(join(dir, 'c', 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 1.0.0\n');
    writeFileSync(join(dir, 'c', 'values.yaml'), values);
    writeFileSync(join(dir, 'c', 'values.schema.json'), JSON.stringify(schema));
    writeFileSync(
      join(dir, 'c', 'templates', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: {{ .Values | toJson | quote }}\n',
    );
    const c = { args: ['template', 'r', 'c'], cwd: dir };
    const { problems, quayside, helm } = await compareTemplate(c, helmRuns(c));
    if (compare === 'all') expect(problems).toEqual([]);
    else expect(quayside.code).toBe(helm.code);
    return quayside;
  });
}

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
const DRAFT_2020 = 'https://json-schema.org/draft/2020-12/schema';

describe('values.schema.json, as helm checks it', () => {
  it('refuses a schema that breaks its meta-schema deep inside, whatever the values', async () => {
    const schema = {
      $schema: DRAFT_2020,
      properties: { a: { properties: { b: { type: 'strin' } } } },
    };
    // Refused by both; worded in their own ways (a known difference).
    const run = await expectLikeHelm(schema, 'x: 1\n', 'exit code');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "- at '': values.schema.json is not a valid JSON Schema: /properties/a/properties/b/type: ",
    );
  });

  it.each([DRAFT_07, 'http://json-schema.org/draft-04/schema#'])(
    'ignores the keywords beside a $ref in a %s schema, as Helm does',
    async ($schema) => {
      const schema = {
        $schema,
        definitions: { n: { type: 'number' } },
        properties: { u: { $ref: '#/definitions/n', type: 'string' }, v: { type: 'integer' } },
      };
      expect((await expectLikeHelm(schema, 'u: 5\nv: 1\n')).code).toBe(0);
      // A failure elsewhere is reported alone: nothing beside the $ref is held against `u`.
      expect((await expectLikeHelm(schema, 'u: 5\nv: x\n')).stderr).not.toContain("'/u'");
    },
  );

  it('applies the keywords beside a $ref in a 2020-12 schema', async () => {
    const schema = {
      $schema: DRAFT_2020,
      $defs: { n: { type: 'number' } },
      properties: { u: { $ref: '#/$defs/n', type: 'string' } },
    };
    expect((await expectLikeHelm(schema, 'u: 5\n')).code).toBe(1);
  });

  it('follows $dynamicRef in a schema nobody extends', async () => {
    const schema = {
      $schema: DRAFT_2020,
      $dynamicAnchor: 'node',
      type: 'object',
      properties: { name: { type: 'string' }, child: { $dynamicRef: '#node' } },
    };
    expect((await expectLikeHelm(schema, 'name: a\nchild:\n  name: b\n')).code).toBe(0);
    // Refused by both; Helm's words for a failure behind a $dynamicRef are not reproduced here.
    expect((await expectLikeHelm(schema, 'name: a\nchild:\n  name: 5\n', 'exit code')).code).toBe(1);
  });

  it('refuses a schema whose $ref leads nowhere, and one with a pattern that is no regular expression', async () => {
    const nowhere = { properties: { a: { type: 'string' }, b: { $ref: '#/$defs/missing' } } };
    expect((await expectLikeHelm(nowhere, 'a: x\n', 'exit code')).code).toBe(1);
    const badPattern = { properties: { a: { type: 'string', pattern: '(' } } };
    expect((await expectLikeHelm(badPattern, 'b: 1\n', 'exit code')).code).toBe(1);
  });

  it('refuses values that fail behind a reference, naming the field', async () => {
    const schema = {
      $schema: DRAFT_2020,
      $defs: { port: { type: 'integer', minimum: 1 } },
      properties: { service: { properties: { port: { $ref: '#/$defs/port' } } } },
    };
    const run = await expectLikeHelm(schema, 'service:\n  port: 0\n');
    expect(run.stderr).toContain("- at '/service/port': minimum");
  });

  it('passes values that meet a schema of every dialect', async () => {
    for (const $schema of [
      'http://json-schema.org/draft-04/schema#',
      'http://json-schema.org/draft-06/schema#',
      DRAFT_07,
      'https://json-schema.org/draft/2019-09/schema',
      DRAFT_2020,
    ]) {
      const schema = {
        $schema,
        type: 'object',
        required: ['replicas'],
        properties: {
          replicas: { type: 'integer', minimum: 1 },
          tags: { type: 'array', items: { type: 'string' } },
        },
      };
      expect((await expectLikeHelm(schema, 'replicas: 2\ntags: [a, b]\n')).code).toBe(0);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { deployRequestSchema } from '../../lib/requests/index.ts';
import { seededRandom } from '../../lib/sim/faults.ts';
import { compileSchemaFile, readJsonFolder } from '../fixtures/json-schema.ts';

const jsonSchema = compileSchemaFile('events/schemas/deploy-request.v1.schema.json');
const folder = readJsonFolder('events/requests');
const samples = [...folder.values()];
/** One sample per action, plus the one with the most options set: the sweep's starting points. */
const sweepSamples = [
  'install-blog.json',
  'upgrade-blog.json',
  'rollback-blog.json',
  'uninstall-blog.json',
  'upgrade-bootcamp-atomic.json',
].map((name) => folder.get(name));

/** Values a mutation may put anywhere: each is valid somewhere and invalid elsewhere. */
const POOL: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  1,
  -1,
  2.5,
  '',
  'x',
  'v1',
  'blog',
  'Blog',
  'a/b',
  'install',
  'upgrade',
  'rollback',
  'uninstall',
  '5m0s',
  '0s',
  '90',
  '-1m',
  '1h30m',
  'a=1',
  'noequals',
  'https://charts.example.com',
  'oci://r/c',
  'AAAA',
  '2026-11-23T12:00:00Z',
  '2026-11-23T12:00:00',
  'ci',
  'email',
  [],
  ['a=1'],
  ['x'],
  {},
  { repo: 'https://c.example', name: 'c' },
  { oci: 'oci://r/c', version: '1.0.0' },
  { path: '/c' },
  { inline: 'AAAA', version: '1' },
  { cluster: 'c', namespace: 'n', name: 'x' },
  { principal: 'p', channel: 'cli' },
  { wait: false, atomic: true },
  { wait: 'hookOnly', rollbackOnFailure: true },
  { wait: false, rollbackOnFailure: true },
  { wait: 'sometimes' },
  { serverSide: 'false' },
  { serverSide: 'auto', forceConflicts: true },
  { forceReplace: true },
  { reuseValues: true },
  { keepHistory: true },
  { timeout: '2m' },
];

const FIELDS = [
  ['version'],
  ['requestId'],
  ['action'],
  ['release'],
  ['release', 'name'],
  ['release', 'namespace'],
  ['release', 'cluster'],
  ['chart'],
  ['chart', 'repo'],
  ['chart', 'name'],
  ['chart', 'version'],
  ['chart', 'oci'],
  ['chart', 'inline'],
  ['values'],
  ['set'],
  ['setJson'],
  ['revision'],
  ['options'],
  ['options', 'wait'],
  ['options', 'atomic'],
  ['options', 'timeout'],
  ['options', 'reuseValues'],
  ['options', 'resetValues'],
  ['options', 'keepHistory'],
  ['options', 'install'],
  ['options', 'historyMax'],
  ['requestedBy'],
  ['requestedBy', 'channel'],
  ['requestedAt'],
] as const;

function setPath(document: unknown, path: readonly string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(document) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (value === undefined) delete target[last];
  else target[last] = structuredClone(value);
  return copy;
}

function compare(documents: Iterable<unknown>): { disagreements: string[]; accepted: number; total: number } {
  const disagreements: string[] = [];
  let accepted = 0;
  let total = 0;
  for (const document of documents) {
    total += 1;
    const byJsonSchema = jsonSchema(document);
    const byZod = deployRequestSchema.safeParse(document).success;
    if (byJsonSchema) accepted += 1;
    if (byJsonSchema !== byZod && disagreements.length < 5) {
      disagreements.push(
        `json-schema ${byJsonSchema}, zod ${byZod}: ${JSON.stringify(document).slice(0, 400)}`,
      );
    }
  }
  return { disagreements, accepted, total };
}

describe('the DeployRequest schemas under mutation', () => {
  it('agree on every sample with any one field set to any pooled value', () => {
    function* singles() {
      for (const sample of sweepSamples) {
        for (const path of FIELDS) for (const value of POOL) yield setPath(sample, path, value);
      }
    }
    const { disagreements, accepted, total } = compare(singles());
    expect(disagreements).toEqual([]);
    // Both verdicts must be exercised to prove anything.
    expect(accepted).toBeGreaterThan(total / 20);
    expect(accepted).toBeLessThan(total / 2);
  });

  it('agree on 2,000 samples with two or three random changes', () => {
    const next = seededRandom(20261123);
    function* multiples() {
      for (let i = 0; i < 2000; i += 1) {
        let document: unknown = samples[i % samples.length];
        const changes = 2 + Math.floor(next() * 2);
        for (let c = 0; c < changes; c += 1) {
          const path = FIELDS[Math.floor(next() * FIELDS.length)] as readonly string[];
          document = setPath(document, path, POOL[Math.floor(next() * POOL.length)]);
        }
        yield document;
      }
    }
    const { disagreements, accepted } = compare(multiples());
    expect(disagreements).toEqual([]);
    expect(accepted).toBeGreaterThan(5);
  });
});

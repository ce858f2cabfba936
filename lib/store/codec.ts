import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';
import {
  ACTIONS,
  EMPTY_BODY,
  RELEASE_STATUSES,
  type ReleaseId,
  type RevisionBody,
  type RevisionMeta,
} from '../domain/index.ts';
import type { AttributeValue, Item } from './driver.ts';
import { StoreCorruptionError } from './errors.ts';
import { bodyKey, revisionKey } from './keys.ts';

/** Compressed body bytes per chunk item: under DynamoDB's 400 KB item limit with room for keys. */
export const DEFAULT_CHUNK_BYTES = 350_000;

const optionalString = z.string().optional();

const revisionItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  revision: z.number().int().positive(),
  status: z.enum(RELEASE_STATUSES),
  description: z.string(),
  action: z.enum(ACTIONS),
  chartName: z.string(),
  chartVersion: z.string(),
  appVersion: optionalString,
  requestId: z.string(),
  principal: z.string(),
  channel: z.string(),
  rollbackTo: z.number().int().optional(),
  firstDeployed: optionalString,
  lastDeployed: optionalString,
  startedAt: z.string(),
  finishedAt: optionalString,
  bodyChunks: z.number().int().nonnegative(),
  bodySha256: optionalString,
});

const bodySchema = z.object({
  config: z.record(z.string(), z.unknown()),
  values: z.record(z.string(), z.unknown()),
  manifest: z.string(),
  notes: z.string(),
  hooks: z.array(z.any()),
  objects: z.array(z.any()),
});

/** A revision's metadata item, from the domain record. `bodyChunks` says how many body items go with it. */
export function encodeRevisionMeta(meta: RevisionMeta, body: { chunks: number; sha256?: string }): Item {
  const key = revisionKey(meta.release, meta.revision);
  return dropUndefined({
    ...key,
    type: 'revision',
    revision: meta.revision,
    status: meta.status,
    description: meta.description,
    action: meta.action,
    chartName: meta.chart.name,
    chartVersion: meta.chart.version,
    appVersion: meta.chart.appVersion,
    requestId: meta.requestId,
    principal: meta.requestedBy.principal,
    channel: meta.requestedBy.channel,
    rollbackTo: meta.rollbackTo,
    firstDeployed: meta.firstDeployed,
    lastDeployed: meta.lastDeployed,
    startedAt: meta.startedAt,
    finishedAt: meta.finishedAt,
    bodyChunks: body.chunks,
    bodySha256: body.sha256,
  });
}

export interface DecodedRevisionMeta {
  readonly meta: RevisionMeta;
  readonly bodyChunks: number;
  readonly bodySha256: string | undefined;
}

/** @throws StoreCorruptionError when the item lacks a field or has a wrong type. */
export function decodeRevisionMeta(release: ReleaseId, item: Item): DecodedRevisionMeta {
  const parsed = revisionItemSchema.safeParse(item);
  if (!parsed.success) {
    throw new StoreCorruptionError({ key: `${item.pk} ${item.sk}`, reason: describeIssues(parsed.error) });
  }
  const r = parsed.data;
  const meta: RevisionMeta = dropUndefined({
    release,
    revision: r.revision,
    status: r.status,
    description: r.description,
    action: r.action,
    chart: dropUndefined({ name: r.chartName, version: r.chartVersion, appVersion: r.appVersion }),
    requestId: r.requestId,
    requestedBy: { principal: r.principal, channel: r.channel },
    rollbackTo: r.rollbackTo,
    firstDeployed: r.firstDeployed,
    lastDeployed: r.lastDeployed,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  });
  return { meta, bodyChunks: r.bodyChunks, bodySha256: r.bodySha256 };
}

export interface EncodedBody {
  readonly items: Item[];
  readonly sha256: string;
  readonly compressedBytes: number;
}

/** Gzips the body and cuts it into chunk items. */
export function encodeBody(input: {
  release: ReleaseId;
  revision: number;
  body: RevisionBody;
  chunkBytes?: number;
}): EncodedBody {
  const compressed = gzipSync(Buffer.from(JSON.stringify(input.body, jsonSafe), 'utf8'));
  const size = input.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const items: Item[] = [];
  for (let offset = 0, chunk = 0; offset < compressed.length; offset += size, chunk++) {
    items.push({
      ...bodyKey(input.release, input.revision, chunk),
      type: 'body',
      data: new Uint8Array(compressed.subarray(offset, offset + size)),
    });
  }
  return {
    items,
    sha256: createHash('sha256').update(compressed).digest('hex'),
    compressedBytes: compressed.length,
  };
}

/**
 * Joins chunk items back into the body, checking count, order and digest.
 * @throws StoreCorruptionError when a chunk is missing, damaged or undecodable.
 */
export function decodeBody(input: {
  release: ReleaseId;
  revision: number;
  items: readonly Item[];
  expectedChunks: number;
  sha256: string | undefined;
}): RevisionBody {
  const key = `${revisionKey(input.release, input.revision).pk} revision ${input.revision} body`;
  // A pending revision has no body yet; the operation writes it when it finishes.
  if (input.expectedChunks === 0 && input.items.length === 0) return EMPTY_BODY;
  if (input.items.length !== input.expectedChunks) {
    throw new StoreCorruptionError({
      key,
      reason: `expected ${input.expectedChunks} body chunks, found ${input.items.length}`,
    });
  }
  const parts = input.items.map((item, i) => {
    const expected = bodyKey(input.release, input.revision, i);
    if (item.sk !== expected.sk || !(item.data instanceof Uint8Array)) {
      throw new StoreCorruptionError({ key, reason: `chunk ${i} is missing or not binary` });
    }
    return item.data;
  });
  const compressed = Buffer.concat(parts);
  if (input.sha256 !== undefined && createHash('sha256').update(compressed).digest('hex') !== input.sha256) {
    throw new StoreCorruptionError({ key, reason: 'the body does not match its SHA-256 digest' });
  }
  try {
    const parsed = bodySchema.safeParse(JSON.parse(gunzipSync(compressed).toString('utf8')));
    if (!parsed.success) throw new StoreCorruptionError({ key, reason: describeIssues(parsed.error) });
    return parsed.data as RevisionBody;
  } catch (cause) {
    if (cause instanceof StoreCorruptionError) throw cause;
    throw new StoreCorruptionError({ key, reason: 'the body cannot be decompressed or parsed', cause });
  }
}

/** Values parsed from --set keep integers as bigint; JSON has only numbers. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(item)'}: ${issue.message}`)
    .join('; ');
}

/** Items must not carry undefined attributes (DynamoDB refuses them). */
export function dropUndefined<T extends object>(value: T): T {
  const copy: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) if (v !== undefined) copy[name] = v;
  return copy as T;
}

export type { AttributeValue };

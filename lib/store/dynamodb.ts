import {
  ConditionalCheckFailedException,
  type ConsumedCapacity,
  DynamoDBClient,
  type DynamoDBClientConfig,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  Condition,
  DriverUsage,
  Item,
  Key,
  QueryInput,
  QueryPage,
  StoreDriver,
  WriteOp,
} from './driver.ts';
import { INDEXES } from './driver.ts';
import { DYNAMODB_INDEX_NAMES } from './dynamodb-table.ts';
import { StoreError, StoreUnavailableError, TransactionConflictError } from './errors.ts';
import { itemSize } from './item-size.ts';
import { checkTransactionShape } from './memory.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type DeleteItem = NonNullable<TransactItem['Delete']>;

/** Placeholders for one expression: `#n0` names and `:v0` values, built from named parts. */
class ExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private count = 0;

  name(attribute: string): string {
    const placeholder = `#n${this.count++}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.count++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  condition(condition: Condition): string {
    switch (condition.op) {
      case 'itemExists':
        return `attribute_exists(${this.name('pk')})`;
      case 'itemAbsent':
        return `attribute_not_exists(${this.name('pk')})`;
      case 'attrAbsent':
        return `attribute_not_exists(${this.name(condition.name)})`;
      case 'eq':
        return `${this.name(condition.name)} = ${this.value(condition.value)}`;
      case 'lt':
        return `${this.name(condition.name)} < ${this.value(condition.value)}`;
      case 'in':
        return `${this.name(condition.name)} IN (${condition.values.map((v) => this.value(v)).join(', ')})`;
      case 'and':
        return `(${condition.of.map((c) => this.condition(c)).join(' AND ')})`;
      case 'or':
        return `(${condition.of.map((c) => this.condition(c)).join(' OR ')})`;
    }
  }

  /** Only the placeholder maps that are used: DynamoDB refuses empty or unused ones. */
  attributes(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    return {
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

export interface DynamoDbDriverOptions {
  readonly tableName: string;
  /** A client to share; otherwise one is made from `clientConfig`. */
  readonly client?: DynamoDBClient;
  readonly clientConfig?: DynamoDBClientConfig;
}

/**
 * The driver for Amazon DynamoDB (and DynamoDB Local). Each driver call is one
 * DynamoDB request; vendor errors become the store's typed errors.
 */
export class DynamoDbDriver implements StoreDriver {
  readonly usage: DriverUsage = { requests: 0, readCapacity: 0, writeCapacity: 0 };
  private readonly client: DynamoDBClient;
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly ownsClient: boolean;

  constructor(options: DynamoDbDriverOptions) {
    this.tableName = options.tableName;
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new DynamoDBClient(options.clientConfig ?? {});
    this.documents = DynamoDBDocumentClient.from(this.client, {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
      unmarshallOptions: { wrapNumbers: false },
    });
  }

  async get(key: Key, options: { consistent?: boolean } = {}): Promise<Item | undefined> {
    const result = await this.send(
      () =>
        this.documents.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { pk: key.pk, sk: key.sk },
            ConsistentRead: options.consistent ?? false,
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      'GetItem',
    );
    const item = result.Item === undefined ? undefined : normalize(result.Item);
    this.count(result.ConsumedCapacity, { read: readUnits([item], options.consistent ?? false) });
    return item;
  }

  async query(input: QueryInput): Promise<QueryPage> {
    const x = new ExpressionBuilder();
    const keys = input.index === undefined ? { pk: 'pk', sk: 'sk' } : INDEXES[input.index];
    let keyCondition = `${x.name(keys.pk)} = ${x.value(input.pk)}`;
    if (input.sk?.beginsWith !== undefined) {
      keyCondition += ` AND begins_with(${x.name(keys.sk)}, ${x.value(input.sk.beginsWith)})`;
    }
    if (input.sk?.between !== undefined) {
      keyCondition += ` AND ${x.name(keys.sk)} BETWEEN ${x.value(input.sk.between[0])} AND ${x.value(input.sk.between[1])}`;
    }
    const result = await this.send(
      () =>
        this.documents.send(
          new QueryCommand({
            TableName: this.tableName,
            ...(input.index === undefined ? {} : { IndexName: DYNAMODB_INDEX_NAMES[input.index] }),
            KeyConditionExpression: keyCondition,
            ...x.attributes(),
            ScanIndexForward: !(input.descending ?? false),
            ...(input.limit === undefined ? {} : { Limit: input.limit }),
            ...(input.cursor === undefined ? {} : { ExclusiveStartKey: decodeCursor(input.cursor) }),
            ...(input.index === undefined ? { ConsistentRead: input.consistent ?? false } : {}),
            ReturnConsumedCapacity: 'TOTAL',
          }),
        ),
      'Query',
    );
    const items = (result.Items ?? []).map(normalize);
    this.count(result.ConsumedCapacity, { read: readUnits(items, input.consistent ?? false) });
    return result.LastEvaluatedKey === undefined
      ? { items }
      : { items, cursor: encodeCursor(result.LastEvaluatedKey) };
  }

  async transact(ops: readonly WriteOp[]): Promise<void> {
    checkTransactionShape(ops);
    const only = ops.length === 1 ? ops[0] : undefined;
    if (only !== undefined && only.type !== 'check') return this.writeOne(only);
    const TransactItems = ops.map((op) => this.toTransactItem(op));
    try {
      const result = await this.send(
        () =>
          this.documents.send(new TransactWriteCommand({ TransactItems, ReturnConsumedCapacity: 'TOTAL' })),
        'TransactWriteItems',
      );
      const reported = result.ConsumedCapacity?.[0];
      this.count(reported, { write: writeUnits(ops) });
    } catch (error) {
      throw translateConflict(error);
    }
  }

  /**
   * One write alone, as PutItem, UpdateItem or DeleteItem with the same condition: as atomic as a
   * transaction of one, at half its write capacity (a transaction costs two units per KB) and, on
   * DynamoDB Local, a fraction of its time. A failed condition is the same TransactionConflictError.
   */
  private async writeOne(op: Exclude<WriteOp, { type: 'check' }>): Promise<void> {
    const { Put, Update, Delete } = this.toTransactItem(op);
    const total = { ReturnConsumedCapacity: 'TOTAL' as const };
    try {
      const result = Put
        ? await this.send(() => this.documents.send(new PutCommand({ ...Put, ...total })), 'PutItem')
        : Update
          ? await this.send(
              () => this.documents.send(new UpdateCommand({ ...Update, ...total })),
              'UpdateItem',
            )
          : await this.send(
              () => this.documents.send(new DeleteCommand({ ...(Delete as DeleteItem), ...total })),
              'DeleteItem',
            );
      this.count(result.ConsumedCapacity, { write: writeUnits([op], { transactional: false }) });
    } catch (error) {
      throw translateConflict(error);
    }
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  private toTransactItem(op: WriteOp): TransactItem {
    const x = new ExpressionBuilder();
    const condition = op.condition === undefined ? undefined : x.condition(op.condition);
    const common = {
      TableName: this.tableName,
      ...(condition === undefined ? {} : { ConditionExpression: condition }),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    switch (op.type) {
      case 'put':
        return { Put: { ...common, Item: { ...op.item }, ...x.attributes() } };
      case 'delete':
        return { Delete: { ...common, Key: { pk: op.key.pk, sk: op.key.sk }, ...x.attributes() } };
      case 'check':
        return {
          ConditionCheck: {
            ...common,
            ConditionExpression: condition as string,
            Key: { pk: op.key.pk, sk: op.key.sk },
            ...x.attributes(),
          },
        };
      case 'update': {
        const clauses: string[] = [];
        const sets = Object.entries(op.set ?? {}).map(
          ([name, value]) => `${x.name(name)} = ${x.value(value)}`,
        );
        if (sets.length > 0) clauses.push(`SET ${sets.join(', ')}`);
        if ((op.remove ?? []).length > 0)
          clauses.push(`REMOVE ${(op.remove ?? []).map((n) => x.name(n)).join(', ')}`);
        const adds = Object.entries(op.add ?? {}).map(([name, delta]) => `${x.name(name)} ${x.value(delta)}`);
        if (adds.length > 0) clauses.push(`ADD ${adds.join(', ')}`);
        return {
          Update: {
            ...common,
            Key: { pk: op.key.pk, sk: op.key.sk },
            UpdateExpression: clauses.join(' '),
            ...x.attributes(),
          },
        };
      }
    }
  }

  /**
   * Counts a request and its capacity: as DynamoDB reports it, or, where the
   * endpoint reports none (DynamoDB Local), as DynamoDB's pricing rules give it
   * for the items' sizes.
   */
  private count(consumed: ConsumedCapacity | undefined, estimate: { read?: number; write?: number }): void {
    this.usage.requests++;
    if (consumed?.CapacityUnits !== undefined) {
      this.usage.readCapacity +=
        consumed.ReadCapacityUnits ?? (estimate.read === undefined ? 0 : consumed.CapacityUnits);
      this.usage.writeCapacity +=
        consumed.WriteCapacityUnits ?? (estimate.write === undefined ? 0 : consumed.CapacityUnits);
      return;
    }
    this.usage.readCapacity += estimate.read ?? 0;
    this.usage.writeCapacity += estimate.write ?? 0;
  }

  private async send<T>(call: () => Promise<T>, operation: string): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw translateError(error, operation);
    }
  }
}

/** Reads: one unit per 4 KB (rounded up over the whole response), half for eventually consistent reads. */
function readUnits(items: readonly (Item | undefined)[], consistent: boolean): number {
  const bytes = items.reduce((sum, item) => sum + (item === undefined ? 0 : itemSize(item)), 0);
  return Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
}

/**
 * Write units: per 1 KB of each item written, two in a transaction and one for a write alone; a
 * transaction's condition check costs two.
 */
function writeUnits(ops: readonly WriteOp[], { transactional = true } = {}): number {
  const perKb = transactional ? 2 : 1;
  return ops.reduce((sum, op) => {
    if (op.type === 'check') return sum + 2;
    if (op.type === 'delete') return sum + perKb;
    const size =
      op.type === 'put' ? itemSize(op.item) : itemSize({ ...op.set, pk: op.key.pk, sk: op.key.sk });
    return sum + perKb * Math.max(1, Math.ceil(size / 1024));
  }, 0);
}

const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
  'TimeoutError',
]);

function translateError(error: unknown, operation: string): unknown {
  const name = (error as { name?: string }).name ?? 'Error';
  // A failed condition or a write racing a transaction: translateConflict's, not a fault.
  if (error instanceof TransactionCanceledException || error instanceof ConditionalCheckFailedException)
    return error;
  if (name === 'TransactionConflictException') return error;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const network = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(
    (error as { code?: string }).code ?? '',
  );
  if (RETRYABLE.has(name) || (status !== undefined && status >= 500) || network) {
    return new StoreUnavailableError(
      `DynamoDB ${operation} failed (${name}); it may succeed if retried`,
      error,
    );
  }
  // A missing table, refused access, a malformed call: the service's fault, not the request's.
  return new StoreError(`DynamoDB ${operation} failed: ${name}: ${(error as Error).message}`, {
    cause: error,
    serviceFault: true,
  });
}

/**
 * A transaction's or a single write's refusal as the driver reports it: a failed condition names the
 * op and the item as it was (TransactionConflictError), as does a race with another transaction.
 */
function translateConflict(error: unknown): unknown {
  const conflict = (failedOp: number, old: Record<string, unknown> | undefined) =>
    new TransactionConflictError({
      failedOp,
      ...(old === undefined ? {} : { existing: normalize(unmarshallLoose(old)) }),
      cause: error,
    });
  if (error instanceof ConditionalCheckFailedException) return conflict(0, error.Item);
  if ((error as { name?: string }).name === 'TransactionConflictException') {
    // A transaction touched the item at the same moment.
    return new TransactionConflictError({ cause: error });
  }
  if (!(error instanceof TransactionCanceledException)) return error;
  const reasons = error.CancellationReasons ?? [];
  const failedOp = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
  if (failedOp !== -1) return conflict(failedOp, reasons[failedOp]?.Item);
  if (reasons.some((reason) => reason.Code === 'TransactionConflict')) {
    // Another transaction touched one of our items at the same moment.
    return new TransactionConflictError({ cause: error });
  }
  if (
    reasons.some(
      (reason) => reason.Code === 'ThrottlingError' || reason.Code === 'ProvisionedThroughputExceeded',
    )
  ) {
    return new StoreUnavailableError('DynamoDB throttled the transaction; it may succeed if retried', error);
  }
  return new StoreError(
    `DynamoDB refused the transaction: ${reasons.map((r) => r.Code ?? 'None').join(', ')}`,
    { cause: error },
  );
}

/** The document client hands back binary as Uint8Array subclasses; make them plain so equality and schemas hold. */
function normalize(item: Record<string, unknown>): Item {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    copy[name] = value instanceof Uint8Array ? new Uint8Array(value) : value;
  }
  return copy as unknown as Item;
}

/** Cancellation reasons carry raw attribute values; this decodes the few types our items use. */
function unmarshallLoose(raw: Record<string, unknown>): Record<string, unknown> {
  const decode = (value: unknown): unknown => {
    const v = value as Record<string, unknown>;
    if ('S' in v) return v.S;
    if ('N' in v) return Number(v.N);
    if ('BOOL' in v) return v.BOOL;
    if ('B' in v) return v.B;
    if ('NULL' in v) return null;
    if ('L' in v) return (v.L as unknown[]).map(decode);
    if ('M' in v) return unmarshallLoose(v.M as Record<string, unknown>);
    return undefined;
  };
  return Object.fromEntries(Object.entries(raw).map(([name, value]) => [name, decode(value)]));
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new StoreError('the paging cursor is not one this store issued', { cause });
  }
}

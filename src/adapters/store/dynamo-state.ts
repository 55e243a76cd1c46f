import { randomBytes } from 'node:crypto';
import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  AuditEvent,
  AuditLog,
  BeginResult,
  Journal,
  JournalBatch,
  JournalBegin,
  JournalEntry,
  JournalState,
  LockHolder,
  LockProcess,
  StateStoreError,
  SweepLock,
} from '../../ports/state';
import {
  type BatchRetry,
  batchGetItems,
  batchPutItems,
  DEFAULT_BATCH_RETRY,
  WRITE_LIMIT,
} from './batch-items';
import { DynamoCaseStore } from './dynamo-cases';
import { DynamoChannelSchedule } from './dynamo-channel-schedule';
import { DynamoHomeSnapshots } from './home-snapshots';
import {
  AUDIT_RETENTION_DAYS,
  auditPartitionKey,
  auditSortKey,
  journalItemKey,
  lockItemKey,
  TTL_ATTRIBUTE,
} from './table';
import { isConditionFailure, TableContext } from './table-context';

type Item = Record<string, AttributeValue>;

export interface DynamoStateOptions {
  /** Calls of BatchGetItem per chunk, counting the first, before unprocessed keys become an error. */
  readonly batchGetMaxAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

export interface DynamoState {
  readonly journal: DynamoJournal;
  readonly lock: DynamoSweepLock;
  readonly audit: DynamoAuditLog;
  readonly cases: DynamoCaseStore;
  readonly homeSnapshots: DynamoHomeSnapshots;
  readonly channelSchedule: DynamoChannelSchedule;
}

export function dynamoState(
  client: DynamoDBClient,
  tableName: string,
  options: DynamoStateOptions = {},
): DynamoState {
  const table = new TableContext(client, tableName);
  return {
    journal: new DynamoJournal(table, options),
    lock: new DynamoSweepLock(table),
    audit: new DynamoAuditLog(table),
    cases: new DynamoCaseStore(table),
    homeSnapshots: new DynamoHomeSnapshots(table),
    channelSchedule: new DynamoChannelSchedule(table),
  };
}

/** A journal entry as its item: begun (`started`) or, written whole in a batch, `completed`. */
function journalItem(
  table: TableContext,
  entry: JournalBegin & Pick<JournalEntry, 'startedAt' | 'completedAt'> & { readonly state: JournalState },
): Item {
  const item: Item = {
    ...table.key(journalItemKey(entry.key)),
    kind: { S: 'journal' },
    key: { S: entry.key },
    action: { S: entry.action },
    rowId: { S: entry.rowId },
    state: { S: entry.state },
    sweepId: { S: entry.sweepId },
    startedAt: { S: entry.startedAt },
  };
  if (entry.completedAt !== undefined) item.completedAt = { S: entry.completedAt };
  const detail = toJson(entry.detail);
  if (detail !== undefined) item.detail = { S: detail };
  return item;
}

export class DynamoJournal implements Journal {
  private readonly retry: BatchRetry;

  constructor(
    private readonly table: TableContext,
    options: DynamoStateOptions = {},
  ) {
    this.retry = {
      maxAttempts: Math.max(1, options.batchGetMaxAttempts ?? DEFAULT_BATCH_RETRY.maxAttempts),
      backoffBaseMs: options.backoffBaseMs ?? DEFAULT_BATCH_RETRY.backoffBaseMs,
      backoffMaxMs: options.backoffMaxMs ?? DEFAULT_BATCH_RETRY.backoffMaxMs,
    };
  }

  async begin(entry: JournalBegin, now: Date): Promise<BeginResult> {
    const item = journalItem(this.table, { ...entry, state: 'started', startedAt: now.toISOString() });

    try {
      await this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR #state = :failed',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':failed': { S: 'failed' satisfies JournalState } },
          // Real DynamoDB hands back the winner here and saves a read; dynalite ignores it, hence the
          // GetItem fallback below.
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { created: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw this.table.wrap('PutItem (journal begin)', err);
      const existingItem = err.Item ?? (await this.read(entry.key));
      if (existingItem === undefined) {
        // Only possible if the entry vanished between the failed put and the read (e.g. TTL); a retry by
        // the caller is safe because begin never overwrites a live entry.
        throw this.table.fail(`journal entry ${entry.key} existed at PutItem but not at GetItem`);
      }
      return { created: false, existing: this.toEntry(existingItem) };
    }
  }

  async complete(key: string, now: Date, detail?: unknown): Promise<void> {
    const names: Record<string, string> = { '#state': 'state', '#completedAt': 'completedAt' };
    const values: Item = {
      ':completed': { S: 'completed' satisfies JournalState },
      ':now': { S: now.toISOString() },
    };
    // The first completion time wins so a duplicate completion after a crash does not rewrite history.
    let update = 'SET #state = :completed, #completedAt = if_not_exists(#completedAt, :now)';
    const json = toJson(detail);
    if (json !== undefined) {
      // Kept apart from the begin detail so the merge needs no read-modify-write; see mergeDetail.
      names['#completedDetail'] = 'completedDetail';
      values[':detail'] = { S: json };
      update += ', #completedDetail = :detail';
    }
    try {
      await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: this.table.key(journalItemKey(key)),
          UpdateExpression: update,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw this.table.fail(`cannot complete journal entry ${key}: not begun`);
      throw this.table.wrap('UpdateItem (journal complete)', err);
    }
  }

  async fail(key: string, sweepId: string, now: Date, error: string): Promise<boolean> {
    return this.table.conditional('UpdateItem (journal fail)', () =>
      this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: this.table.key(journalItemKey(key)),
          UpdateExpression: 'SET #state = :failed, #failedAt = :now, #error = :error',
          ConditionExpression: '#state = :started AND #sweepId = :sweepId',
          ExpressionAttributeNames: {
            '#state': 'state',
            '#failedAt': 'failedAt',
            '#error': 'error',
            '#sweepId': 'sweepId',
          },
          ExpressionAttributeValues: {
            ':failed': { S: 'failed' satisfies JournalState },
            ':started': { S: 'started' satisfies JournalState },
            ':sweepId': { S: sweepId },
            ':now': { S: now.toISOString() },
            ':error': { S: error },
          },
        }),
      ),
    );
  }

  async getMany(keys: readonly string[]): Promise<ReadonlyMap<string, JournalEntry>> {
    // BatchGetItem rejects a request that names the same key twice.
    const unique = [...new Set(keys)].map((k) => this.table.key(journalItemKey(k)));
    const items = await batchGetItems(this.table, unique, 'BatchGetItem (journal getMany)', this.retry);
    return new Map(items.map((item) => this.toEntry(item)).map((entry) => [entry.key, entry]));
  }

  batch(): JournalBatch {
    return new DynamoJournalBatch(this.table, this.retry);
  }

  private async read(key: string): Promise<Item | undefined> {
    const out = await this.table.run('GetItem (journal begin)', () =>
      this.table.client.send(
        new GetItemCommand({
          TableName: this.table.tableName,
          Key: this.table.key(journalItemKey(key)),
          ConsistentRead: true,
        }),
      ),
    );
    return out.Item;
  }

  private toEntry(item: Item): JournalEntry {
    const r = new ItemReader(this.table, item);
    const state = r.string('state');
    if (state !== 'started' && state !== 'completed' && state !== 'failed')
      throw r.malformed(`unknown state ${state}`);
    const completedAt = r.optionalString('completedAt');
    const detail = mergeDetail(r.optionalJson('detail'), r.optionalJson('completedDetail'));
    return {
      key: r.string('key'),
      action: r.string('action'),
      rowId: r.string('rowId'),
      state,
      sweepId: r.string('sweepId'),
      startedAt: r.string('startedAt'),
      ...(completedAt === undefined ? {} : { completedAt }),
      ...(detail === undefined ? {} : { detail }),
    };
  }
}

/**
 * Completions as whole items, put 25 a request: the run holds each claim (it began it, and no
 * other run writes a live claim), so a put replaces nothing but its own `started` item and
 * needs neither the condition nor the update expression of `complete`. The first completion
 * time is kept, as `complete` keeps it; a key queued twice is written once, as last queued.
 */
class DynamoJournalBatch implements JournalBatch {
  private readonly queued = new Map<string, Item>();

  constructor(
    private readonly table: TableContext,
    private readonly retry: BatchRetry,
  ) {}

  get full(): boolean {
    return this.queued.size >= WRITE_LIMIT;
  }

  complete(held: readonly JournalEntry[], now: Date, detail?: unknown): void {
    for (const entry of held) {
      const item = journalItem(this.table, {
        ...entry,
        state: 'completed',
        completedAt: entry.completedAt ?? now.toISOString(),
      });
      const completed = toJson(detail);
      if (completed !== undefined) item.completedDetail = { S: completed };
      this.queued.set(entry.key, item);
    }
  }

  async flush(): Promise<void> {
    const items = [...this.queued.values()];
    this.queued.clear();
    await batchPutItems(this.table, items, 'BatchWriteItem (journal complete)', this.retry);
  }
}

export class DynamoSweepLock implements SweepLock {
  constructor(private readonly table: TableContext) {}

  async acquire(
    name: string,
    owner: string,
    leaseSeconds: number,
    now: Date,
    where?: LockProcess,
  ): Promise<boolean> {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const item: Item = {
      ...this.table.key(lockItemKey(name)),
      kind: { S: 'lock' },
      owner: { S: owner },
      acquiredAt: { S: now.toISOString() },
      renewedAt: { S: now.toISOString() },
      [TTL_ATTRIBUTE]: { N: String(leaseEnd(now, leaseSeconds)) },
    };
    if (where) {
      item.host = { S: where.host };
      item.pid = { N: String(where.pid) };
    }
    return this.table.conditional('PutItem (lock acquire)', () =>
      this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#expiresAt': TTL_ATTRIBUTE, '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': { N: String(nowSeconds) }, ':owner': { S: owner } },
        }),
      ),
    );
  }

  async renew(name: string, owner: string, leaseSeconds: number, now: Date): Promise<boolean> {
    return this.table.conditional('UpdateItem (lock renew)', () =>
      this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: this.table.key(lockItemKey(name)),
          UpdateExpression: 'SET #expiresAt = :expiresAt, #renewedAt = :now',
          // Only the owner: a holder whose lease ran out and was taken over must learn it, not extend
          // the newcomer's lease.
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: {
            '#expiresAt': TTL_ATTRIBUTE,
            '#renewedAt': 'renewedAt',
            '#owner': 'owner',
          },
          ExpressionAttributeValues: {
            ':expiresAt': { N: String(leaseEnd(now, leaseSeconds)) },
            ':now': { S: now.toISOString() },
            ':owner': { S: owner },
          },
        }),
      ),
    );
  }

  async release(name: string, owner: string): Promise<boolean> {
    // False when someone else took over an expired lock (or it is already gone): theirs is not ours to delete.
    return this.table.conditional('DeleteItem (lock release)', () =>
      this.table.client.send(
        new DeleteItemCommand({
          TableName: this.table.tableName,
          Key: this.table.key(lockItemKey(name)),
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      ),
    );
  }

  async holder(name: string): Promise<LockHolder | null> {
    const out = await this.table.run('GetItem (lock holder)', () =>
      this.table.client.send(
        new GetItemCommand({
          TableName: this.table.tableName,
          Key: this.table.key(lockItemKey(name)),
          ConsistentRead: true,
        }),
      ),
    );
    if (!out.Item) return null;
    const r = new ItemReader(this.table, out.Item);
    const acquiredAt = r.string('acquiredAt');
    const expiresAt = Number(out.Item[TTL_ATTRIBUTE]?.N);
    if (!Number.isFinite(expiresAt)) throw r.malformed(`${TTL_ATTRIBUTE} is not a number`);
    const host = r.optionalString('host');
    const pid = Number(out.Item.pid?.N);
    return {
      owner: r.string('owner'),
      process: host !== undefined && Number.isInteger(pid) ? { host, pid } : null,
      acquiredAt,
      // Locks taken before heartbeats existed have no renewedAt.
      renewedAt: r.optionalString('renewedAt') ?? acquiredAt,
      expiresAt: new Date(expiresAt * 1000).toISOString(),
    };
  }
}

/**
 * Epoch seconds. Rounding the end up (and "now" down when comparing) means a holder keeps the lock
 * for at least the lease, and it only counts as expired once its second has fully passed.
 */
function leaseEnd(now: Date, leaseSeconds: number): number {
  if (!(leaseSeconds > 0) || !Number.isFinite(leaseSeconds)) {
    throw new RangeError(`lock lease must be a positive number of seconds, got ${leaseSeconds}`);
  }
  return Math.ceil(now.getTime() / 1000 + leaseSeconds);
}

const AUDIT_OUTCOMES: ReadonlySet<string> = new Set<AuditEvent['outcome']>([
  'planned',
  'done',
  'skipped',
  'failed',
]);
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Process-wide so two log instances still order same-millisecond events by recording order. */
let auditSequence = 0;

export class DynamoAuditLog implements AuditLog {
  constructor(private readonly table: TableContext) {}

  async record(event: AuditEvent): Promise<void> {
    const at = new Date(event.at);
    if (Number.isNaN(at.getTime())) throw new TypeError(`audit event has an invalid time: ${event.at}`);
    // Normalised to UTC so the partition is the UTC day and sort keys compare chronologically even when
    // callers pass an offset.
    const iso = at.toISOString();
    auditSequence = (auditSequence + 1) % 36 ** 6;
    // The random part keeps events from different processes in the same millisecond apart.
    const suffix = `${auditSequence.toString(36).padStart(6, '0')}${randomBytes(4).toString('hex')}`;
    const item: Item = {
      pk: { S: auditPartitionKey(iso.slice(0, 10)) },
      sk: { S: auditSortKey(iso, suffix) },
      kind: { S: 'audit' },
      at: { S: event.at },
      actor: { S: event.actor },
      action: { S: event.action },
      target: { S: event.target },
      outcome: { S: event.outcome },
      [TTL_ATTRIBUTE]: { N: String(Math.floor(at.getTime() / 1000) + AUDIT_RETENTION_DAYS * 86_400) },
    };
    if (event.detail !== undefined) item.detail = { S: event.detail };
    await this.table.run('PutItem (audit record)', () =>
      this.table.client.send(new PutItemCommand({ TableName: this.table.tableName, Item: item })),
    );
  }

  async listDay(day: string): Promise<AuditEvent[]> {
    if (!DAY_PATTERN.test(day)) throw new TypeError(`audit day must be YYYY-MM-DD, got ${day}`);
    const events: AuditEvent[] = [];
    let startKey: Item | undefined;
    do {
      const out = await this.table.run('Query (audit listDay)', () =>
        this.table.client.send(
          new QueryCommand({
            TableName: this.table.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: auditPartitionKey(day) } },
            ScanIndexForward: true,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of out.Items ?? []) events.push(this.toEvent(item));
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
    return events;
  }

  private toEvent(item: Item): AuditEvent {
    const r = new ItemReader(this.table, item);
    const outcome = r.string('outcome');
    if (!AUDIT_OUTCOMES.has(outcome)) throw r.malformed(`unknown outcome ${outcome}`);
    const detail = r.optionalString('detail');
    return {
      at: r.string('at'),
      actor: r.string('actor'),
      action: r.string('action'),
      target: r.string('target'),
      outcome: outcome as AuditEvent['outcome'],
      ...(detail === undefined ? {} : { detail }),
    };
  }
}

/** Reads typed attributes and reports a corrupt item as a storage error naming its key. */
class ItemReader {
  constructor(
    private readonly table: TableContext,
    private readonly item: Item,
  ) {}

  string(name: string): string {
    const value = this.item[name]?.S;
    if (value === undefined) throw this.malformed(`missing string attribute ${name}`);
    return value;
  }

  optionalString(name: string): string | undefined {
    const attr = this.item[name];
    if (attr === undefined) return undefined;
    if (attr.S === undefined) throw this.malformed(`attribute ${name} is not a string`);
    return attr.S;
  }

  optionalJson(name: string): unknown {
    const text = this.optionalString(name);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw this.malformed(`attribute ${name} is not JSON`);
    }
  }

  malformed(reason: string): StateStoreError {
    return this.table.fail(`malformed item ${this.item.pk?.S}/${this.item.sk?.S}: ${reason}`);
  }
}

function toJson(value: unknown): string | undefined {
  // JSON.stringify yields undefined (despite its typing) for functions and symbols; treat as "no detail".
  return value === undefined ? undefined : (JSON.stringify(value) as string | undefined);
}

/**
 * Completion detail is layered over the begin detail: plain objects merge key by key (completion wins),
 * anything else is replaced, since there is no meaningful merge of e.g. two arrays.
 */
export function mergeDetail(begun: unknown, completed: unknown): unknown {
  if (completed === undefined) return begun;
  if (isPlainObject(begun) && isPlainObject(completed)) return { ...begun, ...completed };
  return completed;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

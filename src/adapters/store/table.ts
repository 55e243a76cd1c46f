/**
 * Single-table layout shared by every state adapter. Each entity owns a partition-key prefix so that
 * new entities (notice cases use `CASE#<id>`) can be added without migrations.
 */
import {
  type AttributeDefinition,
  type BillingMode,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { StateStoreError } from '../../ports/state';

export const PARTITION_KEY = 'pk';
export const SORT_KEY = 'sk';
/** Epoch seconds; DynamoDB TTL deletes the item some time after this passes. */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * What infrastructure must provision. Exported as data so a test can compare it with the deployment
 * template instead of the two drifting apart silently.
 */
export const TABLE_DEFINITION = {
  AttributeDefinitions: [
    { AttributeName: PARTITION_KEY, AttributeType: 'S' },
    { AttributeName: SORT_KEY, AttributeType: 'S' },
  ] satisfies AttributeDefinition[],
  KeySchema: [
    { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
    { AttributeName: SORT_KEY, KeyType: 'RANGE' },
  ] satisfies KeySchemaElement[],
  BillingMode: 'PAY_PER_REQUEST' satisfies BillingMode,
  TimeToLive: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
} as const;

export const KEY_PREFIX = {
  journal: 'JOURNAL#',
  lock: 'LOCK#',
  audit: 'AUDIT#',
  /** One expiry notice, its Slack messages and its extension request. */
  case: 'CASE#',
} as const;

export const AUDIT_RETENTION_DAYS = 400;

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export function journalItemKey(key: string): ItemKey {
  return { pk: `${KEY_PREFIX.journal}${key}`, sk: 'JOURNAL' };
}

export function caseItemKey(id: string): ItemKey {
  return { pk: `${KEY_PREFIX.case}${id}`, sk: 'CASE' };
}

export function lockItemKey(name: string): ItemKey {
  return { pk: `${KEY_PREFIX.lock}${name}`, sk: 'LOCK' };
}

/** `day` is `YYYY-MM-DD` (UTC). */
export function auditPartitionKey(day: string): string {
  return `${KEY_PREFIX.audit}${day}`;
}

/**
 * `isoTime` first so a Query returns events chronologically; the suffix keeps two events of the same
 * millisecond from overwriting each other.
 */
export function auditSortKey(isoTime: string, suffix: string): string {
  return `${isoTime}#${suffix}`;
}

export interface EnsureTableOptions {
  /** How long to wait for ACTIVE before giving up. */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
}

/**
 * Creates the table when missing and waits for ACTIVE. Meant for the embedded server and local runs:
 * production tables (and their TTL setting) come from infrastructure. TTL is not configured here because
 * dynalite implements neither UpdateTimeToLive nor expiry, so the adapters never rely on TTL deletion
 * for correctness (the lock compares `expiresAt` itself).
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pollMs = options.pollMs ?? 100;
  const deadline = Date.now() + timeoutMs;

  let status = await describeStatus(client, tableName);
  if (status === undefined) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          AttributeDefinitions: TABLE_DEFINITION.AttributeDefinitions,
          KeySchema: TABLE_DEFINITION.KeySchema,
          BillingMode: TABLE_DEFINITION.BillingMode,
        }),
      );
    } catch (err) {
      // Another process created it between our describe and create; waiting for ACTIVE still applies.
      if (!(err instanceof ResourceInUseException)) {
        throw new StateStoreError(`DynamoDB CreateTable on table ${tableName} failed: ${describe(err)}`, {
          cause: err,
        });
      }
    }
    status = await describeStatus(client, tableName);
  }
  while (status !== 'ACTIVE') {
    if (Date.now() >= deadline) {
      throw new StateStoreError(
        `DynamoDB table ${tableName} not ACTIVE after ${timeoutMs} ms (status ${status ?? 'missing'})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    status = await describeStatus(client, tableName);
  }
}

async function describeStatus(client: DynamoDBClient, tableName: string): Promise<string | undefined> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table?.TableStatus ?? 'UNKNOWN';
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw new StateStoreError(`DynamoDB DescribeTable on table ${tableName} failed: ${describe(err)}`, {
      cause: err,
    });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

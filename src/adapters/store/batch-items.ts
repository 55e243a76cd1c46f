import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { TableContext } from './table-context';

type Item = Record<string, AttributeValue>;

export interface BatchRetry {
  /** Calls per chunk, counting the first, before unprocessed items become an error. */
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

export const DEFAULT_BATCH_RETRY: BatchRetry = { maxAttempts: 8, backoffBaseMs: 50, backoffMaxMs: 2_000 };

/** DynamoDB's own limits per call. */
const GET_LIMIT = 100;
export const WRITE_LIMIT = 25;

/**
 * Consistent reads of many items, 100 keys a call; keys DynamoDB leaves unprocessed
 * (throttling, a response over 16 MB) are asked for again with backoff.
 */
export async function batchGetItems(
  table: TableContext,
  keys: readonly Item[],
  operation: string,
  retry: BatchRetry = DEFAULT_BATCH_RETRY,
): Promise<Item[]> {
  const items: Item[] = [];
  for (let i = 0; i < keys.length; i += GET_LIMIT) {
    let pending = keys.slice(i, i + GET_LIMIT);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) await backoff(table, retry, attempt - 1, pending.length, operation);
      const out = await table.run(operation, () =>
        table.client.send(
          new BatchGetItemCommand({
            RequestItems: { [table.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        ),
      );
      items.push(...(out.Responses?.[table.tableName] ?? []));
      pending = out.UnprocessedKeys?.[table.tableName]?.Keys ?? [];
    }
  }
  return items;
}

/** Puts, 25 a call, with unprocessed ones sent again: not atomic, so callers publish last. */
export async function batchPutItems(
  table: TableContext,
  items: readonly Item[],
  operation: string,
  retry: BatchRetry = DEFAULT_BATCH_RETRY,
): Promise<void> {
  for (let i = 0; i < items.length; i += WRITE_LIMIT) {
    let pending: WriteRequest[] = items.slice(i, i + WRITE_LIMIT).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) await backoff(table, retry, attempt - 1, pending.length, operation);
      const requests = pending;
      const out = await table.run(operation, () =>
        table.client.send(new BatchWriteItemCommand({ RequestItems: { [table.tableName]: requests } })),
      );
      pending = out.UnprocessedItems?.[table.tableName] ?? [];
    }
  }
}

async function backoff(
  table: TableContext,
  retry: BatchRetry,
  failedAttempts: number,
  left: number,
  operation: string,
): Promise<void> {
  if (failedAttempts >= retry.maxAttempts)
    throw table.fail(`${operation} left ${left} items unprocessed after ${failedAttempts} attempts`);
  // Full jitter spreads concurrent callers apart.
  const ceiling = Math.min(retry.backoffMaxMs, retry.backoffBaseMs * 2 ** (failedAttempts - 1));
  await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import { StateStoreError } from '../../ports/state';
import { TABLE_DEFINITION } from './table';

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

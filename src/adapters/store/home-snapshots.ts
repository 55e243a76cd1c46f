import { type AttributeValue, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { HomeRow, HomeSnapshot, HomeSummary } from '../../domain/home';
import type { HomeSnapshotStore } from '../../ports/home';
import { batchPutItems } from './batch-items';
import { KEY_PREFIX, TTL_ATTRIBUTE } from './table';
import type { TableContext } from './table-context';

type Item = Record<string, AttributeValue>;

/**
 * DynamoDB items stop at 400 KB, so rows go in chunks well under it (names are UTF-8, so bytes
 * are counted, not characters).
 */
export const CHUNK_BYTES = 300_000;
/**
 * Each snapshot's rows live under its own sweep id and expire on their own: the pointer
 * moves to a complete new snapshot in one write, and old ones need no clean-up pass.
 */
const KEEP_DAYS = 35;

const LATEST = { pk: `${KEY_PREFIX.home}LATEST`, sk: 'HOME' };
const allRows = (sweepId: string) => `${KEY_PREFIX.home}ALL#${sweepId}`;
const ownerRows = (slackId: string, sweepId: string) => `${KEY_PREFIX.home}OWNER#${slackId}#${sweepId}`;

interface Pointer {
  readonly summary: HomeSummary;
}

/** Rows in order, cut into groups whose JSON stays under `maxBytes`. */
export function chunkRows(rows: readonly HomeRow[], maxBytes: number = CHUNK_BYTES): HomeRow[][] {
  const chunks: HomeRow[][] = [];
  let current: HomeRow[] = [];
  let size = 2;
  for (const row of rows) {
    const bytes = Buffer.byteLength(JSON.stringify(row)) + 1;
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 2;
    }
    current.push(row);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class DynamoHomeSnapshots implements HomeSnapshotStore {
  constructor(
    private readonly table: TableContext,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async save(snapshot: HomeSnapshot): Promise<void> {
    const { sweepId } = snapshot.summary;
    const expiresAt = { N: String(Math.floor(this.now().getTime() / 1000) + KEEP_DAYS * 86_400) };
    const byOwner = Map.groupBy(
      snapshot.rows.filter((row) => row.ownerSlackId !== null),
      (row) => row.ownerSlackId ?? '',
    );
    const groups: [string, readonly HomeRow[]][] = [
      [allRows(sweepId), snapshot.rows],
      ...[...byOwner].map(([owner, rows]): [string, HomeRow[]] => [ownerRows(owner, sweepId), rows]),
    ];
    const items = groups.flatMap(([pk, rows]) =>
      chunkRows(rows).map(
        (chunk, index): Item => ({
          pk: { S: pk },
          sk: { S: String(index).padStart(5, '0') },
          kind: { S: 'home-rows' },
          data: { S: JSON.stringify(chunk) },
          [TTL_ATTRIBUTE]: expiresAt,
        }),
      ),
    );
    await batchPutItems(this.table, items, 'BatchWriteItem (home snapshot)');
    // Last, so a reader never follows the pointer to a snapshot still being written.
    const pointer: Pointer = { summary: snapshot.summary };
    await this.table.run('PutItem (home snapshot pointer)', () =>
      this.table.client.send(
        new PutItemCommand({
          TableName: this.table.tableName,
          Item: { ...this.table.key(LATEST), kind: { S: 'home' }, data: { S: JSON.stringify(pointer) } },
        }),
      ),
    );
  }

  async forOwner(slackId: string): Promise<{ summary: HomeSummary; rows: HomeRow[] } | null> {
    const pointer = await this.pointer();
    if (!pointer) return null;
    return { summary: pointer.summary, rows: await this.rows(ownerRows(slackId, pointer.summary.sweepId)) };
  }

  async latest(): Promise<HomeSnapshot | null> {
    const pointer = await this.pointer();
    if (!pointer) return null;
    return { summary: pointer.summary, rows: await this.rows(allRows(pointer.summary.sweepId)) };
  }

  private async pointer(): Promise<Pointer | null> {
    const out = await this.table.run('GetItem (home snapshot pointer)', () =>
      this.table.client.send(
        new GetItemCommand({
          TableName: this.table.tableName,
          Key: this.table.key(LATEST),
          ConsistentRead: true,
        }),
      ),
    );
    const data = out.Item?.data?.S;
    return data ? (JSON.parse(data) as Pointer) : null;
  }

  private async rows(pk: string): Promise<HomeRow[]> {
    const rows: HomeRow[] = [];
    let start: Item | undefined;
    do {
      const from = start;
      const out = await this.table.run('Query (home snapshot rows)', () =>
        this.table.client.send(
          new QueryCommand({
            TableName: this.table.tableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: pk } },
            ConsistentRead: true,
            ...(from ? { ExclusiveStartKey: from } : {}),
          }),
        ),
      );
      for (const item of out.Items ?? []) rows.push(...(JSON.parse(item.data?.S ?? '[]') as HomeRow[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return rows;
  }
}

import { type AttributeValue, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { ChannelSchedule, TurnTaken } from '../../ports/channel-schedule';
import { paceItemKey, TTL_ATTRIBUTE } from './table';
import { isConditionFailure, type TableContext } from './table-context';

type Item = Record<string, AttributeValue>;

/** A channel's item outlives what it says by a day, then TTL removes it: a missing item is a free channel. */
const KEEP_MS = 86_400_000;

const NAMES = {
  '#holder': 'holder',
  '#leaseUntil': 'leaseUntil',
  '#notBefore': 'notBefore',
  '#expiresAt': TTL_ATTRIBUTE,
} as const;

const num = (n: number): AttributeValue => ({ N: String(Math.ceil(n)) });
const expiry = (ms: number): AttributeValue => num((ms + KEEP_MS) / 1000);

/**
 * One item per channel, `PACE#<channel>`: `holder` and `leaseUntil` while a process posts to it,
 * `notBefore` for the next post, `next` (the last ticket handed out) and `served` (the last
 * ticket whose holder took a turn) for waiters. Every change is one conditional UpdateItem, so
 * two processes never both take a turn; a post costs two writes (take, release) when nobody else
 * is waiting.
 */
export class DynamoChannelSchedule implements ChannelSchedule {
  constructor(private readonly table: TableContext) {}

  async take(
    channel: string,
    holder: string,
    now: number,
    leaseUntil: number,
    ticket?: number,
  ): Promise<TurnTaken> {
    // A waiter's take marks its ticket served, so the waiters behind it know how many are ahead.
    const served: { set: string; names: Record<string, string>; values: Item } =
      ticket === undefined
        ? { set: '', names: {}, values: {} }
        : { set: ', #served = :served', names: { '#served': 'served' }, values: { ':served': num(ticket) } };
    try {
      await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: this.key(channel),
          UpdateExpression: `SET #holder = :holder, #leaseUntil = :leaseUntil, #expiresAt = :expiresAt${served.set}`,
          // A lease of our own is taken again: the SDK resent a take whose answer was lost, or a
          // release failed. The local queue means we never hold a channel twice at once.
          ConditionExpression:
            '(attribute_not_exists(#leaseUntil) OR #leaseUntil <= :now OR #holder = :holder) AND (attribute_not_exists(#notBefore) OR #notBefore <= :now)',
          ExpressionAttributeNames: { ...NAMES, ...served.names },
          ExpressionAttributeValues: {
            ':holder': { S: holder },
            ':leaseUntil': num(leaseUntil),
            ':expiresAt': expiry(leaseUntil),
            ':now': num(now),
            ...served.values,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { taken: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw this.table.wrap('UpdateItem (channel turn take)', err);
      const item = err.Item ?? (await this.read(channel));
      // Gone between the write and the read (TTL): free again, so the caller tries at once.
      const leased = numberOf(item?.leaseUntil);
      const othersLease = leased !== undefined && leased > now && item?.holder?.S !== holder;
      return {
        taken: false,
        leasedUntil: othersLease ? leased : null,
        notBefore: numberOf(item?.notBefore) ?? now,
        served: numberOf(item?.served) ?? 0,
      };
    }
  }

  async ticket(channel: string, now: number): Promise<number> {
    const out = await this.table.run('UpdateItem (channel ticket)', () =>
      this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: this.key(channel),
          UpdateExpression: 'ADD #next :one SET #expiresAt = if_not_exists(#expiresAt, :expiresAt)',
          ExpressionAttributeNames: { '#next': 'next', '#expiresAt': NAMES['#expiresAt'] },
          ExpressionAttributeValues: { ':one': { N: '1' }, ':expiresAt': expiry(now) },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    return numberOf(out.Attributes?.next) ?? 1;
  }

  async release(channel: string, holder: string, notBefore: number): Promise<void> {
    try {
      await this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: this.key(channel),
          UpdateExpression:
            'SET #notBefore = :notBefore, #expiresAt = :expiresAt REMOVE #holder, #leaseUntil',
          ConditionExpression:
            '#holder = :holder AND (attribute_not_exists(#notBefore) OR #notBefore <= :notBefore)',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: {
            ':holder': { S: holder },
            ':notBefore': num(notBefore),
            ':expiresAt': expiry(notBefore),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw this.table.wrap('UpdateItem (channel turn release)', err);
      const item = err.Item ?? (await this.read(channel));
      // Still ours, but a Retry-After moved the schedule further than we would: keep it, only let go.
      if (item?.holder?.S === holder) await this.letGo(channel, holder);
      // The lease ran out and another process may be posting: our post still counts against its next.
      else await this.defer(channel, notBefore);
    }
  }

  async defer(channel: string, notBefore: number): Promise<void> {
    await this.table.conditional('UpdateItem (channel defer)', () =>
      this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: this.key(channel),
          UpdateExpression: 'SET #notBefore = :notBefore, #expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#notBefore) OR #notBefore < :notBefore',
          ExpressionAttributeNames: { '#notBefore': NAMES['#notBefore'], '#expiresAt': NAMES['#expiresAt'] },
          ExpressionAttributeValues: { ':notBefore': num(notBefore), ':expiresAt': expiry(notBefore) },
        }),
      ),
    );
  }

  private async letGo(channel: string, holder: string): Promise<void> {
    await this.table.conditional('UpdateItem (channel turn release)', () =>
      this.table.client.send(
        new UpdateItemCommand({
          TableName: this.table.tableName,
          Key: this.key(channel),
          UpdateExpression: 'REMOVE #holder, #leaseUntil',
          ConditionExpression: '#holder = :holder',
          ExpressionAttributeNames: { '#holder': NAMES['#holder'], '#leaseUntil': NAMES['#leaseUntil'] },
          ExpressionAttributeValues: { ':holder': { S: holder } },
        }),
      ),
    );
  }

  private key(channel: string): Item {
    return this.table.key(paceItemKey(channel));
  }

  /** Real DynamoDB returns the item with a failed condition; dynalite does not, hence this read. */
  private async read(channel: string): Promise<Item | undefined> {
    const out = await this.table.run('GetItem (channel turn)', () =>
      this.table.client.send(
        new GetItemCommand({ TableName: this.table.tableName, Key: this.key(channel), ConsistentRead: true }),
      ),
    );
    return out.Item;
  }
}

function numberOf(value: AttributeValue | undefined): number | undefined {
  return value?.N === undefined ? undefined : Number(value.N);
}

/**
 * Single-table layout shared by every state adapter. Each entity owns a partition-key prefix so that
 * new entities (notice cases use `CASE#<id>`) can be added without migrations.
 */
import type { AttributeDefinition, BillingMode, KeySchemaElement } from '@aws-sdk/client-dynamodb';

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
  /** The admins' grouped message of a sweep's notices for one account: which case each line is. */
  group: 'GROUP#',
  /** The Slack Home tab's copy of the last sweep's ledger (home-snapshots.ts). */
  home: 'HOME#',
  /** Whose turn it is to post to a Slack channel, shared by processes (dynamo-channel-schedule.ts). */
  pace: 'PACE#',
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

/** A grouped message by where Slack keeps it: `<channel>/<ts>`. */
export function groupItemKey(channel: string, ts: string): ItemKey {
  return { pk: `${KEY_PREFIX.group}${channel}/${ts}`, sk: 'GROUP' };
}

/** The grouped messages a case has a line in. */
export function caseGroupsItemKey(caseId: string): ItemKey {
  return { pk: `${KEY_PREFIX.case}${caseId}`, sk: 'GROUPS' };
}

/** `channel` is Slack's channel or DM id. */
export function paceItemKey(channel: string): ItemKey {
  return { pk: `${KEY_PREFIX.pace}${channel}`, sk: 'PACE' };
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

import { daysBetween, type LocalDate } from './dates';
import { maskKeyId } from './iam';
import type { LedgerRow } from './ledger';
import type { SkipDetail } from './skip-detail';

/**
 * Rows naming one access key for different IAM users: a typo in one of them, usually. Only
 * IAM knows which user holds the key, so the shell lists the keys of the users involved (a
 * call per user) and the planner lets the holder's row act and flags the others.
 */
export type KeyHolder =
  /** `null`: none of the users named holds it. */
  | { readonly kind: 'found'; readonly userName: string | null }
  /** IAM could not list `userName`'s keys (`error`, IAM's): absence is not evidence, so no row of the key acts. */
  | { readonly kind: 'unknown'; readonly userName: string; readonly error: string };

export interface ContestScope {
  readonly rows: readonly LedgerRow[];
  readonly today: LocalDate;
  readonly noticeDays: number;
}

/**
 * Keys named for more than one IAM user among rows not yet deleted, with the users, for the
 * keys where at least one such row is near or past its end date (no other can act).
 */
export function contestedKeys(scope: ContestScope): Map<string, string[]> {
  const live = scope.rows.filter((row) => row.status !== 'deleted');
  const contested = new Map<string, string[]>();
  for (const [key, rows] of Map.groupBy(live, (row) => row.accessKeyId)) {
    const users = [...new Set(rows.map((row) => row.iamUser))];
    const near = rows.some((row) => daysBetween(scope.today, row.endDate) <= scope.noticeDays);
    if (users.length > 1 && near) contested.set(key, users);
  }
  return contested;
}

/** Why a row of a contested key must not act; `null`: its user holds the key. */
export function contestVerdict(
  row: LedgerRow,
  rivals: readonly LedgerRow[],
  holder: KeyHolder | undefined,
): { readonly reason: 'key-mismatch' | 'key-check-failed'; readonly detail: SkipDetail } | null {
  const others = rivals
    .filter((other) => other !== row)
    .map((other) => ({ rowNumber: other.rowNumber, iamUser: other.iamUser }));
  const key = maskKeyId(row.accessKeyId);
  if (!holder || holder.kind === 'unknown')
    return {
      reason: 'key-check-failed',
      detail: {
        kind: 'key-holder-unknown',
        key,
        others,
        listFailed: holder ? { userName: holder.userName, error: holder.error } : null,
      },
    };
  if (holder.userName === row.iamUser) return null;
  return {
    reason: 'key-mismatch',
    detail: { kind: 'key-contested', key, iamUser: row.iamUser, others, holder: holder.userName },
  };
}

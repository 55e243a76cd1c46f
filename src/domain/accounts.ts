import type { Ledger, RowCopy } from './ledger';

/** Names the credentials' own account where its id is not known (reports, journal row ids). */
export const HOME_ACCOUNT = 'default';

/** The accounts a sweep acts in: the credentials' own (`id: null`) and the others by id. */
export interface Targets<T extends { readonly id: string | null }> {
  readonly home: T;
  readonly others: readonly T[];
}

/**
 * The one account-routing rule: a ledger row, or a Slack case made from one, is handled in the
 * account its account id names; one naming no account, or an account no target covers, in the
 * credentials' own. The sweep, Delete and Reactivate all route through it.
 */
export function routeToAccount<T extends { readonly id: string | null }>(
  targets: Targets<T>,
  accountId: string | null | undefined,
): T {
  return accountRouter(targets)(accountId);
}

/** routeToAccount for many rows: the targets indexed once (an Organization has a thousand). */
export function accountRouter<T extends { readonly id: string | null }>(
  targets: Targets<T>,
): (accountId: string | null | undefined) => T {
  const byId = new Map<string, T>();
  for (const other of targets.others) if (other.id !== null && !byId.has(other.id)) byId.set(other.id, other);
  return (accountId) => (accountId == null ? undefined : byId.get(accountId)) ?? targets.home;
}

/** The key a sweep names an account by: its id, or `HOME_ACCOUNT` for the credentials' own. */
export function accountKey(target: { readonly id: string | null }): string {
  return target.id ?? HOME_ACCOUNT;
}

/**
 * Every target's rows, by `accountKey`, routed once: each account's sweep then reads only its
 * own part (an Organization's ledger has 200,000 rows; its Lambda step could not parse all of
 * them). The credentials' own part also holds the rows naming an account no target covers:
 * its id is known only to its sweep, from its inventory, which keeps its own with `ownRows`.
 */
export function rowsByAccount<
  R extends { readonly accountId: string | null },
  T extends { readonly id: string | null },
>(rows: readonly R[], targets: Targets<T>): Map<string, R[]> {
  const parts = new Map<string, R[]>([targets.home, ...targets.others].map((t) => [accountKey(t), []]));
  const route = accountRouter(targets);
  for (const row of rows) parts.get(accountKey(route(row.accountId)))?.push(row);
  return parts;
}

/**
 * Of the rows routed to an account whose id is `accountId` (null: not known), those it handles.
 * A row routed to the credentials' own account that names some other account belongs to none:
 * the sweep reports it as not covered rather than guess.
 */
export function ownRows<R extends { readonly accountId: string | null }>(
  rows: readonly R[],
  accountId: string | null,
): R[] {
  return rows.filter((row) => row.accountId === null || row.accountId === accountId);
}

/**
 * Each account's part of the ledger, by `accountKey`: its rows and the copies they govern (a
 * copy stays with its governing row, whatever account it names). Pending requests and
 * malformed rows are the whole run's, reported once by the sweep's last step: no part has them.
 */
export function accountLedgers<T extends { readonly id: string | null }>(
  ledger: Ledger,
  targets: Targets<T>,
): Map<string, Ledger> {
  const parts = rowsByAccount(ledger.rows, targets);
  const partOf = new Map<number, string>();
  for (const [key, rows] of parts) for (const row of rows) partOf.set(row.rowNumber, key);
  const copies = new Map<string, RowCopy[]>([...parts.keys()].map((key) => [key, []]));
  for (const copy of ledger.duplicates) {
    const key = partOf.get(copy.governedBy);
    if (key !== undefined) copies.get(key)?.push(copy);
  }
  return new Map(
    [...parts].map(([key, rows]) => [
      key,
      { ...ledger, rows, duplicates: copies.get(key) ?? [], pending: [], problems: [] },
    ]),
  );
}

/** A part of the ledger narrowed to the rows an account handles (`ownRows`) and their copies. */
export function ownLedger(part: Ledger, accountId: string | null): Ledger {
  const rows = ownRows(part.rows, accountId);
  if (rows.length === part.rows.length) return part;
  const kept = new Set(rows.map((row) => row.rowNumber));
  return { ...part, rows, duplicates: part.duplicates.filter((copy) => kept.has(copy.governedBy)) };
}

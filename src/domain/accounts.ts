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

/**
 * The rows a sweep handles in `target`, an account whose id is `accountId` (null: not known).
 * A row routed to the credentials' own account that names some other account belongs to none:
 * the sweep reports it as not covered rather than guess.
 */
export function rowsOfAccount<
  R extends { readonly accountId: string | null },
  T extends { readonly id: string | null },
>(rows: readonly R[], targets: Targets<T>, target: T, accountId: string | null): R[] {
  // Indexed once: searching the targets for every row, once per account, made an Organization's
  // sweep cubic (1,000 accounts × 200,000 rows × 1,000 targets).
  const route = accountRouter(targets);
  return rows.filter(
    (row) => route(row.accountId) === target && (row.accountId === null || row.accountId === accountId),
  );
}

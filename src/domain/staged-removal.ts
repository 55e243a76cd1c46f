import { addDays, daysBetween, type LocalDate } from './dates';
import { deactivationKey } from './journal-keys';
import type { Action, Settled, Skip } from './planner';
import type { TeardownStep, UserHoldings } from './teardown';

/** `REMOVAL=deactivate-then-delete`: the day after the end date disables, deletion follows. */
export interface StagedRemovalPolicy {
  readonly deleteAfterDays: number;
}

/** What the journal says about one row's deactivation. */
export interface Deactivation {
  readonly state: 'started' | 'completed';
  /** The day the keys were turned off. */
  readonly on: LocalDate;
  /** An admin turned them back on: the row must be deactivated again before any deletion. */
  readonly reactivated: boolean;
  /**
   * The admins have its line (with Reactivate). Until they do, nothing is deleted, whatever
   * the date: a run killed, or Slack refusing the post, must not turn a warning into a deletion.
   */
  readonly announced: boolean;
}

/** What the executor journals when it deactivates, and what Reactivate restores from. */
export interface DeactivationDetail {
  readonly on: LocalDate;
  /** Keys this deactivation turned off (keys already inactive stay off on Reactivate). */
  readonly keys: readonly string[];
  /** The console password was deleted: it cannot be restored, only set anew. */
  readonly consoleRemoved: boolean;
  readonly reactivatedAt?: string;
  /**
   * False from the deactivation until the admins' part with its line is posted: a run killed
   * in between leaves it false, and the next sweep posts the line. Absent on entries journaled
   * before it was recorded, which count as announced.
   */
  readonly announced?: boolean;
}

/**
 * Turns a settled removal into its stage for today: rows not yet deactivated are deactivated
 * (and deleted `deleteAfterDays` later); deactivated rows wait until then, and only then does
 * the removal the sweep settled go ahead. Everything else passes through unchanged.
 */
export function stageRemoval(
  settled: Settled,
  deactivations: ReadonlyMap<string, Deactivation>,
  today: LocalDate,
  policy: StagedRemovalPolicy,
): Settled {
  const actions: Action[] = [];
  const skips: Skip[] = [...settled.skips];
  const deleteOn = addDays(today, policy.deleteAfterDays);
  for (const action of settled.actions) {
    if (action.kind !== 'teardown-user' && action.kind !== 'delete-key') {
      actions.push(action);
      continue;
    }
    const rows = action.kind === 'teardown-user' ? action.rows : [action.row];
    const states = rows.map((row) => deactivations.get(deactivationKey(row)));
    const since = latestDeactivation(states);
    if (since === null) {
      actions.push(
        action.kind === 'teardown-user'
          ? {
              kind: 'deactivate-user',
              userName: action.userName,
              rows,
              keys: rows.map(deactivationKey),
              on: today,
              deleteOn,
            }
          : {
              kind: 'deactivate-key',
              key: deactivationKey(action.row),
              row: action.row,
              accessKey: action.accessKey,
              on: today,
              deleteOn,
            },
      );
      continue;
    }
    const due = addDays(since, policy.deleteAfterDays);
    const announced = states.every((state) => state?.announced !== false);
    if (daysBetween(today, due) <= 0 && announced) actions.push(action);
    else
      skips.push(
        ...rows.map(
          (row): Skip => ({
            row,
            reason: 'deactivated',
            detail: { kind: 'deactivated', since, deleteOn: due },
            attention: false,
          }),
        ),
      );
  }
  return { actions, skips };
}

/** The day the last of the rows was deactivated; null while any row still needs it. */
function latestDeactivation(states: readonly (Deactivation | undefined)[]): LocalDate | null {
  let latest: LocalDate | null = null;
  for (const state of states) {
    if (state?.state !== 'completed' || state.reactivated) return null;
    if (latest === null || daysBetween(latest, state.on) > 0) latest = state.on;
  }
  return latest;
}

/** A whole user's first stage: every active key off and the console password removed. */
export function userDeactivationSteps(holdings: UserHoldings): TeardownStep[] {
  const userName = holdings.userName;
  return [
    ...holdings.accessKeys
      .filter((key) => key.status === 'Active')
      .map((key): TeardownStep => ({ op: 'deactivate-access-key', userName, accessKeyId: key.accessKeyId })),
    ...(holdings.loginProfile ? [{ op: 'delete-login-profile' as const, userName }] : []),
  ];
}

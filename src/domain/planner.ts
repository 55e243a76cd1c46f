import { daysBetween, type LocalDate } from './dates';
import { type NoticeEntry, type Warning, warningFor } from './final-notice';
import {
  type IamInventory,
  type IamUserSummary,
  isCustomerManagedPolicy,
  isProtected,
  type LiveAccessKey,
  maskKeyId,
} from './iam';
import { finalNoticeKey, noticeKey, ownerUnknownKey, teardownKey } from './journal-keys';
import { contestedKeys, contestVerdict, type KeyHolder } from './key-holders';
import type { Ledger, LedgerRow, RowProblem } from './ledger';
import { type OwnerUnknown, ownerEmails, type PeopleDirectory, resolveOwner } from './people';
import type { KeptKey, SkipDetail } from './skip-detail';

export interface SweepPolicy {
  /** Notify owners this many days (inclusive) before the end date. */
  readonly noticeDays: number;
  /** A removal needs a notice at least this many days old; 0: plain next-day deletion. */
  readonly finalNoticeDays: number;
  readonly protectedUsers: ReadonlySet<string>;
}

/** Journal entries by idempotency key; a missing key means the action never started, and a `failed` one is planned the same way. */
export type JournalView = ReadonlyMap<string, JournalViewEntry>;
export type JournalViewEntry = NoticeEntry & { readonly action: string };

export interface PlanInput {
  readonly today: LocalDate;
  /**
   * The day a notice sent by this sweep reaches people: the real date, or `today` when a dry
   * run plans a later day. A final notice's deletion date counts from it, so catching up a
   * past day never shortens the warning.
   */
  readonly noticeDay: LocalDate;
  readonly ledger: Ledger;
  readonly iam: IamInventory;
  readonly directory: PeopleDirectory;
  readonly emailToSlackId: ReadonlyMap<string, string | null>;
  readonly journal: JournalView;
  /** For each key rows name for different IAM users (`contestedKeys`), who holds it. */
  readonly keyHolders: ReadonlyMap<string, KeyHolder>;
  readonly policy: SweepPolicy;
}

export type Action =
  | {
      readonly kind: 'notify-week-ahead';
      readonly key: string;
      readonly row: LedgerRow;
      readonly slackId: string;
      readonly daysLeft: number;
    }
  | {
      readonly kind: 'notify-owner-unknown';
      readonly key: string;
      readonly row: LedgerRow;
      readonly reason: OwnerUnknown;
      readonly daysLeft: number;
    }
  | {
      /** Past due without a notice that counts: the last word before removal, naming its date. */
      readonly kind: 'notify-final';
      readonly key: string;
      readonly row: LedgerRow;
      readonly deleteOn: LocalDate;
      readonly to:
        | { readonly kind: 'owner'; readonly slackId: string }
        | { readonly kind: 'admins'; readonly reason: OwnerUnknown };
    }
  | {
      /** Every live key of the user is a due ledger key: remove the user and all it holds. */
      readonly kind: 'teardown-user';
      readonly userName: string;
      readonly rows: readonly LedgerRow[];
      readonly keys: readonly string[];
      readonly customerPolicyArns: readonly string[];
    }
  | {
      /** The user holds something the ledger does not let us remove: only this row's key goes. */
      readonly kind: 'delete-key';
      readonly key: string;
      readonly row: LedgerRow;
      /** The key as listed right before the removal was settled. */
      readonly accessKey: LiveAccessKey;
      /** The user's other live keys, which keep the user in place. */
      readonly keptBecause: readonly KeptKey[];
    }
  | {
      /** A previous run started this teardown and stopped; what is left is in its journal entry. */
      readonly kind: 'finish-teardown';
      readonly key: string;
      readonly row: LedgerRow;
    }
  | {
      /** Staged removal, first stage: the user's keys and console password off; deleted on `deleteOn`. */
      readonly kind: 'deactivate-user';
      readonly userName: string;
      readonly rows: readonly LedgerRow[];
      /** One deactivation journal key per row. */
      readonly keys: readonly string[];
      readonly on: LocalDate;
      readonly deleteOn: LocalDate;
    }
  | {
      /** Staged removal, first stage, when only the row's key would be deleted. */
      readonly kind: 'deactivate-key';
      readonly key: string;
      readonly row: LedgerRow;
      readonly accessKey: LiveAccessKey;
      readonly on: LocalDate;
      readonly deleteOn: LocalDate;
    }
  | {
      /** IAM work is done (journal says so) but the ledger was not updated yet. */
      readonly kind: 'record-deleted';
      readonly key: string;
      readonly row: LedgerRow;
    };

export type SkipReason =
  | 'not-due'
  | 'already-notified'
  | 'deletion-scheduled'
  | 'deleted'
  | 'extended'
  | 'extension-pending'
  | 'error-status'
  | 'protected'
  | 'user-not-in-iam'
  | 'key-mismatch'
  | 'key-check-failed'
  | 'deactivated'
  | 'other-account'
  | 'duplicate'
  | 'superseded';

export interface Skip {
  readonly row: LedgerRow;
  readonly reason: SkipReason;
  readonly detail: SkipDetail;
  /** Admins should look at it: the sweep would otherwise have acted. */
  readonly attention: boolean;
  /** The date a final notice named for the removal. */
  readonly deleteOn?: LocalDate;
}

/** A past-due row, and how far an earlier sweep got with its teardown. */
export interface DueRow {
  readonly row: LedgerRow;
  /** The journaled action of a teardown that an earlier sweep started and did not finish. */
  readonly interrupted: string | null;
}

/**
 * The past-due rows of one IAM user. Which form the removal takes (the whole user, only
 * the due keys, or nothing because a key is not the user's) depends on the keys the user
 * holds, so `settleRemoval` decides it with keys listed right before acting: that keeps the
 * read side of planning to a handful of bulk calls however large the account is, and the
 * destructive decision rests on state seconds old, not on what was read before the notices.
 */
export interface Removal {
  readonly userName: string;
  readonly due: readonly DueRow[];
  readonly customerPolicyArns: readonly string[];
  /** Every ledger row naming the user, to tell the admins why a key that stays is kept. */
  readonly ledgerRows: readonly LedgerRow[];
}

export interface Plan {
  readonly today: LocalDate;
  /** Notices and journal-only work, decided on the bulk reads alone. */
  readonly actions: readonly Action[];
  readonly removals: readonly Removal[];
  readonly skips: readonly Skip[];
  readonly problems: readonly RowProblem[];
}

function belongsHere(row: LedgerRow, iam: IamInventory): boolean {
  return row.accountId === null || iam.accountId === null || row.accountId === iam.accountId;
}

/** Rows that are active and inside the notice window or past their end date. */
function inScope(row: LedgerRow, input: Pick<PlanInput, 'today' | 'policy' | 'iam'>): boolean {
  return (
    belongsHere(row, input.iam) &&
    row.status === 'active' &&
    daysBetween(input.today, row.endDate) <= input.policy.noticeDays
  );
}

/** Emails worth a `users.lookupByEmail`: owners of notices that no cheaper source resolves. */
export function emailLookups(
  input: Pick<PlanInput, 'today' | 'policy' | 'iam' | 'ledger' | 'directory'>,
): string[] {
  const emails = new Set<string>();
  for (const row of input.ledger.rows) {
    // Past rows need their owner too while a final notice may still be due.
    const past = daysBetween(input.today, row.endDate) < 0;
    if (!inScope(row, input) || (past && input.policy.finalNoticeDays === 0)) continue;
    const tags = input.iam.users.get(row.iamUser)?.tags ?? {};
    for (const email of ownerEmails(row.name, input.directory, { tags, ...ledgerEmailOf(row) }))
      emails.add(email);
  }
  return [...emails].sort();
}

function ledgerEmailOf(row: LedgerRow): { ledgerEmail?: string } {
  return row.email ? { ledgerEmail: row.email } : {};
}

type RowVerdict =
  | { readonly kind: 'action'; readonly action: Action }
  | { readonly kind: 'skip'; readonly skip: Skip }
  | { readonly kind: 'due'; readonly due: DueRow; readonly user: IamUserSummary };

function skip(row: LedgerRow, reason: SkipReason, detail: SkipDetail, attention: boolean): RowVerdict {
  return { kind: 'skip', skip: { row, reason, detail, attention } };
}

/** Rows of the keys named for different users, by key. */
type Contests = ReadonlyMap<string, readonly LedgerRow[]>;

function classify(row: LedgerRow, input: PlanInput, contests: Contests): RowVerdict {
  const { today, iam, journal, policy } = input;
  const daysLeft = daysBetween(today, row.endDate);
  const past = daysLeft < 0;

  if (!belongsHere(row, iam))
    return skip(
      row,
      'other-account',
      { kind: 'other-account', rowAccount: row.accountId, sweepAccount: iam.accountId },
      true,
    );
  if (row.status === 'deleted') return skip(row, 'deleted', { kind: 'already-deleted' }, false);
  if (row.status === 'error') return skip(row, 'error-status', { kind: 'error-status' }, true);

  const teardownEntry = journal.get(teardownKey(row));
  const teardown = teardownEntry?.state;
  if (teardown === 'completed')
    return { kind: 'action', action: { kind: 'record-deleted', key: teardownKey(row), row } };

  if (row.status === 'extended')
    return skip(row, 'extended', { kind: 'extended', pastEndDate: past ? row.endDate : null }, past);
  if (row.status === 'extension-requested')
    return skip(row, 'extension-pending', { kind: 'extension-pending' }, past);

  if (daysLeft > policy.noticeDays) return skip(row, 'not-due', { kind: 'days-left', days: daysLeft }, false);

  const rivals = contests.get(row.accessKeyId);
  const contest = rivals ? contestVerdict(row, rivals, input.keyHolders.get(row.accessKeyId)) : null;
  if (contest) return skip(row, contest.reason, contest.detail, true);

  const user = iam.users.get(row.iamUser);
  if (!user) {
    if (teardown === 'started')
      return { kind: 'action', action: { kind: 'finish-teardown', key: teardownKey(row), row } };
    return skip(
      row,
      'user-not-in-iam',
      { kind: 'user-missing', iamUser: row.iamUser, account: iam.accountId },
      true,
    );
  }
  if (isProtected(user, policy.protectedUsers))
    return skip(row, 'protected', { kind: 'protected', iamUser: user.userName }, true);

  if (past) {
    // An interrupted teardown passed this check when it started.
    const warning: Warning =
      teardown === 'started'
        ? { kind: 'warned' }
        : warningFor(row, {
            today,
            noticeDay: input.noticeDay,
            finalNoticeDays: policy.finalNoticeDays,
            journal: (key) => journal.get(key),
          });
    if (warning.kind !== 'warned') return notWarnedYet(row, user, warning, input);
    return {
      kind: 'due',
      due: { row, interrupted: teardown === 'started' ? (teardownEntry?.action ?? null) : null },
      user,
    };
  }

  const notice = journal.get(noticeKey(row))?.state;
  if (notice === 'completed')
    return skip(
      row,
      'already-notified',
      { kind: 'notified', notice: 'week-ahead', endDate: row.endDate },
      false,
    );
  if (notice === 'started')
    return skip(row, 'already-notified', { kind: 'notice-unsure', notice: 'week-ahead' }, true);

  const owner = ownerOf(row, user, input);
  if (owner.kind === 'slack')
    return {
      kind: 'action',
      action: { kind: 'notify-week-ahead', key: noticeKey(row), row, slackId: owner.slackId, daysLeft },
    };
  const unknownNotice = journal.get(ownerUnknownKey(row))?.state;
  if (unknownNotice === 'completed')
    return skip(row, 'already-notified', { kind: 'notified', notice: 'owner-unknown' }, false);
  if (unknownNotice === 'started')
    return skip(row, 'already-notified', { kind: 'notice-unsure', notice: 'owner-unknown' }, true);
  return {
    kind: 'action',
    action: { kind: 'notify-owner-unknown', key: ownerUnknownKey(row), row, reason: owner.reason, daysLeft },
  };
}

function ownerOf(row: LedgerRow, user: IamUserSummary, input: PlanInput) {
  return resolveOwner(row.name, input.directory, {
    tags: user.tags,
    emailToSlackId: input.emailToSlackId,
    ...ledgerEmailOf(row),
  });
}

/** A past-due row whose owner has not been warned long enough ago: warn, or wait. */
function notWarnedYet(
  row: LedgerRow,
  user: IamUserSummary,
  warning: Exclude<Warning, { kind: 'warned' }>,
  input: PlanInput,
): RowVerdict {
  switch (warning.kind) {
    case 'scheduled':
      return {
        kind: 'skip',
        skip: {
          row,
          reason: 'deletion-scheduled',
          detail: { kind: 'deletion-scheduled', deleteOn: warning.deleteOn },
          attention: false,
          deleteOn: warning.deleteOn,
        },
      };
    case 'unsure':
      return skip(row, 'already-notified', { kind: 'notice-unsure', notice: 'final' }, true);
    case 'send-final': {
      const owner = ownerOf(row, user, input);
      return {
        kind: 'action',
        action: {
          kind: 'notify-final',
          key: finalNoticeKey(row),
          row,
          deleteOn: warning.deleteOn,
          to:
            owner.kind === 'slack'
              ? { kind: 'owner', slackId: owner.slackId }
              : { kind: 'admins', reason: owner.reason },
        },
      };
    }
  }
}

/** Notices tell people; everything else changes IAM or the ledger. */
export function isNotice(action: Action): boolean {
  return (
    action.kind === 'notify-week-ahead' ||
    action.kind === 'notify-owner-unknown' ||
    action.kind === 'notify-final'
  );
}

/**
 * Decides what one sweep does. Pure: the same input always gives the same plan, so it is
 * tested with plain data and a dry run shows exactly what an apply run would do.
 */
export function plan(input: PlanInput): Plan {
  const actions: Action[] = [];
  const skips: Skip[] = [];
  const due = new Map<string, { user: IamUserSummary; rows: DueRow[] }>();
  const contested = contestedKeys({
    rows: input.ledger.rows,
    today: input.today,
    noticeDays: input.policy.noticeDays,
  });
  const contests: Contests = new Map(
    [...contested.keys()].map((key) => [key, input.ledger.rows.filter((row) => row.accessKeyId === key)]),
  );

  for (const copy of input.ledger.duplicates)
    skips.push({
      row: copy.row,
      reason: copy.kind,
      detail:
        copy.kind === 'duplicate'
          ? { kind: 'duplicate', of: copy.governedBy }
          : { kind: 'superseded', by: copy.governedBy },
      attention: false,
    });
  for (const row of input.ledger.rows) {
    const verdict = classify(row, input, contests);
    if (verdict.kind === 'action') actions.push(verdict.action);
    else if (verdict.kind === 'skip') skips.push(verdict.skip);
    else {
      const group = due.get(verdict.user.userName) ?? { user: verdict.user, rows: [] };
      group.rows.push(verdict.due);
      due.set(verdict.user.userName, group);
    }
  }

  const removals = [...due.values()].map(
    ({ user, rows }): Removal => ({
      userName: user.userName,
      due: rows,
      customerPolicyArns: user.attachedPolicyArns.filter(isCustomerManagedPolicy),
      ledgerRows: input.ledger.rows.filter((row) => row.iamUser === user.userName),
    }),
  );
  return { today: input.today, actions, removals, skips, problems: input.ledger.problems };
}

export interface Settled {
  readonly actions: readonly Action[];
  readonly skips: readonly Skip[];
}

/**
 * Decides a removal on the user's live keys (`null`: the user no longer exists). A row
 * whose key the user does not hold is refused, unless an interrupted teardown explains why.
 */
export function settleRemoval(removal: Removal, liveKeys: readonly LiveAccessKey[] | null): Settled {
  const actions: Action[] = [];
  const skips: Skip[] = [];
  const proceed: LedgerRow[] = [];
  const userExists = liveKeys !== null;
  const live = new Set((liveKeys ?? []).map((key) => key.accessKeyId));
  const held = (liveKeys ?? []).map((key) => maskKeyId(key.accessKeyId));
  for (const { row, interrupted } of removal.due) {
    // A key an interrupted whole-user teardown already removed: carry on with the user.
    if (userExists && (live.has(row.accessKeyId) || interrupted === 'teardown-user')) proceed.push(row);
    else if (interrupted !== null) actions.push({ kind: 'finish-teardown', key: teardownKey(row), row });
    else
      skips.push({
        row,
        attention: true,
        ...(userExists
          ? {
              reason: 'key-mismatch',
              detail: { kind: 'key-not-held', key: maskKeyId(row.accessKeyId), iamUser: row.iamUser, held },
            }
          : {
              reason: 'user-not-in-iam',
              detail: { kind: 'user-removed-during-sweep', iamUser: row.iamUser },
            }),
      });
  }
  if (liveKeys && proceed.length > 0) actions.push(...teardownActions(removal, proceed, liveKeys));
  return { actions, skips };
}

/**
 * Whole-user teardown only when every live key of the user is a due ledger key; otherwise
 * only the due keys go, because the user still holds something someone relies on.
 */
function teardownActions(
  removal: Removal,
  dueRows: readonly LedgerRow[],
  liveKeys: readonly LiveAccessKey[],
): Action[] {
  const dueKeys = new Set(dueRows.map((row) => row.accessKeyId));
  const others = liveKeys.filter((key) => !dueKeys.has(key.accessKeyId));
  if (others.length === 0)
    return [
      {
        kind: 'teardown-user',
        userName: removal.userName,
        rows: dueRows,
        keys: dueRows.map(teardownKey),
        customerPolicyArns: removal.customerPolicyArns,
      },
    ];

  const otherRows = new Map(removal.ledgerRows.map((row) => [row.accessKeyId, row]));
  const keptBecause = others.map((key): KeptKey => {
    const row = otherRows.get(key.accessKeyId);
    return {
      key: maskKeyId(key.accessKeyId),
      row: row ? { rowNumber: row.rowNumber, status: row.status, endDate: row.endDate } : null,
    };
  });
  const live = new Map(liveKeys.map((key) => [key.accessKeyId, key]));
  return dueRows.map((row): Action => {
    const accessKey = live.get(row.accessKeyId);
    // Gone already: an interrupted whole-user teardown removed it before the user got a new key.
    if (!accessKey) return { kind: 'finish-teardown', key: teardownKey(row), row };
    return {
      kind: 'delete-key',
      key: teardownKey(row),
      row,
      accessKey,
      keptBecause,
    };
  });
}

/**
 * Journal keys the planner consults, read in one batch before planning. Rows far from
 * their end date and deleted rows are left out: their journal entries cannot change the plan.
 */
export function journalKeysFor(input: Pick<PlanInput, 'today' | 'policy' | 'ledger'>): string[] {
  return input.ledger.rows
    .filter(
      (row) => row.status !== 'deleted' && daysBetween(input.today, row.endDate) <= input.policy.noticeDays,
    )
    .flatMap((row) => [noticeKey(row), ownerUnknownKey(row), finalNoticeKey(row), teardownKey(row)]);
}

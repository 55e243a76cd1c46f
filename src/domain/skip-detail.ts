import type { LocalDate } from './dates';
import type { RowStatus } from './status';

/** Another row naming the same access key, by its number and IAM user. */
export interface RivalRow {
  readonly rowNumber: number;
  readonly iamUser: string;
}

/** A live key of a user that keeps the user in place: its masked id and the row naming it, if any. */
export interface KeptKey {
  readonly key: string;
  readonly row: {
    readonly rowNumber: number;
    readonly status: RowStatus;
    readonly endDate: LocalDate;
  } | null;
}

/**
 * Why a row was left alone, as facts: the catalogue words it (`Messages.reasons.skip`) in the
 * reader's language. Access keys are masked (`AKIA…1234`); IAM names, account ids and error
 * texts from AWS are data.
 */
export type SkipDetail =
  | {
      readonly kind: 'other-account';
      readonly rowAccount: string | null;
      readonly sweepAccount: string | null;
    }
  | { readonly kind: 'already-deleted' }
  | { readonly kind: 'error-status' }
  | { readonly kind: 'extended'; readonly pastEndDate: LocalDate | null }
  | { readonly kind: 'extension-pending' }
  | { readonly kind: 'days-left'; readonly days: number }
  | { readonly kind: 'user-missing'; readonly iamUser: string; readonly account: string | null }
  | { readonly kind: 'user-removed-during-sweep'; readonly iamUser: string }
  | { readonly kind: 'protected'; readonly iamUser: string }
  | { readonly kind: 'deletion-scheduled'; readonly deleteOn: LocalDate }
  /** A notice was journaled as completed; `notice` says which. */
  | { readonly kind: 'notified'; readonly notice: 'week-ahead'; readonly endDate: LocalDate }
  | { readonly kind: 'notified'; readonly notice: 'owner-unknown' }
  /** A notice was started and never completed: its recipient may not have it. */
  | { readonly kind: 'notice-unsure'; readonly notice: 'week-ahead' | 'owner-unknown' | 'final' }
  | { readonly kind: 'duplicate'; readonly of: number }
  | { readonly kind: 'superseded'; readonly by: number }
  | {
      readonly kind: 'key-not-held';
      readonly key: string;
      readonly iamUser: string;
      /** The user's live keys, masked. */
      readonly held: readonly string[];
    }
  /** Rows naming one key for different users: `holder` is who IAM says holds it (null: none of them). */
  | {
      readonly kind: 'key-contested';
      readonly key: string;
      readonly iamUser: string;
      readonly others: readonly RivalRow[];
      readonly holder: string | null;
    }
  | {
      readonly kind: 'key-holder-unknown';
      readonly key: string;
      readonly others: readonly RivalRow[];
      /** Whose keys IAM could not list, and its error; null when nobody's keys were listed. */
      readonly listFailed: { readonly userName: string; readonly error: string } | null;
    }
  /** Listing the user's keys failed right before the removal; `error` is IAM's. */
  | { readonly kind: 'key-list-failed'; readonly userName: string; readonly error: string }
  | {
      readonly kind: 'deactivated';
      readonly since: LocalDate;
      readonly deleteOn: LocalDate;
      /**
       * The admins were never told of the deactivation (the sweep that made it was killed before
       * their post, or the post failed): this sweep posted its line (`error` null), or failed
       * to (Slack's error; the next sweep tries again).
       */
      readonly announcedLate?: { readonly error: string | null };
    }
  | { readonly kind: 'account-failed'; readonly account: string; readonly error: string }
  | { readonly kind: 'account-not-reached'; readonly account: string }
  | { readonly kind: 'account-not-covered'; readonly account: string };

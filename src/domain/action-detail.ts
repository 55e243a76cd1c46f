import type { LocalDate } from './dates';

/**
 * What the executor did with one action, or why it could not, as facts: the catalogue words it
 * (`Messages.reasons.action`) for people, and its English wording is the audit log's detail.
 * Keys are masked; IAM names, ARNs and error texts from AWS or Slack are data.
 */
export type ActionDetail =
  | { readonly kind: 'dry-run' }
  | { readonly kind: 'sent' }
  /** Sent, admins' copy too, but its grouped message could not be stored: clicks do not redraw that line. */
  | { readonly kind: 'sent-group-unsaved'; readonly error: string }
  /** Sent, but its completion was not journaled: the next sweep flags it as possibly unsent, never resends it. */
  | { readonly kind: 'sent-unrecorded'; readonly error: string }
  /**
   * The owner may have the DM but the admins' grouped message failed (`error`: Slack's): the
   * next sweep flags it rather than DM the owner twice.
   */
  | { readonly kind: 'admin-copy-failed'; readonly error: string }
  /** An earlier sweep claimed this notice (`state` is its journal entry's): not sent twice. */
  | { readonly kind: 'already-claimed'; readonly sweepId: string; readonly state: string }
  /** The journal says IAM work is done: only the ledger is written. */
  | { readonly kind: 'recorded-deleted' }
  | {
      readonly kind: 'removed-user';
      readonly userName: string;
      readonly steps: number;
      readonly policies: readonly PolicyCleanup[];
    }
  | { readonly kind: 'deleted-key'; readonly key: string; readonly userName: string }
  | { readonly kind: 'finished-teardown'; readonly policies: readonly PolicyCleanup[] }
  | Deactivated
  /** Deactivated, but the admins' notice of it failed (its `missed` says for which rows). */
  | { readonly kind: 'deactivated-unannounced'; readonly done: Deactivated }
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  /** A notice that reached nobody; `marked`: the journal says so, and the next sweep sends it again. */
  | { readonly kind: 'not-sent'; readonly error: string; readonly marked: boolean }
  | { readonly kind: 'failed'; readonly error: string };

export type Deactivated =
  | {
      readonly kind: 'deactivated-user';
      readonly userName: string;
      readonly steps: number;
      readonly deleteOn: LocalDate;
      readonly missed: readonly NoticeMiss[];
    }
  | {
      readonly kind: 'deactivated-key';
      readonly key: string;
      readonly deleteOn: LocalDate;
      readonly missed: readonly NoticeMiss[];
    };

/** A customer-managed policy the teardown left unused: deleted, or kept because something else uses it. */
export interface PolicyCleanup {
  readonly arn: string;
  readonly outcome: 'deleted' | 'still-attached';
}

/** Live IAM no longer matches the plan: nothing was changed. */
export type Refusal =
  | { readonly kind: 'user-gone'; readonly userName: string; readonly outcome: 'deleted' | 'deactivated' }
  /** `keys`: masked, the ones the ledger does not list. */
  | { readonly kind: 'unexpected-keys'; readonly userName: string; readonly keys: readonly string[] };

/**
 * Part of a notice that did not go out, while the rest did; `code` and `error` are Slack's.
 * The notifier reports these; they never fail what IAM already did, except the admins' notice.
 */
export type NoticeMiss =
  | { readonly kind: 'messages-not-updated'; readonly count: number }
  | { readonly kind: 'owner-unreachable'; readonly owner: string; readonly code: string }
  | { readonly kind: 'owner-dm-failed'; readonly error: string }
  | { readonly kind: 'admins-notice-failed'; readonly rowNumber: number; readonly error: string }
  /** The admins have the notice, but storing it (its grouped message, or the row's case) failed: clicks may not follow. */
  | { readonly kind: 'notice-unsaved'; readonly error: string }
  /**
   * The admins have the notice, but the sweep was stopping: the row's earlier messages were not
   * redrawn and its owner was not told (nobody does it later; the admins' line is the record).
   */
  | { readonly kind: 'news-skipped' }
  /** The admins have the notice, but the journal did not record so (`error`): the next sweep posts the line again. */
  | { readonly kind: 'announcement-unrecorded'; readonly error: string };

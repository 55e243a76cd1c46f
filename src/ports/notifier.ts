import type { NoticeMiss } from '../domain/action-detail';
import type { LocalDate } from '../domain/dates';
import type { Finding, FindingKind } from '../domain/hygiene';
import type { LedgerRow } from '../domain/ledger';
import type { ExpiredMute, MutedFinding, UnreadMuteTag } from '../domain/mutes';
import type { StalePending } from '../domain/pending';
import type { OwnerUnknown } from '../domain/people';
import type { SweepReport } from '../domain/report';

export interface WeekAheadNotice {
  readonly row: LedgerRow;
  readonly slackId: string;
  readonly daysLeft: number;
}

export interface OwnerUnknownNotice {
  readonly row: LedgerRow;
  readonly reason: OwnerUnknown;
  readonly daysLeft: number;
}

/** A staged removal's first stage, per row: the admins get a Reactivate button for it. */
export interface DeactivatedNotice {
  readonly row: LedgerRow;
  readonly on: LocalDate;
  readonly deleteOn: LocalDate;
  readonly consoleRemoved: boolean;
}

/** The last word before a removal: to the owner (copy to admins), or to the admins alone. */
export interface FinalNotice {
  readonly row: LedgerRow;
  readonly deleteOn: LocalDate;
  readonly to:
    | { readonly kind: 'owner'; readonly slackId: string }
    | { readonly kind: 'admins'; readonly reason: OwnerUnknown };
}

/** Requests submitted `reportDays` or more ago that still have no IAM user or key. */
export interface PendingRequestsNotice {
  /** The rows this reminder is the first of the week for; never empty. */
  readonly rows: readonly StalePending[];
  readonly reportDays: number;
}

export interface FindingsNotice {
  readonly slackId: string;
  /** The AWS account of every finding listed, named when the sweep covers several. */
  readonly account?: string;
  /** The owner's findings new in their window this run, in report order; never empty. */
  readonly findings: readonly Finding[];
}

export interface FindingsDigest {
  /** The AWS account the findings are in, named when the sweep covers several. */
  readonly account?: string;
  /** Findings new in their window this run (already-reported ones are not repeated). */
  readonly fresh: readonly Finding[];
  readonly counts: Readonly<Record<FindingKind, number>>;
  readonly generatedAt: Date;
  /** The ledger's zone, in which people read `generatedAt`. */
  readonly timeZone: string;
  /** Kept out of DMs and pings (mutes, protected users); the weekly digest lists them as muted. */
  readonly muted?: readonly MutedFinding[];
  /** Findings in `fresh` whose mute has run out: the digest says it expired. */
  readonly expiredMutes?: readonly ExpiredMute[];
  /** `keywarden:mute` tags that could not be read, so muted nothing. */
  readonly unreadMuteTags?: readonly UnreadMuteTag[];
  /** The weekly digest attaches the whole credential report. */
  readonly attachment?: { readonly filename: string; readonly csv: string };
}

/** Which notice an admins' copy is of: its title differs, and a final notice names its date. */
export type NoticeKind =
  | { readonly kind: 'week-ahead'; readonly daysLeft: number }
  | { readonly kind: 'final'; readonly deleteOn: LocalDate };

/**
 * What the admins are told of one notice. An account's copies go out together
 * (`Notifier.adminCopies`), after its notices: one admin post per notice cannot keep up with
 * Slack's one post a second per channel across an Organization.
 */
export type AdminCopy =
  /** The owner has the DM; the admins' line shows the notice's case (`caseId`) from then on. */
  | {
      readonly kind: 'owner-told';
      readonly row: LedgerRow;
      readonly slackId: string;
      readonly caseId: string;
      readonly notice: NoticeKind;
    }
  /** Nobody else hears of it (no known owner, or the DM could not be delivered): the admins must act. */
  | {
      readonly kind: 'admins-only';
      readonly row: LedgerRow;
      /** Why the admins alone are told, already worded for them (the group stores its lines as shown). */
      readonly reason: string;
      readonly notice: NoticeKind;
    };

/**
 * How many of the copies, in order, reached the admins: posting stops at the first failure,
 * whose message is `error`.
 */
export interface AdminCopiesPosted {
  readonly posted: number;
  readonly error?: string;
  /** Posted parts that could not be stored: the admins have them, but later clicks do not redraw them. */
  readonly unsaved?: readonly UnsavedGroup[];
}

/** Copies `first` to `first + count - 1` (in order) went out in one message the case store could not keep. */
export interface UnsavedGroup {
  readonly first: number;
  readonly count: number;
  readonly error: string;
}

/**
 * What came of an account's deactivation notices: posting stops at the first part Slack
 * refuses, so the notices that reached the admins are the first ones, in order.
 */
export interface DeactivationsAnnounced {
  /** One entry per notice the admins have, in order: what else (the owner, older messages) it missed. */
  readonly announced: readonly (readonly NoticeMiss[])[];
  /** Why the notices after those did not reach the admins. */
  readonly error?: string;
}

export interface DeactivationsOptions {
  /**
   * Once fired, the admins' notices still go out but the rest is skipped (`news-skipped`): a
   * stopping run has seconds left, and paced DMs to one owner take one a second each.
   */
  readonly stop?: AbortSignal;
  /**
   * Called once the admins have notices `first` to `first + count - 1` (one part), before
   * anything else happens to them (their Reactivate works only after): the caller records that
   * they were announced. Never rejects.
   */
  readonly posted?: (first: number, count: number) => Promise<void>;
}

/**
 * Thrown by a notice that reached nobody (its first message failed), so the sweep may send it
 * again later. Any other error may come after part of the notice went out.
 */
export class NoticeNotSent extends Error {
  override readonly name = 'NoticeNotSent';
}

/** How people hear from Keywarden: Slack when configured, the console otherwise. */
export interface Notifier {
  /**
   * DM to the owner with Extend/Delete; resolves with the admins' copy, which goes out with
   * the account's other copies (`adminCopies`). An owner who cannot be DMed makes it `admins-only`.
   */
  weekAhead(notice: WeekAheadNotice): Promise<AdminCopy>;
  /** Only the admins hear of it: resolves with their copy (Slack sends nothing before `adminCopies`). */
  ownerUnknown(notice: OwnerUnknownNotice): Promise<AdminCopy>;
  /**
   * Tells the admins which rows of one account had their keys deactivated and when each will
   * be deleted, in as few messages as Slack takes (`account` as in `adminCopies`), each row
   * with its own Reactivate; then tells each owner of their rows (one DM each). Only the admins' notices count
   * (`DeactivationsAnnounced.announced`); what else was missed is noted per notice.
   */
  deactivations(
    notices: readonly DeactivatedNotice[],
    account: string | null,
    options?: DeactivationsOptions,
  ): Promise<DeactivationsAnnounced>;
  /** The key goes on `deleteOn` unless the row changes; sent when no earlier notice counts. Like `weekAhead`. */
  finalNotice(notice: FinalNotice): Promise<AdminCopy>;
  /**
   * The admins' copies of one account's notices, grouped into as few messages as Slack takes;
   * every later click on one of them redraws its line. `account` names the group when the sweep
   * covers several accounts (null: it covers one, whatever account the rows name).
   */
  adminCopies(copies: readonly AdminCopy[], account: string | null): Promise<AdminCopiesPosted>;
  /** One DM to an owner listing all of their new hygiene findings (one per owner per sweep). */
  findings(notice: FindingsNotice): Promise<void>;
  /** Hygiene findings for the admins: daily (new ones) or weekly (with the report CSV). */
  findingsDigest(digest: FindingsDigest): Promise<void>;
  /** Tells the admins which requests wait for issuance (at most weekly per row). */
  pendingRequests(notice: PendingRequestsNotice): Promise<void>;
  /** The end-of-sweep summary for the admins. */
  sweepReport(report: SweepReport): Promise<void>;
}

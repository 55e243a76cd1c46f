import type { LocalDate } from '../domain/dates';
import type { NoticeKind } from './notifier';

/**
 * One expiry notice and everything that follows from it: the messages it produced and the
 * extension request, if any. Status moves through conditional writes, so two people clicking
 * at once (or one person twice) act once.
 *
 * `deactivated`: a staged removal turned the keys off; only an admin's Reactivate (or the
 * deletion it announces) moves it on. `deleted-unrecorded`: the IAM work is done (and journaled) but the ledger does not say so
 * yet; a retry click or the next sweep records it. `in-flight`: one decision is being carried
 * out and `inFlight` says which; it ends in a commit or a rollback to `inFlight.from`.
 */
export type CaseStatus =
  | 'open'
  | 'extension-requested'
  | 'extended'
  | 'deactivated'
  | 'deleted-unrecorded'
  | 'deleted'
  | 'in-flight';

/** Where a case waits for the next click. */
export type RestingStatus = Exclude<CaseStatus, 'in-flight'>;

export type CaseAction = 'request-extension' | 'approve' | 'deny' | 'delete' | 'reactivate';

/** A staged removal's first stage: keys (and console access) off, deletion on `deleteOn`. */
export interface CaseDeactivation {
  readonly on: LocalDate;
  readonly deleteOn: LocalDate;
  /** The console password was removed; a Reactivate cannot bring it back. */
  readonly consoleRemoved: boolean;
}

export interface MessageRef {
  readonly channel: string;
  readonly ts: string;
}

export interface ExtensionRequest {
  readonly newEndDate: LocalDate;
  readonly reason: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
}

export interface Decision {
  readonly by: string;
  readonly at: string;
  readonly outcome: 'approved' | 'denied' | 'deleted' | 'reactivated';
  readonly note?: string;
}

/** A claim on the case while one decision is carried out; present exactly when status is `in-flight`. */
export interface InFlight {
  readonly action: CaseAction;
  readonly by: string;
  readonly since: string;
  /** Where a rollback returns the case; nothing else changes while the claim is held. */
  readonly from: RestingStatus;
}

export interface NoticeCase {
  /** `<access key id>#<end date>`: one case per notice. */
  readonly id: string;
  readonly accessKeyId: string;
  /** The ledger's AWS account id for the row; absent for the default account. */
  readonly accountId?: string;
  readonly iamUser: string;
  readonly name: string;
  readonly purpose: string;
  readonly resource: string;
  readonly startDate: LocalDate | null;
  readonly endDate: LocalDate;
  readonly ownerSlackId: string | null;
  readonly status: CaseStatus;
  readonly ownerMessage?: MessageRef;
  readonly adminMessages: readonly MessageRef[];
  readonly request?: ExtensionRequest;
  readonly decision?: Decision;
  readonly inFlight?: InFlight;
  /** Present from the staged removal's deactivation on. */
  readonly deactivation?: CaseDeactivation;
  /** Optimistic-locking counter; adapters own it. */
  readonly version: number;
}

/** The ledger's words for a row, as a line of a grouped message shows them. */
export type NoticeFields = Pick<
  NoticeCase,
  'accessKeyId' | 'accountId' | 'iamUser' | 'name' | 'purpose' | 'resource' | 'startDate' | 'endDate'
>;

/**
 * What a case's line in a grouped message is about: the admins' copy of a notice, or a staged
 * removal's deactivation (the line carries the row's Reactivate while the case is deactivated).
 */
export type LineNotice = NoticeKind | { readonly kind: 'deactivated' };

/** One line of the admins' grouped message: a case's (drawn from its state) or one only the admins were told of. */
export type GroupLine =
  | { readonly kind: 'case'; readonly caseId: string; readonly notice: LineNotice }
  | {
      readonly kind: 'admins-only';
      readonly fields: NoticeFields;
      readonly rowNumber: number;
      readonly reason: string;
      readonly notice: NoticeKind;
    };

/**
 * The admins' message that lists one account's notices of a sweep, or its deactivations (or
 * one part of them: Slack caps a message's blocks). Kept so that a click on any of its cases
 * redraws every line.
 */
export interface AdminGroup {
  readonly ref: MessageRef;
  readonly account: string | null;
  readonly part: number;
  readonly parts: number;
  readonly lines: readonly GroupLine[];
}

export interface CaseStore {
  /** Stores a new case; false when one with that id exists already. */
  create(notice: Omit<NoticeCase, 'version'>): Promise<boolean>;
  get(id: string): Promise<NoticeCase | null>;
  /** The cases among `ids` that exist, by id (the Home tab reads a person's in one go). */
  getMany(ids: readonly string[]): Promise<ReadonlyMap<string, NoticeCase>>;
  /**
   * Applies `change` if the case is in one of `from` (and, when `version` is given, still at
   * that version); returns the updated case, or null when someone else moved it first (the
   * caller tells the clicker it is already settled).
   */
  transition(
    id: string,
    from: readonly CaseStatus[],
    change: (current: NoticeCase) => Omit<NoticeCase, 'version'>,
    version?: number,
  ): Promise<NoticeCase | null>;
  /**
   * Stores a grouped message as posted, and adds it to the groups of each of its cases. Kept
   * apart from the cases: adding a group must not move a case's version under a click's claim.
   */
  saveGroup(group: AdminGroup): Promise<void>;
  getGroup(ref: MessageRef): Promise<AdminGroup | null>;
  /** The grouped messages with a line for the case, oldest first. */
  groupsOf(caseId: string): Promise<readonly MessageRef[]>;
}

export function caseId(accessKeyId: string, endDate: LocalDate): string {
  return `${accessKeyId}#${endDate}`;
}

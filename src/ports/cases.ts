import type { LocalDate } from '../domain/dates';

/**
 * One expiry notice and everything that follows from it: the messages it produced and the
 * extension request, if any. Status moves only forward through conditional writes, so two
 * people clicking at once (or one person twice) act once.
 */
export type CaseStatus = 'open' | 'extension-requested' | 'extended' | 'deleting' | 'deleted';

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
  readonly outcome: 'approved' | 'denied' | 'deleted';
  readonly note?: string;
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
  /** Optimistic-locking counter; adapters own it. */
  readonly version: number;
}

export interface CaseStore {
  /** Stores a new case; false when one with that id exists already. */
  create(notice: Omit<NoticeCase, 'version'>): Promise<boolean>;
  get(id: string): Promise<NoticeCase | null>;
  /**
   * Applies `change` if the case is in one of `from`; returns the updated case, or null when
   * someone else moved it first (the caller tells the clicker it is already settled).
   */
  transition(
    id: string,
    from: readonly CaseStatus[],
    change: (current: NoticeCase) => Omit<NoticeCase, 'version'>,
  ): Promise<NoticeCase | null>;
}

export function caseId(accessKeyId: string, endDate: LocalDate): string {
  return `${accessKeyId}#${endDate}`;
}

import type { LedgerRow } from '../domain/ledger';
import type { SweepReport } from '../domain/report';

export interface WeekAheadNotice {
  readonly row: LedgerRow;
  readonly slackId: string;
  readonly daysLeft: number;
}

export interface OwnerUnknownNotice {
  readonly row: LedgerRow;
  readonly reason: string;
  readonly daysLeft: number;
}

/** How people hear from Keywarden: Slack when configured, the console otherwise. */
export interface Notifier {
  /** DM to the owner with Extend/Delete, and a copy to the admins. */
  weekAhead(notice: WeekAheadNotice): Promise<void>;
  ownerUnknown(notice: OwnerUnknownNotice): Promise<void>;
  /** The end-of-sweep summary for the admins. */
  sweepReport(report: SweepReport): Promise<void>;
}

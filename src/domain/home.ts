import { addDays, type LocalDate } from './dates';
import type { LedgerRow } from './ledger';
import { type PeopleDirectory, resolveOwner } from './people';
import type { PlanInput } from './planner';
import { type RowChange, type SweepReport, type SweepVerdict, sweepOutcome } from './report';
import type { RowStatus } from './status';

/**
 * What the Slack Home tab shows of the ledger, as the last apply sweep read it: opening the
 * tab reads this (and the cases) from DynamoDB, never the ledger itself.
 */
export interface HomeRow {
  readonly rowNumber: number;
  readonly name: string;
  readonly iamUser: string;
  readonly accessKeyId: string;
  readonly accountId: string | null;
  readonly endDate: LocalDate;
  readonly status: RowStatus;
  /** Resolved as the sweep resolves owners; null when nobody could be found. */
  readonly ownerSlackId: string | null;
}

export interface HomeSummary {
  readonly sweepId: string;
  /** ISO time the sweep finished. */
  readonly finishedAt: string;
  readonly today: LocalDate;
  readonly verdict: SweepVerdict;
  /** `<action kind>:<outcome>` → count, as the sweep's log line has it. */
  readonly actions: Readonly<Record<string, number>>;
  readonly failed: number;
  readonly attention: number;
  readonly malformed: number;
  /** The policy the rows were judged by: cases exist for rows within this many days. */
  readonly noticeDays: number;
}

export interface HomeSnapshot {
  readonly summary: HomeSummary;
  readonly rows: readonly HomeRow[];
}

/** A deleted row stays on the tab this long after its end date, then only the ledger has it. */
export const DELETED_ROWS_KEPT_DAYS = 30;

/** The row's owner by the sweep's own rule: people table, then the IAM user's tags. */
export function ownerSlackIdOf(
  row: LedgerRow,
  input: Pick<PlanInput, 'directory' | 'iam' | 'emailToSlackId'>,
): string | null {
  const tags = input.iam.users.get(row.iamUser)?.tags ?? {};
  const owner = resolveOwner(row.name, input.directory, { tags, emailToSlackId: input.emailToSlackId });
  return owner.kind === 'slack' ? owner.slackId : null;
}

/** A row no account's sweep covered: only the people table can name its owner. */
export function ownerByNameOnly(row: LedgerRow, directory: PeopleDirectory): string | null {
  const owner = resolveOwner(row.name, directory, { tags: {}, emailToSlackId: new Map() });
  return owner.kind === 'slack' ? owner.slackId : null;
}

/** The ledger as the sweep leaves it: the rows it read, with the changes it wrote back. */
export function homeSnapshot(
  rows: readonly LedgerRow[],
  changes: readonly RowChange[],
  owners: ReadonlyMap<LedgerRow, string | null>,
  report: SweepReport,
  finishedAt: Date,
  noticeDays: number,
): HomeSnapshot {
  const oldest = addDays(report.today, -DELETED_ROWS_KEPT_DAYS);
  const changed = new Map(changes.map((change) => [change.rowNumber, change]));
  return {
    summary: {
      ...sweepOutcome(report),
      finishedAt: finishedAt.toISOString(),
      noticeDays,
    },
    rows: rows
      .map((row) => ({
        row,
        status: changed.get(row.rowNumber)?.status ?? row.status,
        endDate: changed.get(row.rowNumber)?.endDate ?? row.endDate,
      }))
      .filter(({ status, endDate }) => status !== 'deleted' || endDate >= oldest)
      .map(({ row, status, endDate }) => ({
        rowNumber: row.rowNumber,
        name: row.name,
        iamUser: row.iamUser,
        accessKeyId: row.accessKeyId,
        accountId: row.accountId,
        endDate,
        status,
        ownerSlackId: owners.get(row) ?? null,
      })),
  };
}

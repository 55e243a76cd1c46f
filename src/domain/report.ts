import type { ActionDetail } from './action-detail';
import type { ReportRowProblem } from './credential-report';
import type { LocalDate } from './dates';
import type { FindingKind } from './hygiene';
import { type CellWrite, type ColumnMap, type LedgerRow, malformedRows, type RowProblem } from './ledger';
import type { UnreadMuteTag } from './mutes';
import type { Action, Skip } from './planner';
import { type Language, type RowStatus, statusLabel } from './status';

export type Mode = 'dry-run' | 'apply';

/** What became of one planned action: only planned (a dry run), done, or failed. */
export type ActionOutcome = 'planned' | 'done' | 'failed';

export interface ActionResult {
  readonly action: Action;
  readonly outcome: ActionOutcome;
  /** What happened, as facts the catalogue words (`Messages.reasons.action`). */
  readonly detail: ActionDetail;
}

/** A stale key named by the credential report (user and slot), and what became of it. */
export interface StaleKeyOutcome {
  readonly userName: string;
  readonly slot: number;
  readonly outcome:
    | 'planned'
    | 'deactivated'
    | 'already-deactivated'
    | 'already-inactive'
    | 'user-gone'
    | 'no-live-key';
}

export interface HygieneSummary {
  /** When IAM generated the credential report (it may be up to four hours old). */
  readonly generatedAt: string;
  readonly counts: Readonly<Record<FindingKind, number>>;
  readonly total: number;
  /** New in their window this run (muted ones not counted). */
  readonly fresh: number;
  /** Muted, or of protected users: no DM, no admin ping. */
  readonly muted: number;
  /** Owner DMs sent: one per owner, however many findings it lists. */
  readonly notified: number;
  /** Findings those DMs listed. */
  readonly notifiedFindings: number;
  /** Stale keys the hygiene checks deactivate (a dry run: would deactivate), and how each went. */
  readonly deactivated: readonly StaleKeyOutcome[];
  /** Report rows that could not be read. */
  readonly problems: readonly ReportRowProblem[];
  /** `keywarden:mute` tags that could not be read (they mute nothing). */
  readonly unreadMuteTags: readonly UnreadMuteTag[];
}

/** Requests awaiting issuance (no IAM user or key yet): counted, never acted on. */
export interface PendingSummary {
  /** Every pending row, by row number. */
  readonly rows: readonly number[];
  readonly total: number;
  /** Submitted `reportDays` or more ago. */
  readonly stale: number;
  readonly reportDays: number;
  /** Rows the admins were reminded of this sweep (or, in a dry run, would be). */
  readonly reminded: readonly number[];
  readonly outcome: 'none' | 'planned' | 'done' | 'failed';
  readonly error?: string;
}

export interface AccountOutcome {
  readonly account: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly hygiene?: HygieneSummary | { readonly error: string };
}

export interface SweepReport {
  readonly sweepId: string;
  readonly mode: Mode;
  readonly today: LocalDate;
  readonly ledger: string;
  readonly results: readonly ActionResult[];
  readonly skips: readonly Skip[];
  readonly problems: readonly RowProblem[];
  /** Absent when the ledger has no pending rows (and in reports made before there were any). */
  readonly pending?: PendingSummary;
  readonly ledgerCellsWritten: number;
  readonly durationMs: number;
  readonly hygiene?: HygieneSummary | { readonly error: string };
  /** Per account, when the sweep covers more than one. */
  readonly accounts?: readonly AccountOutcome[];
  /** Present when the sweep was asked to stop (or lost its lock) and left actions unstarted. */
  readonly stopped?: { readonly reason: string };
}

export function rowsOf(action: Action): readonly LedgerRow[] {
  return action.kind === 'teardown-user' || action.kind === 'deactivate-user' ? action.rows : [action.row];
}

const DELETES: ReadonlySet<Action['kind']> = new Set([
  'teardown-user',
  'delete-key',
  'finish-teardown',
  'record-deleted',
]);

export interface RowChange {
  readonly rowNumber: number;
  readonly status?: RowStatus;
  readonly endDate?: LocalDate;
}

/** The ledger cells a set of changes touches; columns the sheet lacks are left alone. */
export function ledgerWrites(
  changes: readonly RowChange[],
  columns: ColumnMap,
  language: Language,
): CellWrite[] {
  return changes.flatMap((change) => {
    const writes: CellWrite[] = [];
    if (change.status !== undefined && columns.status !== undefined)
      writes.push({
        rowNumber: change.rowNumber,
        column: columns.status,
        value: statusLabel(change.status, language),
      });
    if (change.endDate !== undefined && columns.endDate !== undefined)
      writes.push({
        rowNumber: change.rowNumber,
        column: columns.endDate,
        date: change.endDate,
      });
    return writes;
  });
}

/** Rows whose key is gone after this sweep: their status becomes "deleted". */
export function deletedRows(results: readonly ActionResult[]): RowChange[] {
  return results
    .filter((result) => result.outcome === 'done' && DELETES.has(result.action.kind))
    .flatMap((result) =>
      rowsOf(result.action).map((row) => ({ rowNumber: row.rowNumber, status: 'deleted' as const })),
    );
}

/**
 * Keys a final notice has put on a date, by date: those warned by this sweep (or, in a dry
 * run, that would be) and those already waiting. What the admins read as "N keys will be
 * deleted on <date>".
 */
export function scheduledDeletions(
  report: Pick<SweepReport, 'results' | 'skips'>,
): { readonly deleteOn: LocalDate; readonly count: number }[] {
  const dates = [
    ...report.results.flatMap(({ action, outcome }) =>
      action.kind === 'notify-final' && outcome !== 'failed' ? [action.deleteOn] : [],
    ),
    ...report.skips.flatMap((skip) => (skip.deleteOn ? [skip.deleteOn] : [])),
  ];
  return [...Map.groupBy(dates, (date) => date)]
    .map(([deleteOn, all]) => ({ deleteOn, count: all.length }))
    .sort((a, b) => a.deleteOn.localeCompare(b.deleteOn));
}

export function countByKind(results: readonly ActionResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { action, outcome } of results) {
    const key = `${action.kind}:${outcome}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/**
 * What went wrong in a sweep that ran to its end: each failed action, each account that could
 * not be swept, and a credential report that could not be had. Each is a duty left undone (a
 * key not torn down, an owner not warned, an account or the hygiene checks not looked at),
 * which the next sweep retries but a person should know about. Skips and malformed rows are
 * not failures: the sweep did what a sweep should with them, refuse and tell the admins.
 */
export function failureCount(report: SweepReport): number {
  return (
    report.results.filter((result) => result.outcome === 'failed').length +
    (report.accounts ?? []).filter((account) => !account.ok).length +
    (report.hygiene && 'error' in report.hygiene ? 1 : 0) +
    // The first account's checks are `report.hygiene` above; a member account's count here.
    (report.accounts ?? []).slice(1).filter((account) => account.hygiene && 'error' in account.hygiene)
      .length +
    (report.pending?.outcome === 'failed' ? 1 : 0)
  );
}

export type SweepVerdict = 'succeeded' | 'failed' | 'stopped';

/**
 * The one definition of a failed sweep, which every entry point reports from: the CLI's exit
 * code, the Lambda's result and its "sweep succeeded" heartbeat (the alarm counts those),
 * serve's log line. A sweep that stopped early (asked to, or its lock lost) is neither: its
 * unstarted work is for the next sweep, and it must not count as a success either.
 */
export function sweepVerdict(report: SweepReport): SweepVerdict {
  if (report.stopped) return 'stopped';
  return failureCount(report) > 0 ? 'failed' : 'succeeded';
}

/** The one log line a sweep ends with: what happened, by kind, and how long it took. */
export function summaryFields(report: SweepReport): Record<string, unknown> {
  return {
    sweepId: report.sweepId,
    mode: report.mode,
    today: report.today,
    verdict: sweepVerdict(report),
    actions: countByKind(report.results),
    failed: failureCount(report),
    attention: report.skips.filter((s) => s.attention).length,
    malformed: malformedRows(report.problems).length,
    pending: report.pending?.total ?? 0,
    ledgerCellsWritten: report.ledgerCellsWritten,
    durationMs: report.durationMs,
    ...(report.accounts
      ? { accountsFailed: report.accounts.filter((a) => !a.ok).map((a) => a.account) }
      : {}),
    ...(report.hygiene
      ? { hygiene: 'error' in report.hygiene ? { error: report.hygiene.error } : report.hygiene.counts }
      : {}),
    ...(report.stopped ? { stopped: report.stopped.reason } : {}),
  };
}

import type { ActionDetail } from './action-detail';
import type { ReportRowProblem } from './credential-report';
import type { LocalDate } from './dates';
import { FINDING_KINDS, type FindingKind } from './hygiene';
import { type CellWrite, type ColumnMap, type LedgerRow, malformedRows, type RowProblem } from './ledger';
import type { UnreadMuteTag } from './mutes';
import type { Action, Skip } from './planner';
import { type Language, type RowStatus, statusLabel } from './status';
import { type StopReason, stopReasonEnglish } from './stop-reason';

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
  /** Not ok because this account's step stopped on its own (its Lambda near its timeout); the run went on. */
  readonly stopped?: StopReason;
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
  /**
   * Rows (by the number they were read at) whose write-back was withheld: they no longer held
   * the access key they were read with when the sweep wrote back. The next sweep writes them.
   */
  readonly ledgerRowsMoved?: readonly number[];
  readonly durationMs: number;
  readonly hygiene?: HygieneSummary | { readonly error: string };
  /** Per account, when the sweep covers more than one. */
  readonly accounts?: readonly AccountOutcome[];
  /** Present when the sweep was asked to stop (or lost its lock) and left actions unstarted. */
  readonly stopped?: { readonly reason: StopReason };
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

/** What a sweep came to, counted: the log line's and the Home tab's figures alike. */
export function sweepOutcome(report: SweepReport) {
  return {
    sweepId: report.sweepId,
    today: report.today,
    verdict: sweepVerdict(report),
    actions: countByKind(report.results),
    failed: failureCount(report),
    attention: report.skips.filter((s) => s.attention).length,
    malformed: malformedRows(report.problems).length,
  };
}

/** The one log line a sweep ends with: what happened, by kind, and how long it took. */
export function summaryFields(report: SweepReport): Record<string, unknown> {
  return {
    ...sweepOutcome(report),
    mode: report.mode,
    pending: report.pending?.total ?? 0,
    ledgerCellsWritten: report.ledgerCellsWritten,
    durationMs: report.durationMs,
    ...(report.accounts
      ? { accountsFailed: report.accounts.filter((a) => !a.ok).map((a) => a.account) }
      : {}),
    ...hygieneFields(report),
    ...(report.stopped ? { stopped: stopReasonEnglish(report.stopped.reason) } : {}),
  };
}

export type AccountHygieneResult = HygieneSummary | { readonly error: string };

/** One account's hygiene checks, as a sweep over several accounts reports them. */
export interface AccountHygiene {
  readonly account: string;
  readonly hygiene: AccountHygieneResult;
}

/**
 * Every account's hygiene checks, in account order: each account's when the sweep covers
 * several, else the one account's (its id unknown: `account` is empty). Accounts with no
 * checks (no credential report, or the account itself failed) are not listed.
 */
export function hygieneByAccount(report: Pick<SweepReport, 'accounts' | 'hygiene'>): AccountHygiene[] {
  if (report.accounts)
    return report.accounts.flatMap(({ account, hygiene }) => (hygiene ? [{ account, hygiene }] : []));
  return report.hygiene ? [{ account: '', hygiene: report.hygiene }] : [];
}

/** Every checked account's figures added up, and how many accounts were checked or not. */
export interface HygieneTotals
  extends Pick<HygieneSummary, 'counts' | 'total' | 'fresh' | 'muted' | 'notified' | 'notifiedFindings'> {
  readonly checked: number;
  readonly notChecked: number;
  /** Stale keys deactivated, or planned to be in a dry run: the changes hygiene made to IAM. */
  readonly deactivated: number;
}

export function hygieneTotals(accounts: readonly AccountHygiene[]): HygieneTotals {
  const counts = Object.fromEntries(FINDING_KINDS.map((kind) => [kind, 0])) as Record<FindingKind, number>;
  const totals = {
    checked: 0,
    notChecked: 0,
    total: 0,
    fresh: 0,
    muted: 0,
    notified: 0,
    notifiedFindings: 0,
    deactivated: 0,
  };
  for (const { hygiene } of accounts) {
    if ('error' in hygiene) {
      totals.notChecked += 1;
      continue;
    }
    totals.checked += 1;
    for (const kind of FINDING_KINDS) counts[kind] += hygiene.counts[kind];
    totals.total += hygiene.total;
    totals.fresh += hygiene.fresh;
    totals.muted += hygiene.muted;
    totals.notified += hygiene.notified;
    totals.notifiedFindings += hygiene.notifiedFindings;
    totals.deactivated += iamChanges(hygiene);
  }
  return { ...totals, counts };
}

/** Stale keys the checks deactivated, or would have in a dry run; the other outcomes changed nothing. */
function iamChanges(hygiene: HygieneSummary): number {
  return hygiene.deactivated.filter((key) => key.outcome === 'deactivated' || key.outcome === 'planned')
    .length;
}

/**
 * The accounts worth a line in a report over many accounts: those not checked first, then
 * those whose IAM the checks changed (stale keys deactivated), most first, then those with
 * findings, most new findings first; accounts with nothing to say are left to the totals, so a
 * report over 1,000 accounts stays readable.
 */
export function hygieneWorthListing(accounts: readonly AccountHygiene[]): AccountHygiene[] {
  const errored = ({ hygiene }: AccountHygiene) => ('error' in hygiene ? 1 : 0);
  const changed = ({ hygiene }: AccountHygiene) => ('error' in hygiene ? 0 : iamChanges(hygiene));
  const fresh = ({ hygiene }: AccountHygiene) => ('error' in hygiene ? 0 : hygiene.fresh);
  // Array#sort is stable: accounts alike keep account order.
  return accounts
    .filter(({ hygiene }) => 'error' in hygiene || hygiene.total > 0 || hygiene.deactivated.length > 0)
    .sort((a, b) => errored(b) - errored(a) || changed(b) - changed(a) || fresh(b) - fresh(a));
}

/** The log line's hygiene: the one account's counts, or over several accounts their sum and those not checked. */
function hygieneFields(report: SweepReport): Record<string, unknown> {
  if (!report.accounts) {
    if (!report.hygiene) return {};
    return { hygiene: 'error' in report.hygiene ? { error: report.hygiene.error } : report.hygiene.counts };
  }
  const accounts = hygieneByAccount(report);
  if (accounts.length === 0) return {};
  const notChecked = accounts.filter(({ hygiene }) => 'error' in hygiene).map(({ account }) => account);
  return {
    hygiene: hygieneTotals(accounts).counts,
    ...(notChecked.length > 0 ? { hygieneNotChecked: notChecked } : {}),
  };
}

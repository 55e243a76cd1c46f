import { randomUUID } from 'node:crypto';
import { accountKey, accountLedgers, HOME_ACCOUNT, ownLedger } from '../domain/accounts';
import { dateInZone, type LocalDate, parseIsoDate } from '../domain/dates';
import { type HomeSnapshot, homeSnapshot, ownerByNameOnly, ownerSlackIdOf } from '../domain/home';
import { contestedKeys } from '../domain/key-holders';
import {
  type CellWrite,
  type Grid,
  type Ledger,
  type LedgerRow,
  parseLedger,
  withCopies,
} from '../domain/ledger';
import { DEFAULT_PENDING_REPORT_DAYS } from '../domain/pending';
import { PeopleDirectory, parsePeople } from '../domain/people';
import {
  type Action,
  emailLookups,
  type JournalViewEntry,
  journalKeysFor,
  type PlanInput,
  plan,
  type Skip,
} from '../domain/planner';
import {
  type AccountOutcome,
  type ActionResult,
  deletedRows,
  type HygieneSummary,
  ledgerWrites,
  type Mode,
  type PendingSummary,
  type SweepReport,
} from '../domain/report';
import type { SkipDetail } from '../domain/skip-detail';
import { type StopReason, stopReasonEnglish, stopReasonOf } from '../domain/stop-reason';
import { instantOn, sweepDateRefusal } from '../domain/sweep-date';
import { holderView, SweepDateError, SweepLockedError } from '../domain/sweep-lock';
import type { AccountRun, AccountSweep, SweepRun } from '../domain/sweep-run';
import { type WriteBack, writeBack } from '../domain/write-back';
import type { AccountTarget } from '../ports/accounts';
import type { JournalEntry } from '../ports/state';
import type { Tables } from '../ports/workbook';
import { mapWithConcurrency } from '../util/concurrency';
import { errorMessage } from '../util/errors';
import {
  type AccountDeps,
  accountDeps,
  DEFAULT_ACCOUNT_CONCURRENCY,
  executorDeps,
  type HygieneSettings,
  homeTarget,
  type Sources,
  type SweepDeps,
  targetsOf,
} from './deps';
import { execute, executeRemovals } from './execute';
import { type HygieneRun, runHygiene } from './hygiene';
import { findKeyHolders } from './key-holders';
import { acquireLease, DEFAULT_LEASE } from './lease';
import { lookUpEmails } from './lookups';
import { remindPending } from './pending';

export interface SweepOptions {
  readonly mode: Mode;
  /** Plan as if today were this date (in the configured time zone). */
  readonly date?: LocalDate;
  /**
   * Aborted when someone wants the sweep to stop (SIGINT, SIGTERM, a Lambda running out of
   * time): it stops at the next safe point, between actions and never inside a teardown, then
   * writes back what it did, reports and releases the lock. The reason is shown as the cause.
   */
  readonly stop?: AbortSignal;
  /** Told as each account's sweep begins (1-based), for a progress line over many accounts. */
  readonly onAccount?: (progress: {
    readonly account: string;
    readonly n: number;
    readonly of: number;
  }) => void;
  /** Told as each account's sweep ends without an error (the benchmark times accounts with these two). */
  readonly onAccountDone?: (account: string) => void;
}

export const LOCK_NAME = 'sweep';

/** An apply run for a day that has not come yet stops here, before anything is read or changed. */
export function refuseDayToCome(
  deps: Pick<SweepDeps, 'timeZone' | 'language'>,
  options: Pick<SweepOptions, 'mode' | 'date'>,
  started: Date,
): void {
  const refusal = sweepDateRefusal(options.mode, options.date, dateInZone(started, deps.timeZone));
  if (refusal) throw new SweepDateError(refusal);
}

/** load → plan → execute → write back → report. */
export async function runSweep(deps: SweepDeps, options: SweepOptions): Promise<SweepReport> {
  const started = deps.now();
  refuseDayToCome(deps, options, started);
  const sweepId = randomUUID();
  // A dry run changes nothing, so it needs no lock and may run beside a live sweep.
  if (options.mode === 'dry-run') return sweep(deps, options, sweepId, started, options.stop);

  const acquired = await acquireLease({
    lock: deps.lock,
    name: LOCK_NAME,
    owner: sweepId,
    settings: deps.lease ?? DEFAULT_LEASE,
    now: deps.now,
    ...(deps.process ? { process: deps.process } : {}),
  });
  if ('holder' in acquired)
    throw new SweepLockedError(acquired.holder ? holderView(acquired.holder, started) : null);
  const { lease } = acquired;
  // Losing the lock is a reason to stop like any other: another sweep may be starting.
  const stop = options.stop ? AbortSignal.any([options.stop, lease.lost]) : lease.lost;
  try {
    const report = await sweep(deps, options, sweepId, started, stop);
    await announceApply(deps, report);
    return report;
  } finally {
    await lease.release();
  }
}

/** An apply run's end, wherever it ran: an early stop audited, the report to the admins. */
export async function announceApply(deps: SweepDeps, report: SweepReport): Promise<void> {
  if (report.stopped)
    await deps.audit.record({
      at: deps.now().toISOString(),
      actor: `sweep:${report.sweepId}`,
      action: 'sweep-stopped',
      target: 'sweep',
      outcome: 'skipped',
      detail: `stopped early at a safe point: ${stopReasonEnglish(report.stopped.reason)}`,
    });
  await deps.notifier.sweepReport(report);
}

/** Adds what only some rows need: journal entries and Slack ids for emails. */
export async function completeInput(
  deps: AccountDeps,
  sources: Sources,
  today: LocalDate,
): Promise<PlanInput> {
  const scope = { ...sources, today, policy: deps.policy };
  const contested = contestedKeys({ rows: sources.ledger.rows, today, noticeDays: deps.policy.noticeDays });
  const [journal, emailToSlackId, keyHolders] = await Promise.all([
    deps.journal.getMany(journalKeysFor(scope)),
    lookUpEmails(deps.slackDirectory, emailLookups(scope)),
    findKeyHolders(deps.iam, contested),
  ]);
  const realToday = dateInZone(deps.now(), deps.timeZone);
  return {
    ...scope,
    noticeDay: today > realToday ? today : realToday,
    emailToSlackId,
    keyHolders,
    journal: new Map([...journal].map(([key, entry]) => [key, journalView(entry, deps.timeZone)])),
  };
}

/** What the planner reads of an entry: its state, and the days a notice's warning counts from. */
function journalView(entry: JournalEntry, timeZone: string): JournalViewEntry {
  const deleteOn = parseIsoDate(String((entry.detail as { deleteOn?: unknown } | undefined)?.deleteOn ?? ''));
  return {
    state: entry.state,
    action: entry.action,
    ...(entry.completedAt ? { completedOn: dateInZone(new Date(entry.completedAt), timeZone) } : {}),
    ...(deleteOn ? { deleteOn } : {}),
  };
}

/**
 * What a step reads: the ledger and the people table as they were read once, parsed. The
 * first and last steps see the whole ledger; an account's step only its part (`accountLedgers`).
 */
export interface SweepInput {
  readonly ledger: Ledger;
  readonly directory: PeopleDirectory;
}

/** A prepared run: the accounts to sweep, by `accountKey`, in the order results are folded. */
export interface PreparedSweep {
  readonly run: SweepRun;
  readonly accounts: readonly string[];
  /** The tables as read, for steps that run in other processes (Step Functions). */
  readonly tables: Tables;
  readonly input: SweepInput;
  /** Each account's part of the ledger, by `accountKey`: all an account's step reads of it. */
  readonly parts: ReadonlyMap<string, Ledger>;
}

/** The tables parsed as the first and last steps of one sweep see them. */
export function sweepInputOf(deps: SweepDeps, tables: Tables): SweepInput {
  return { ledger: parseLedger(tables.ledger, deps.ledgerColumns), directory: directoryOf(tables.people) };
}

/** What an account's step reads: its part of the ledger, and the people table parsed. */
export function accountInputOf(part: Ledger, people: Grid): SweepInput {
  return { ledger: part, directory: directoryOf(people) };
}

function directoryOf(people: Grid): PeopleDirectory {
  return new PeopleDirectory(parsePeople(people).people);
}

/**
 * The first step: the one read of the ledger, split by account; the accounts; credential
 * reports asked for everywhere.
 */
export async function prepareSweep(
  deps: SweepDeps,
  options: Pick<SweepOptions, 'mode' | 'date'>,
  sweepId: string,
  started: Date,
  stop: AbortSignal | undefined,
): Promise<PreparedSweep> {
  const today = options.date ?? dateInZone(started, deps.timeZone);
  const tables = await deps.workbook.read();
  // Parsed before anything else is asked of any account: a ledger that cannot be read stops here.
  const input = sweepInputOf(deps, tables);
  const targets = await targetsOf(deps);
  const all = [targets.home, ...targets.others];
  const concurrency = deps.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY;
  // IAM takes seconds to generate a credential report: asked for in every account first, the
  // reports generate side by side while accounts are swept, and each account's poll finds its own ready.
  if (deps.hygiene && !stop?.aborted)
    await mapWithConcurrency(all, concurrency, async (target) => target.credentialReports?.request());
  return {
    run: {
      sweepId,
      mode: options.mode,
      today,
      started: started.toISOString(),
      severalAccounts: all.length > 1,
    },
    accounts: all.map(accountKey),
    tables,
    input,
    parts: accountLedgers(input.ledger, targets),
  };
}

async function sweep(
  deps: SweepDeps,
  options: SweepOptions,
  sweepId: string,
  started: Date,
  stop: AbortSignal | undefined,
): Promise<SweepReport> {
  const { run, accounts: all, input, parts } = await prepareSweep(deps, options, sweepId, started, stop);
  const concurrency = deps.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY;
  let begun = 0;
  const runs = await mapWithConcurrency(all, concurrency, async (account): Promise<AccountRun> => {
    // A stopped run starts no new account; those under way stop at their next safe point.
    if (stop?.aborted) return { kind: 'not-reached', account };
    try {
      options.onAccount?.({ account, n: ++begun, of: all.length });
      const part = { ...input, ledger: partOf(parts, account) };
      const swept = await sweepAccountStep(deps, run, part, account, stop);
      options.onAccountDone?.(account);
      return { kind: 'swept', swept };
    } catch (error) {
      // With one account there is nothing else to do: fail loudly, before anything was written.
      if (all.length === 1) throw error;
      return { kind: 'failed', account, error: errorMessage(error) };
    }
  });
  return finishSweep(deps, run, input, runs, stop?.aborted ? stopReasonOf(stop.reason) : undefined);
}

/** An account's part of the ledger: every account the run lists has one, if only empty. */
function partOf(parts: ReadonlyMap<string, Ledger>, account: string): Ledger {
  const part = parts.get(account);
  if (!part) throw new Error(`the sweep has no part of the ledger for AWS account ${account}`);
  return part;
}

/**
 * The last step: every account's outcome folded (in account order, whichever finished first),
 * one write-back to the ledger, pending reminders, the report and the Home tab's snapshot.
 * `stopped`: why the run as a whole stopped early. An account that stopped on its own (its
 * Lambda invocation near its timeout) is that account's outcome, not ok: what it did is
 * written back, the rest is the next sweep's, and the other accounts' run is whole. The only
 * account's stop is the run's.
 */
export async function finishSweep(
  deps: SweepDeps,
  run: SweepRun,
  input: SweepInput,
  runs: readonly AccountRun[],
  stopped?: StopReason,
): Promise<SweepReport> {
  const { ledger, directory } = input;
  const today = run.today;
  const byNumber = new Map(
    [...ledger.rows, ...ledger.duplicates.map((copy) => copy.row)].map((row) => [row.rowNumber, row]),
  );
  const results: ActionResult[] = [];
  const skips: Skip[] = [];
  const accounts: AccountOutcome[] = [];
  const covered = new Set<LedgerRow>();
  const owners = new Map<LedgerRow, string | null>();
  const notReached = new Set<string>();
  let stoppedBy = stopped;
  for (const accountRun of runs) {
    if (accountRun.kind === 'not-reached') {
      notReached.add(accountRun.account);
      continue;
    }
    if (accountRun.kind === 'failed') {
      accounts.push({ account: accountRun.account, ok: false, error: accountRun.error });
      continue;
    }
    // Rows by their number: an account swept in another process holds copies of them.
    const swept = relinkAccountSweep(accountRun.swept, byNumber);
    for (const row of swept.rows) covered.add(row);
    for (const [row, owner] of swept.owners) owners.set(row, owner);
    results.push(...swept.results);
    skips.push(...swept.skips);
    if (runs.length === 1) stoppedBy ??= swept.stopped;
    const ownStop = stopped === undefined && runs.length > 1 ? swept.stopped : undefined;
    accounts.push({
      account: swept.account,
      ok: ownStop === undefined,
      ...(ownStop !== undefined ? { stopped: ownStop } : {}),
      ...(swept.hygiene ? { hygiene: swept.hygiene } : {}),
    });
  }
  skips.push(...uncovered(ledger.rows, covered, accounts, notReached));

  // Every account's changes go back to the ledger in one write.
  const changes = withCopies(deletedRows(results), ledger.duplicates);
  const planned = ledgerWrites(changes, ledger.columns, deps.language);
  const { writes, moved } =
    run.mode === 'apply' && planned.length > 0
      ? await writeBackInPlace(deps, ledger, byNumber, planned)
      : { writes: planned, moved: [] };
  const hygiene = accounts[0]?.hygiene;
  const pending =
    stoppedBy !== undefined ? undefined : await pendingOf(deps, ledger.pending, today, run.mode, run.sweepId);

  const report: SweepReport = {
    sweepId: run.sweepId,
    mode: run.mode,
    today,
    ledger: deps.workbook.description,
    results,
    skips,
    problems: ledger.problems,
    ...(pending ? { pending } : {}),
    ledgerCellsWritten: run.mode === 'apply' ? writes.length : 0,
    ...(moved.length > 0 ? { ledgerRowsMoved: moved } : {}),
    durationMs: deps.now().getTime() - new Date(run.started).getTime(),
    ...(runs.length > 1 ? { accounts } : {}),
    ...(hygiene ? { hygiene } : {}),
    ...(stoppedBy !== undefined ? { stopped: { reason: stoppedBy } } : {}),
  };
  if (run.mode === 'apply' && deps.homeSnapshots) {
    for (const row of ledger.rows) if (!owners.has(row)) owners.set(row, ownerByNameOnly(row, directory));
    const snapshot = homeSnapshot(ledger.rows, changes, owners, report, deps.now(), deps.policy.noticeDays);
    await saveHomeSnapshot(deps, snapshot);
  }
  return report;
}

/** Writes back only to rows that still hold the key they were read with (`writeBack`). */
async function writeBackInPlace(
  deps: SweepDeps,
  ledger: Ledger,
  byNumber: ReadonlyMap<number, LedgerRow>,
  planned: readonly CellWrite[],
): Promise<WriteBack> {
  const column = ledger.columns.accessKeyId;
  const keyColumn = column === undefined ? [] : await deps.workbook.readColumn(column);
  const checked = writeBack(planned, byNumber, keyColumn);
  if (checked.writes.length > 0) await deps.workbook.write(checked.writes);
  return checked;
}

/** The Home tab is a view: a snapshot that cannot be stored is audited, never a failed sweep. */
async function saveHomeSnapshot(deps: SweepDeps, snapshot: HomeSnapshot): Promise<void> {
  const store = deps.homeSnapshots;
  if (!store) return;
  await store.save(snapshot).catch((error: unknown) =>
    deps.audit.record({
      at: deps.now().toISOString(),
      actor: `sweep:${snapshot.summary.sweepId}`,
      action: 'home-snapshot',
      target: 'slack home tab',
      outcome: 'failed',
      detail: errorMessage(error),
    }),
  );
}

/** An account's sweep with the ledger's own row objects (and key dates) in place of copies. */
interface LinkedAccountSweep extends Omit<AccountSweep, 'rows' | 'owners'> {
  readonly rows: readonly LedgerRow[];
  readonly owners: ReadonlyMap<LedgerRow, string | null>;
}

function relinkAccountSweep(
  swept: AccountSweep,
  byNumber: ReadonlyMap<number, LedgerRow>,
): LinkedAccountSweep {
  const numbered = (n: number): LedgerRow => {
    const own = byNumber.get(n);
    // The last step parses the same tables the account's step did: a missing row is a bug.
    if (!own) throw new Error(`ledger row ${n} is not in the ledger this sweep read`);
    return own;
  };
  // A row a result names that the fold does not look up by identity may keep its copy: losing
  // every account's write-back over it would be worse. One that names another key by the same
  // number was read from another read of the ledger (two Prepare attempts at once): writing
  // back by number would mark the wrong request, so nothing is.
  const row = (copy: LedgerRow): LedgerRow => {
    const own = byNumber.get(copy.rowNumber);
    if (own && (own.accessKeyId !== copy.accessKeyId || own.iamUser !== copy.iamUser))
      throw new Error(
        `ledger row ${copy.rowNumber} is not the row account ${swept.account} was swept with: ` +
          'the steps of this sweep read different versions of the ledger; nothing is written back, the next sweep does it',
      );
    return own ?? copy;
  };
  const relinkAction = (action: Action): Action => {
    const withRows = 'rows' in action ? { ...action, rows: action.rows.map(row) } : action;
    const withRow = 'row' in withRows ? { ...withRows, row: row(withRows.row) } : withRows;
    if (!('accessKey' in withRow) || withRow.accessKey.createdAt === undefined) return withRow;
    return {
      ...withRow,
      accessKey: { ...withRow.accessKey, createdAt: new Date(withRow.accessKey.createdAt) },
    };
  };
  return {
    ...swept,
    rows: swept.rows.map(numbered),
    owners: new Map(swept.owners.map(([n, owner]) => [numbered(n), owner])),
    results: swept.results.map((result) => ({ ...result, action: relinkAction(result.action) })),
    skips: swept.skips.map((skip) => ({ ...skip, row: row(skip.row) })),
  };
}

/**
 * One account's step: its part of the ledger (`input`), its own IAM, the same journal, planner
 * and executor. `account` is the run's `accountKey` for it.
 */
export async function sweepAccountStep(
  deps: SweepDeps,
  run: SweepRun,
  input: SweepInput,
  account: string,
  stop: AbortSignal | undefined,
): Promise<AccountSweep> {
  // The first step listed the accounts; reached by id, an account's step lists nothing.
  const target = account === HOME_ACCOUNT ? homeTarget(deps) : deps.accounts?.reach(account);
  if (!target) throw new Error(`AWS account ${account} is not one this sweep covers: ACCOUNTS is not set`);
  return sweepAccount(deps, run, target, input, stop);
}

/** One account: its part of the ledger, its own IAM, the same journal, planner and executor. */
async function sweepAccount(
  deps: SweepDeps,
  { today, mode, sweepId, severalAccounts }: SweepRun,
  target: AccountTarget,
  shared: SweepInput,
  stop: AbortSignal | undefined,
): Promise<AccountSweep> {
  const inventory = await target.iam.inventory();
  const accountId = target.id ?? inventory.accountId;
  const ledger = ownLedger(shared.ledger, accountId);
  const { rows } = ledger;
  const account = accountDeps(deps, target);
  const sources = { ...shared, ledger, iam: inventory };
  const input = await completeInput(account, sources, today);
  const planned = plan(input);
  const executor = executorDeps(account, {
    mode,
    sweepId,
    actor: `sweep:${sweepId}`,
    ...(stop ? { stop } : {}),
    // The admins' grouped copies name their account when there are several, the home one too.
    ...(severalAccounts && accountId ? { namedAccount: accountId } : {}),
  });
  // Notices go out before any removal: they are time-sensitive and a removal may be slow or fail.
  const noticed = await execute(planned.actions, executor);
  const staging = deps.stagedRemoval ? { today, policy: deps.stagedRemoval } : undefined;
  const removed = await executeRemovals(planned.removals, executor, staging);
  const reports = account.credentialReports;
  // Only a dry run looks at another day's hygiene: an apply run DMs now, in today's windows.
  const asOf =
    mode === 'dry-run' && today !== dateInZone(deps.now(), deps.timeZone)
      ? instantOn(today, deps.now(), deps.timeZone)
      : undefined;
  const run = {
    mode,
    sweepId,
    ...(stop ? { stop } : {}),
    ...(asOf ? { asOf } : {}),
    // Owners and admins told of findings in several accounts are told which one.
    ...(severalAccounts ? { account: accountId ?? HOME_ACCOUNT } : {}),
  };
  const hygiene =
    deps.hygiene && reports && !stop?.aborted
      ? await hygieneOf({ ...account, credentialReports: reports }, deps.hygiene, input, run)
      : undefined;
  return {
    account: accountId ?? HOME_ACCOUNT,
    rows: rows.map((row) => row.rowNumber),
    owners: rows.map((row) => [row.rowNumber, ownerSlackIdOf(row, input)] as const),
    results: [...noticed, ...removed.results],
    skips: [...planned.skips, ...removed.skips],
    ...(hygiene ? { hygiene } : {}),
    ...(stop?.aborted ? { stopped: stopReasonOf(stop.reason) } : {}),
  };
}

/** Rows naming an account no target covers, or whose account failed, are flagged, never lost. */
function uncovered(
  rows: readonly LedgerRow[],
  covered: ReadonlySet<LedgerRow>,
  accounts: readonly AccountOutcome[],
  notReached: ReadonlySet<string>,
): Skip[] {
  const failed = new Map(accounts.filter((a) => !a.ok).map((a) => [a.account, a.error]));
  const why = (account: string): SkipDetail => {
    const error = failed.get(account);
    if (error) return { kind: 'account-failed', account, error };
    if (notReached.has(account)) return { kind: 'account-not-reached', account };
    return { kind: 'account-not-covered', account };
  };
  return rows
    .filter((row) => !covered.has(row))
    .map((row) => ({
      row,
      reason: 'other-account' as const,
      detail: why(row.accountId ?? HOME_ACCOUNT),
      attention: true,
    }));
}

/** A reminder that failed is reported with the sweep, never a reason to lose the sweep's report. */
async function pendingOf(
  deps: SweepDeps,
  rows: Parameters<typeof remindPending>[1],
  today: LocalDate,
  mode: Mode,
  sweepId: string,
): Promise<PendingSummary | undefined> {
  if (rows.length === 0) return undefined;
  const reportDays = deps.pendingReportDays ?? DEFAULT_PENDING_REPORT_DAYS;
  try {
    return await remindPending(deps, rows, { today, reportDays, mode, sweepId });
  } catch (error) {
    return {
      rows: rows.map((row) => row.rowNumber),
      total: rows.length,
      stale: 0,
      reportDays,
      reminded: [],
      outcome: 'failed',
      error: errorMessage(error),
    };
  }
}

/** A failed credential report must not undo or hide the ledger work: it is reported instead. */
async function hygieneOf(
  deps: Parameters<typeof runHygiene>[0],
  settings: HygieneSettings,
  sources: Parameters<typeof runHygiene>[2],
  run: HygieneRun,
): Promise<HygieneSummary | { readonly error: string }> {
  try {
    return await runHygiene(deps, settings, sources, run);
  } catch (error) {
    return { error: errorMessage(error) };
  }
}

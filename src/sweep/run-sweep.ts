import { randomUUID } from 'node:crypto';
import { dateInZone, type LocalDate, parseIsoDate } from '../domain/dates';
import { contestedKeys } from '../domain/key-holders';
import { type LedgerRow, parseLedger, withCopies } from '../domain/ledger';
import { PeopleDirectory, parsePeople } from '../domain/people';
import {
  emailLookups,
  type JournalViewEntry,
  journalKeysFor,
  type PlanInput,
  plan,
  type Skip,
  type SweepPolicy,
} from '../domain/planner';
import {
  type AccountOutcome,
  type ActionResult,
  deletedRows,
  type HygieneSummary,
  ledgerWrites,
  type Mode,
  type SweepReport,
} from '../domain/report';
import type { Language } from '../domain/status';
import { sweepDateRefusal } from '../domain/sweep-date';
import type { CredentialReportSource } from '../ports/credential-report';
import type { IamGateway } from '../ports/iam';
import type { Notifier } from '../ports/notifier';
import type { SlackDirectory } from '../ports/slack-directory';
import type { AuditLog, Journal, JournalEntry, SweepLock } from '../ports/state';
import type { Workbook } from '../ports/workbook';
import { errorMessage } from '../util/errors';
import { execute, executeRemovals } from './execute';
import { type HygieneSettings, runHygiene } from './hygiene';
import { findKeyHolders } from './key-holders';
import { lookUpEmails } from './lookups';

export interface SweepDeps {
  readonly workbook: Workbook;
  readonly iam: IamGateway;
  readonly journal: Journal;
  readonly lock: SweepLock;
  readonly audit: AuditLog;
  readonly notifier: Notifier;
  /** Resolves `Email` tags to Slack users; absent when Slack is not configured. */
  readonly slackDirectory?: SlackDirectory;
  readonly policy: SweepPolicy;
  /** Other accounts, reached by assuming a role in each; absent, only the credentials' own. */
  readonly accounts?: readonly AccountTarget[];
  /** Credential-report checks; absent, the sweep covers the ledger only. */
  readonly hygiene?: HygieneSettings;
  readonly timeZone: string;
  readonly language: Language;
  readonly now: () => Date;
}

/** One AWS account a sweep covers, beyond or instead of the credentials' own. */
export interface AccountTarget {
  /** `null`: the account the credentials belong to, which also takes rows without an account id. */
  readonly id: string | null;
  readonly iam: IamGateway;
  readonly credentialReports?: CredentialReportSource;
}

export interface SweepOptions {
  readonly mode: Mode;
  /** Plan as if today were this date (in the configured time zone). */
  readonly date?: LocalDate;
}

export class SweepLockedError extends Error {
  override readonly name = 'SweepLockedError';
}

/** An apply run asked for a day that has not come yet; nothing was read or changed. */
export class SweepDateError extends Error {
  override readonly name = 'SweepDateError';
}

const LOCK_NAME = 'sweep';
/** Longer than any sweep should take, short enough that a crashed holder does not block tomorrow's. */
const LOCK_TTL_SECONDS = 30 * 60;

/** load → plan → execute → write back → report. */
export async function runSweep(deps: SweepDeps, options: SweepOptions): Promise<SweepReport> {
  const started = deps.now();
  const refusal = sweepDateRefusal(options.mode, options.date, dateInZone(started, deps.timeZone));
  if (refusal) throw new SweepDateError(refusal);
  const sweepId = randomUUID();
  // A dry run changes nothing, so it needs no lock and may run beside a live sweep.
  if (options.mode === 'apply' && !(await deps.lock.acquire(LOCK_NAME, sweepId, LOCK_TTL_SECONDS, started)))
    throw new SweepLockedError('another sweep is running (DynamoDB lock "sweep" is held); try again later');
  try {
    const report = await sweep(deps, options, sweepId, started);
    if (options.mode === 'apply') await deps.notifier.sweepReport(report);
    return report;
  } finally {
    if (options.mode === 'apply') await deps.lock.release(LOCK_NAME, sweepId);
  }
}

export type Sources = Pick<PlanInput, 'ledger' | 'directory' | 'iam'>;

/** Adds what only some rows need: journal entries and Slack ids for emails. */
export async function completeInput(deps: SweepDeps, sources: Sources, today: LocalDate): Promise<PlanInput> {
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

async function sweep(
  deps: SweepDeps,
  options: SweepOptions,
  sweepId: string,
  started: Date,
): Promise<SweepReport> {
  const today = options.date ?? dateInZone(started, deps.timeZone);
  const tables = await deps.workbook.read();
  const ledger = parseLedger(tables.ledger);
  const directory = new PeopleDirectory(parsePeople(tables.people).people);
  const home: AccountTarget = {
    id: null,
    iam: deps.iam,
    ...(deps.hygiene ? { credentialReports: deps.hygiene.reports } : {}),
  };
  const targets = [home, ...(deps.accounts ?? [])];

  const results: ActionResult[] = [];
  const skips: Skip[] = [];
  const accounts: AccountOutcome[] = [];
  const covered = new Set<LedgerRow>();
  for (const target of targets) {
    const outcome = await sweepAccount(
      deps,
      target,
      { ledger, directory },
      today,
      options.mode,
      sweepId,
    ).catch((error: unknown) => {
      // With one account there is nothing else to do: fail loudly, before anything was written.
      if (targets.length === 1) throw error;
      return {
        account: target.id ?? 'default',
        error: errorMessage(error),
      };
    });
    if ('error' in outcome) {
      accounts.push({ account: outcome.account, ok: false, error: outcome.error });
      continue;
    }
    for (const row of outcome.rows) covered.add(row);
    results.push(...outcome.results);
    skips.push(...outcome.skips);
    accounts.push({
      account: outcome.account,
      ok: true,
      ...(outcome.hygiene ? { hygiene: outcome.hygiene } : {}),
    });
  }
  skips.push(...uncovered(ledger.rows, covered, accounts));

  // Every account's changes go back to the ledger in one write.
  const writes = ledgerWrites(
    withCopies(deletedRows(results), ledger.duplicates),
    ledger.columns,
    deps.language,
  );
  if (options.mode === 'apply' && writes.length > 0) await deps.workbook.write(writes);
  const hygiene = accounts[0]?.hygiene;

  return {
    sweepId,
    mode: options.mode,
    today,
    ledger: deps.workbook.description,
    results,
    skips,
    problems: ledger.problems,
    ledgerCellsWritten: options.mode === 'apply' ? writes.length : 0,
    durationMs: deps.now().getTime() - started.getTime(),
    ...(targets.length > 1 ? { accounts } : {}),
    ...(hygiene ? { hygiene } : {}),
  };
}

interface AccountSweep {
  readonly account: string;
  readonly rows: readonly LedgerRow[];
  readonly results: readonly ActionResult[];
  readonly skips: readonly Skip[];
  readonly hygiene?: HygieneSummary | { readonly error: string };
}

/** One account: its rows of the ledger, its own IAM, the same journal, planner and executor. */
async function sweepAccount(
  deps: SweepDeps,
  target: AccountTarget,
  shared: Pick<Sources, 'ledger' | 'directory'>,
  today: LocalDate,
  mode: Mode,
  sweepId: string,
): Promise<AccountSweep> {
  const inventory = await target.iam.inventory();
  const accountId = target.id ?? inventory.accountId;
  const rows = shared.ledger.rows.filter((row) =>
    target.id === null
      ? row.accountId === null || row.accountId === inventory.accountId
      : row.accountId === target.id,
  );
  const accountDeps = { ...deps, iam: target.iam };
  const duplicates = shared.ledger.duplicates.filter((copy) =>
    rows.some((row) => row.rowNumber === copy.governedBy),
  );
  const sources = { ...shared, ledger: { ...shared.ledger, rows, duplicates }, iam: inventory };
  const input = await completeInput(accountDeps, sources, today);
  const planned = plan(input);
  const executor = { ...accountDeps, mode, sweepId, actor: `sweep:${sweepId}` };
  // Notices go out before any removal: they are time-sensitive and a removal may be slow or fail.
  const noticed = await execute(planned.actions, executor);
  const removed = await executeRemovals(planned.removals, executor);
  const hygiene =
    deps.hygiene && target.credentialReports
      ? await hygieneOf(
          accountDeps,
          { ...deps.hygiene, reports: target.credentialReports },
          input,
          mode,
          sweepId,
        )
      : undefined;
  return {
    account: accountId ?? 'default',
    rows,
    results: [...noticed, ...removed.results],
    skips: [...planned.skips, ...removed.skips],
    ...(hygiene ? { hygiene } : {}),
  };
}

/** Rows naming an account no target covers, or whose account failed, are flagged, never lost. */
function uncovered(
  rows: readonly LedgerRow[],
  covered: ReadonlySet<LedgerRow>,
  accounts: readonly AccountOutcome[],
): Skip[] {
  const failed = new Map(accounts.filter((a) => !a.ok).map((a) => [a.account, a.error]));
  return rows
    .filter((row) => !covered.has(row))
    .map((row) => {
      const account = row.accountId ?? 'default';
      const error = failed.get(account);
      return {
        row,
        reason: 'other-account' as const,
        detail: error
          ? `AWS account ${account} could not be swept: ${error}`
          : `row is for AWS account ${account}, which this sweep does not cover`,
        attention: true,
      };
    });
}

/** A failed credential report must not undo or hide the ledger work: it is reported instead. */
async function hygieneOf(
  deps: SweepDeps,
  settings: HygieneSettings,
  sources: Parameters<typeof runHygiene>[2],
  mode: Mode,
  sweepId: string,
): Promise<HygieneSummary | { readonly error: string }> {
  try {
    return await runHygiene(deps, settings, sources, mode, sweepId);
  } catch (error) {
    return { error: errorMessage(error) };
  }
}

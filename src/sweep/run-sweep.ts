import { randomUUID } from 'node:crypto';
import { dateInZone, type LocalDate } from '../domain/dates';
import { parseLedger } from '../domain/ledger';
import { PeopleDirectory, parsePeople } from '../domain/people';
import {
  emailLookups,
  journalKeysFor,
  keyCheckUsers,
  type PlanInput,
  plan,
  type SweepPolicy,
} from '../domain/planner';
import {
  deletedRows,
  type HygieneSummary,
  ledgerWrites,
  type Mode,
  type SweepReport,
} from '../domain/report';
import type { Language } from '../domain/status';
import type { IamGateway } from '../ports/iam';
import type { Notifier } from '../ports/notifier';
import type { SlackDirectory } from '../ports/slack-directory';
import type { AuditLog, Journal, SweepLock } from '../ports/state';
import type { Workbook } from '../ports/workbook';
import { execute } from './execute';
import { type HygieneSettings, runHygiene } from './hygiene';
import { loadKeys, lookUpEmails } from './lookups';

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
  /** Credential-report checks; absent, the sweep covers the ledger only. */
  readonly hygiene?: HygieneSettings;
  readonly timeZone: string;
  readonly language: Language;
  readonly now: () => Date;
}

export interface SweepOptions {
  readonly mode: Mode;
  /** Plan as if today were this date (in the configured time zone). */
  readonly date?: LocalDate;
}

export class SweepLockedError extends Error {
  override readonly name = 'SweepLockedError';
}

const LOCK_NAME = 'sweep';
/** Longer than any sweep should take, short enough that a crashed holder does not block tomorrow's. */
const LOCK_TTL_SECONDS = 30 * 60;

/** load → plan → execute → write back → report. */
export async function runSweep(deps: SweepDeps, options: SweepOptions): Promise<SweepReport> {
  const started = deps.now();
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

/** The ledger, the people table and the IAM inventory: one Sheets read, a few IAM pages. */
export async function readSources(deps: SweepDeps): Promise<Sources> {
  // Independent reads run together; any failure rejects here and aborts before any action.
  const [tables, iam] = await Promise.all([deps.workbook.read(), deps.iam.inventory()]);
  const ledger = parseLedger(tables.ledger);
  const directory = new PeopleDirectory(parsePeople(tables.people).people);
  return { ledger, directory, iam };
}

export type Sources = Pick<PlanInput, 'ledger' | 'directory' | 'iam'>;

/** Adds what only some rows need: live keys, journal entries, Slack ids for emails. */
export async function completeInput(deps: SweepDeps, sources: Sources, today: LocalDate): Promise<PlanInput> {
  const scope = { ...sources, today, policy: deps.policy };
  const [liveKeys, journal, emailToSlackId] = await Promise.all([
    loadKeys(deps.iam, keyCheckUsers(scope)),
    deps.journal.getMany(journalKeysFor(scope)),
    lookUpEmails(deps.slackDirectory, emailLookups(scope)),
  ]);
  return {
    ...scope,
    liveKeys,
    emailToSlackId,
    journal: new Map([...journal].map(([key, entry]) => [key, { state: entry.state, action: entry.action }])),
  };
}

async function sweep(
  deps: SweepDeps,
  options: SweepOptions,
  sweepId: string,
  started: Date,
): Promise<SweepReport> {
  const today = options.date ?? dateInZone(started, deps.timeZone);
  const input = await completeInput(deps, await readSources(deps), today);
  const planned = plan(input);
  const results = await execute(planned.actions, {
    ...deps,
    mode: options.mode,
    sweepId,
    actor: `sweep:${sweepId}`,
  });

  const writes = ledgerWrites(deletedRows(results), input.ledger.columns, deps.language);
  if (options.mode === 'apply' && writes.length > 0) await deps.workbook.write(writes);
  const hygiene = deps.hygiene
    ? await hygieneOf(deps, deps.hygiene, input, options.mode, sweepId)
    : undefined;

  return {
    sweepId,
    mode: options.mode,
    today,
    ledger: deps.workbook.description,
    results,
    skips: planned.skips,
    problems: planned.problems,
    ledgerCellsWritten: options.mode === 'apply' ? writes.length : 0,
    durationMs: deps.now().getTime() - started.getTime(),
    ...(hygiene ? { hygiene } : {}),
  };
}

/** A failed credential report must not undo or hide the ledger work: it is reported instead. */
async function hygieneOf(
  deps: SweepDeps,
  settings: HygieneSettings,
  sources: Sources,
  mode: Mode,
  sweepId: string,
): Promise<HygieneSummary | { readonly error: string }> {
  try {
    return await runHygiene(deps, settings, sources, mode, sweepId);
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

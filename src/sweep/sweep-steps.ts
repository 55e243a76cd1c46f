import type { LocalDate } from '../domain/dates';
import type { Mode, SweepReport } from '../domain/report';
import type { StopReason } from '../domain/stop-reason';
import { holderView, SweepLockedError } from '../domain/sweep-lock';
import type { AccountRun, SweepRun } from '../domain/sweep-run';
import type { SweepRunStore } from '../ports/sweep-runs';
import { errorMessage } from '../util/errors';
import type { SweepDeps } from './deps';
import {
  accountInputOf,
  announceApply,
  finishSweep,
  LOCK_NAME,
  prepareSweep,
  refuseDayToCome,
  sweepAccountStep,
  sweepInputOf,
} from './run-sweep';

/**
 * The sweep's steps as Step Functions runs them, each in its own Lambda invocation: the same
 * phases `runSweep` runs in one process, with what they hand each other kept in a
 * `SweepRunStore` and only small JSON (the run, account ids, counts) in the execution's state.
 */

/**
 * How long the first step's lock lasts: no process lives through the whole run to renew it.
 * The state machine's timeout (an hour) plus the last step's Lambda timeout (15 minutes) and a
 * margin; a run that dies blocks the next one for at most this long (`keywarden unlock --force`
 * frees it sooner). test/unit/state-machine.test.ts holds serverless.yml to it.
 */
export const STEP_FUNCTIONS_LEASE_SECONDS = 5_400;

/**
 * How long after the run's start (the execution's) an account step may still begin: the
 * state machine's TimeoutSeconds (3,600) less Finish's Lambda timeout (900), AccountsSettle's
 * wait (330), one account step's timeout (300) and a margin. A step begun later does nothing
 * and its account is reported "not reached", so Finish always runs before the execution times
 * out. test/unit/state-machine.test.ts holds serverless.yml to it.
 */
export const STEP_FUNCTIONS_ACCOUNT_BUDGET_SECONDS = 2_000;

/** The first step's output: the run and the accounts the Map state iterates over. */
export interface PreparedRun {
  readonly run: SweepRun;
  readonly accounts: readonly string[];
  /** The admin who asked for this dry run (`/iam-audit sweep`): Finish sends them its report. */
  readonly requestedBy?: string;
}

/** What an execution's input may ask of the run: only ever less than the deployment allows. */
export interface RunRequest {
  readonly dryRun?: boolean;
  readonly requestedBy?: string;
}

/**
 * An execution's input may ask for a dry run, and a run someone asked for is one; it can never
 * ask for apply: whoever may start an execution is no authority on tearing users down, so only
 * the deployment's SWEEP_APPLY can make a run act.
 */
export function stepMode(sweepApply: boolean, request: RunRequest): Mode {
  return sweepApply && request.dryRun !== true && request.requestedBy === undefined ? 'apply' : 'dry-run';
}

/** Whom a run's report goes to besides the admin channel: only a dry run's goes to one person. */
export type RequestedRun =
  | { readonly mode: 'dry-run'; readonly requestedBy?: string }
  | { readonly requestedBy?: undefined };

/** One Map iteration's output: the account, and the error its step ended with when it failed for good. */
export interface AccountStepOutcome {
  readonly account: string;
  readonly error?: string;
  /** Begun past the run's budget: nothing done, nothing stored; Finish reports it not reached. */
  readonly late?: true;
}

export interface StepDeps extends SweepDeps {
  readonly runs: SweepRunStore;
}

/**
 * Reads the ledger once, lists the accounts, keeps the tables and each account's part of the
 * ledger for the later steps and, for an apply run, takes the lock until the last step
 * releases it. `sweepId` is the execution's name: a retried step (Lambda failed to answer
 * after the first attempt took the lock) keeps it, and the lock lets its owner take it again
 * instead of turning the run away.
 */
export async function prepareStep(
  deps: StepDeps,
  options: {
    readonly mode: Mode;
    readonly date?: LocalDate;
    readonly sweepId: string;
    /** The execution's start, which the account steps' budget counts from; now by default. */
    readonly started?: Date;
  } & RequestedRun,
  stop?: AbortSignal,
): Promise<PreparedRun> {
  const started = options.started ?? deps.now();
  refuseDayToCome(deps, options, started);
  const { sweepId, requestedBy } = options;
  if (options.mode === 'apply') {
    const lease = STEP_FUNCTIONS_LEASE_SECONDS;
    if (!(await deps.lock.acquire(LOCK_NAME, sweepId, lease, started, deps.process))) {
      const holder = await deps.lock.holder(LOCK_NAME);
      throw new SweepLockedError(holder ? holderView(holder, started) : null);
    }
  }
  try {
    const prepared = await prepareSweep(deps, options, sweepId, started, stop);
    await deps.runs.saveInput(sweepId, { tables: prepared.tables, parts: prepared.parts });
    return { run: prepared.run, accounts: prepared.accounts, ...(requestedBy ? { requestedBy } : {}) };
  } catch (error) {
    // No later step will run to release it.
    if (options.mode === 'apply') await deps.lock.release(LOCK_NAME, sweepId);
    throw error;
  }
}

/**
 * One account. Its outcome is stored whether it succeeds or fails; a failure is also thrown,
 * so Step Functions retries the step (journal claims make a retry safe) before giving up.
 * Past the run's budget it does nothing and stores nothing: Finish reports it not reached.
 */
export async function accountStep(
  deps: StepDeps,
  run: SweepRun,
  account: string,
  stop?: AbortSignal,
): Promise<AccountStepOutcome> {
  const elapsed = deps.now().getTime() - new Date(run.started).getTime();
  if (elapsed > STEP_FUNCTIONS_ACCOUNT_BUDGET_SECONDS * 1000) return { account, late: true };
  try {
    const { ledger, people } = await deps.runs.accountInput(run.sweepId, account);
    const swept = await sweepAccountStep(deps, run, accountInputOf(ledger, people), account, stop);
    await deps.runs.saveAccount(run.sweepId, account, { kind: 'swept', swept });
    return { account };
  } catch (error) {
    await deps.runs
      .saveAccount(run.sweepId, account, { kind: 'failed', account, error: errorMessage(error) })
      .catch(() => undefined); // the step's own error is the one to report
    throw error;
  }
}

/**
 * Folds every account's stored outcome, writes the ledger back once, reports, and releases the
 * lock. `steps`: the Map state's outputs, absent when the Map itself failed (`stopped` says
 * why); an account with no stored outcome failed with its step's error, or was not reached.
 */
export async function finishStep(
  deps: StepDeps,
  prepared: PreparedRun,
  steps: readonly AccountStepOutcome[] | undefined,
  stopped?: StopReason,
): Promise<SweepReport> {
  const { run, accounts } = prepared;
  try {
    const input = sweepInputOf(deps, await deps.runs.tables(run.sweepId));
    const errors = new Map((steps ?? []).map((step) => [step.account, step.error]));
    const runs = await Promise.all(
      accounts.map(async (account): Promise<AccountRun> => {
        const stored = await deps.runs.account(run.sweepId, account);
        if (stored) return stored;
        const error = errors.get(account);
        return error === undefined
          ? { kind: 'not-reached', account }
          : { kind: 'failed', account, error: `its step failed: ${error}` };
      }),
    );
    // With one account there is nothing else to do: fail loudly, before anything was written.
    const [only] = runs;
    if (runs.length === 1 && only?.kind === 'failed') throw new Error(only.error);
    const report = await finishSweep(deps, run, input, runs, stopped);
    if (run.mode === 'apply') await announceApply(deps, report);
    return report;
  } finally {
    if (run.mode === 'apply') await deps.lock.release(LOCK_NAME, run.sweepId);
  }
}

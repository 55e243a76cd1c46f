import type { Grid, Ledger } from '../domain/ledger';
import type { AccountRun } from '../domain/sweep-run';
import type { Tables } from './workbook';

/** What the first step keeps for the others: the tables as read, and each account's part of the ledger. */
export interface RunInput {
  readonly tables: Tables;
  /** By the run's key for each account (`accountKey`); every account the run lists has one. */
  readonly parts: ReadonlyMap<string, Ledger>;
}

/** What an account's step reads: its part of the ledger, and the people table. */
export interface AccountInput {
  readonly ledger: Ledger;
  readonly people: Grid;
}

/**
 * What one sweep's steps hand each other when they run in separate processes (Step Functions
 * runs each in its own Lambda invocation): the tables as read once, each account's part of
 * the ledger, and each account's outcome. Too large for the execution's state (256 KiB; a
 * 5,000-row ledger is more), so kept aside, under the run's id, until the last step has read them.
 */
export interface SweepRunStore {
  saveInput(sweepId: string, input: RunInput): Promise<void>;
  /** The whole tables, for the last step. Throws when the run has none: its first step never finished. */
  tables(sweepId: string): Promise<Tables>;
  /**
   * Only the account's part: an Organization's account reads ~200 of its 200,000 rows. Throws
   * when the run has none for it: its first step never finished.
   */
  accountInput(sweepId: string, account: string): Promise<AccountInput>;
  /**
   * Replaces the account's earlier outcome in this run (a retried step). `account` is the run's
   * key for it (`accountKey`), which for the credentials' own account is not its id.
   */
  saveAccount(
    sweepId: string,
    account: string,
    outcome: Exclude<AccountRun, { kind: 'not-reached' }>,
  ): Promise<void>;
  /** Null when the account's step never stored an outcome (it crashed or timed out). */
  account(sweepId: string, account: string): Promise<AccountRun | null>;
}

import type { AccountRun } from '../domain/sweep-run';
import type { Tables } from './workbook';

/**
 * What one sweep's steps hand each other when they run in separate processes (Step Functions
 * runs each in its own Lambda invocation): the tables as read once, and each account's outcome.
 * Too large for the execution's state (256 KiB; a 5,000-row ledger is more), so kept aside,
 * under the run's id, until the last step has read them.
 */
export interface SweepRunStore {
  saveTables(sweepId: string, tables: Tables): Promise<void>;
  /** Throws when the run has none: its first step never finished. */
  tables(sweepId: string): Promise<Tables>;
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

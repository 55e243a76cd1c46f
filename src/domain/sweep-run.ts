import type { LocalDate } from './dates';
import type { Skip } from './planner';
import type { ActionResult, HygieneSummary, Mode } from './report';
import type { StopReason } from './stop-reason';

/**
 * When and how a sweep runs: the same for every step of it, in one process or on Step
 * Functions, where it travels in the execution's state (JSON, a few hundred bytes).
 */
export interface SweepRun {
  readonly sweepId: string;
  readonly mode: Mode;
  /** The day planned for (in the configured time zone). */
  readonly today: LocalDate;
  /** When the sweep began (ISO): the report's duration counts from it. */
  readonly started: string;
  /**
   * It covers several accounts: what it tells people names the account. Carried, not asked
   * again, so an account's step need not list the Organization to know.
   */
  readonly severalAccounts: boolean;
}

/**
 * What one account's sweep did. JSON-serialisable: rows are named by `rowNumber`, and the rows
 * inside results and skips are copies the last step swaps for its own ledger's rows.
 */
export interface AccountSweep {
  readonly account: string;
  /** The ledger rows this account covers. */
  readonly rows: readonly number[];
  /** Each row's owner as this account's sweep resolves it (for the Home tab). */
  readonly owners: readonly (readonly [number, string | null])[];
  readonly results: readonly ActionResult[];
  readonly skips: readonly Skip[];
  readonly hygiene?: HygieneSummary | { readonly error: string };
  /** Why this account's sweep stopped at a safe point before its end. */
  readonly stopped?: StopReason;
}

/** One account's part of a run, as the last step folds it. */
export type AccountRun =
  | { readonly kind: 'swept'; readonly swept: AccountSweep }
  | { readonly kind: 'failed'; readonly account: string; readonly error: string }
  | { readonly kind: 'not-reached'; readonly account: string };

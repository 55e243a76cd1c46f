import type { Cell, CellWrite, Grid } from '../domain/ledger';

export type { CellWrite };

export interface Tables {
  readonly ledger: Grid;
  readonly people: Grid;
}

/**
 * Where the key-request ledger and the people table live (Google Sheets or CSV files).
 * Both tables come back from one read and all changes go out in one write, because Sheets
 * allows 60 requests a minute per user and a sweep must never be the thing that hits it.
 */
export interface Workbook {
  /** For messages: which spreadsheet or file this is. */
  readonly description: string;
  read(): Promise<Tables>;
  /**
   * One column of the ledger as it is now, row 1 first: what a sweep checks its rows against
   * right before writing back, since people edit the sheet while it runs.
   */
  readColumn(column: number): Promise<readonly Cell[]>;
  write(cells: readonly CellWrite[]): Promise<void>;
}

export class WorkbookError extends Error {
  override readonly name = 'WorkbookError';
}

import { type MethodOptions, sheets, type sheets_v4 } from '@googleapis/sheets';
import { toSheetsSerial } from '../../domain/dates';
import type { Cell, CellWrite } from '../../domain/ledger';
import { type Tables, type Workbook, WorkbookError } from '../../ports/workbook';

type RetryConfig = NonNullable<MethodOptions['retryConfig']>;
type GoogleAuthOption = sheets_v4.Options['auth'];

export interface SheetsWorkbookOptions {
  readonly spreadsheetId: string;
  readonly ledgerSheet: string;
  readonly peopleSheet: string;
  readonly auth: GoogleAuthOption;
  /** Only for tests and emulators; Google's own endpoint otherwise. */
  readonly rootUrl?: string;
  /** Per-request timeout and retries instead of five retries without a timeout (the doctor). */
  readonly patience?: { readonly timeoutMs: number; readonly retries: number };
  /** The wait between retries; tests pass one that returns at once. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sheets allows 60 requests a minute per user and answers 429 past that. Retrying POST is
 * safe here because batchUpdate writes absolute cells: sending it twice changes nothing.
 */
const retry = (sleep: (ms: number) => Promise<void>, retries = 5): RetryConfig => ({
  retry: retries,
  retryDelay: 500,
  httpMethodsToRetry: ['GET', 'POST'],
  statusCodesToRetry: [
    [429, 429],
    [500, 599],
  ],
  // gaxios ignores Retry-After on its own; Google sends it with 429s and it is the right wait.
  retryBackoff: async (error, defaultMs) => {
    const seconds = Number(error.response?.headers?.get?.('retry-after'));
    await sleep(Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, 60_000) : defaultMs);
  },
});

export function quoteSheetName(name: string): string {
  return `'${name.replaceAll("'", "''")}'`;
}

export function columnLetters(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

export class SheetsWorkbook implements Workbook {
  readonly description: string;
  private readonly api: sheets_v4.Sheets;

  constructor(private readonly options: SheetsWorkbookOptions) {
    this.description = `Google Sheets ${options.spreadsheetId} (${options.ledgerSheet})`;
    this.api = sheets({
      version: 'v4',
      auth: options.auth,
      retryConfig: retry(options.sleep ?? wait, options.patience?.retries),
      ...(options.patience ? { timeout: options.patience.timeoutMs } : {}),
      // Node's own fetch: gaxios would otherwise import node-fetch dynamically, for nothing.
      fetchImplementation: fetch,
      ...(options.rootUrl ? { rootUrl: options.rootUrl } : {}),
    });
  }

  /** Both tables in one `values.batchGet`. Unformatted, so date cells arrive as serials whatever their display format. */
  async read(): Promise<Tables> {
    const { spreadsheetId, ledgerSheet, peopleSheet } = this.options;
    const response = await this.call('read', () =>
      this.api.spreadsheets.values.batchGet({
        spreadsheetId,
        ranges: [quoteSheetName(ledgerSheet), quoteSheetName(peopleSheet)],
        valueRenderOption: 'UNFORMATTED_VALUE',
        dateTimeRenderOption: 'SERIAL_NUMBER',
      }),
    );
    const [ledger, people] = response.data.valueRanges ?? [];
    return { ledger: toGrid(ledger?.values), people: toGrid(people?.values) };
  }

  /** One column in one `values.get`, unformatted as `read` has it; trailing empty cells are cut, as Google does. */
  async readColumn(column: number): Promise<readonly Cell[]> {
    const { spreadsheetId, ledgerSheet } = this.options;
    const letters = columnLetters(column);
    const response = await this.call('read', () =>
      this.api.spreadsheets.values.get({
        spreadsheetId,
        range: `${quoteSheetName(ledgerSheet)}!${letters}:${letters}`,
        majorDimension: 'COLUMNS',
        valueRenderOption: 'UNFORMATTED_VALUE',
        dateTimeRenderOption: 'SERIAL_NUMBER',
      }),
    );
    return toGrid(response.data.values)[0] ?? [];
  }

  /**
   * Every change of a sweep in one `values.batchUpdate`. RAW, because USER_ENTERED parses
   * text as if typed, so a value starting with `=` would become a live formula; dates go as
   * serial numbers, which RAW keeps as numbers and the date cell keeps showing as a date.
   */
  async write(cells: readonly CellWrite[]): Promise<void> {
    if (cells.length === 0) return;
    const { spreadsheetId, ledgerSheet } = this.options;
    await this.call('write', () =>
      this.api.spreadsheets.values.batchUpdate({
        spreadsheetId,
        requestBody: {
          valueInputOption: 'RAW',
          data: cells.map((cell) => ({
            range: `${quoteSheetName(ledgerSheet)}!${columnLetters(cell.column)}${cell.rowNumber}`,
            values: [['date' in cell ? toSheetsSerial(cell.date) : cell.value]],
          })),
        },
      }),
    );
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw new WorkbookError(
        `Google Sheets ${what} failed for ${this.description}: ${describeSheetsError(error)}`,
        {
          cause: error,
        },
      );
    }
  }
}

function toGrid(values: unknown[][] | null | undefined): Cell[][] {
  return (values ?? []).map((row) =>
    row.map((cell) => (typeof cell === 'number' ? cell : String(cell ?? ''))),
  );
}

/** Google's error body says what is wrong; add what to do about the usual ones. */
function describeSheetsError(error: unknown): string {
  const e = error as { status?: number; response?: { status?: number }; message?: string };
  const status = e.status ?? e.response?.status;
  const hint =
    status === 403
      ? ' — share the spreadsheet with the service account’s email (Editor)'
      : status === 404
        ? ' — check SHEETS_SPREADSHEET_ID'
        : status === 400
          ? ' — check the sheet names (SHEETS_LEDGER_SHEET, SHEETS_PEOPLE_SHEET)'
          : status === 429
            ? ' — still rate limited after retries; try again in a minute'
            : '';
  return `${status ?? ''} ${e.message ?? String(error)}${hint}`.trim();
}

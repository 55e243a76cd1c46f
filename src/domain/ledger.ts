import { type LocalDate, parseLedgerDate } from './dates';
import { normaliseLabel, parseStatus, type RowStatus } from './status';

/** A sheet's cells as the Sheets API or a CSV parser returns them: rows of cells. */
export type Cell = string | number;
export type Grid = readonly (readonly Cell[])[];

/** Why a line of a CSV file is not CSV. */
export type CsvLineFault = 'quote-inside-cell' | 'text-after-quote' | 'unclosed-quote' | 'other';

/**
 * A line of a CSV file that is not valid CSV, in its place so the rows after it keep their
 * numbers. Its one cell is the line's text: read without this marker it is still malformed.
 */
export type UnreadableRow = readonly string[] & {
  readonly unreadable: { readonly line: number; readonly fault: CsvLineFault };
};

export function unreadableRow(text: string, line: number, fault: CsvLineFault): UnreadableRow {
  return Object.assign([text], { unreadable: { line, fault } });
}

/** A grid decoded from a file's bytes names the encoding: a wrong guess shows as a missing header. */
export type DecodedGrid = Grid & {
  readonly decodedAs: { readonly encoding: string; readonly detected: boolean };
};

export function decodedGrid(rows: Grid, encoding: string, detected: boolean): DecodedGrid {
  return Object.assign([...rows], { decodedAs: { encoding, detected } });
}

export type LedgerField =
  | 'name'
  | 'purpose'
  | 'resource'
  | 'iamUser'
  | 'accessKeyId'
  | 'startDate'
  | 'endDate'
  | 'status'
  | 'accountId';

/** Header spellings seen in real ledgers, compared after `normaliseLabel`. */
const HEADER_ALIASES: Readonly<Record<LedgerField, readonly string[]>> = {
  name: ['氏名', '名前', '申請者', '利用者', 'name', 'fullname', 'owner', 'requester'],
  purpose: ['利用目的', '目的', 'purpose'],
  resource: ['AWSリソース名', 'AWSリソース', 'リソース', 'awsresource', 'resource'],
  iamUser: [
    'アカウント名',
    'IAMユーザー',
    'IAMユーザー名',
    'IAMユーザ',
    'IAMユーザ名',
    'iamuser',
    'iamusername',
    'username',
  ],
  accessKeyId: ['アクセスキーID', 'アクセスキー', 'accesskeyid', 'accesskey'],
  startDate: ['利用開始日', '開始日', 'startdate', 'start'],
  endDate: ['利用終了日', '終了日', '有効期限', 'enddate', 'end', 'expiry', 'expires'],
  status: ['状態', 'ステータス', 'status', 'state'],
  accountId: ['AWSアカウントID', 'アカウントID', 'awsaccountid', 'accountid'],
};

const REQUIRED: readonly LedgerField[] = ['iamUser', 'accessKeyId', 'endDate', 'status'];
/** Title rows above the header are common in hand-made sheets; look this far down for it. */
const HEADER_SEARCH_ROWS = 5;
const MAX_CELL_LENGTH = 512;
const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
const ACCESS_KEY_ID = /^AKIA[0-9A-Z]{16}$/;
const ACCOUNT_ID = /^\d{12}$/;

export type ColumnMap = Readonly<Partial<Record<LedgerField, number>>>;

export interface LedgerRow {
  /** The row number people see in the sheet (1-based), used in every message. */
  readonly rowNumber: number;
  /** Stable identity across sweeps: the access key id the row grants. */
  readonly id: string;
  readonly name: string;
  readonly purpose: string;
  readonly resource: string;
  readonly iamUser: string;
  readonly accessKeyId: string;
  readonly startDate: LocalDate | null;
  readonly endDate: LocalDate;
  readonly status: RowStatus;
  /** Absent: the default account. */
  readonly accountId: string | null;
}

export interface RowProblem {
  readonly rowNumber: number;
  readonly problems: readonly string[];
  /** The cells as read, so a report can show what was wrong without another lookup. */
  readonly cells: readonly string[];
}

/** An empty line between rows: kept in the report (row numbers stay true), never counted as malformed. */
const BLANK_ROW = 'blank row';

/** The problems worth a person's attention: every row that could not be read, blank lines aside. */
export function malformedRows(problems: readonly RowProblem[]): RowProblem[] {
  return problems.filter((problem) => problem.problems.join() !== BLANK_ROW);
}

/**
 * A row that names the same key for the same IAM user as a row that governs it: an identical
 * copy (a request submitted twice) or one with an earlier end date (an extension recorded as
 * a new row). It is never acted on alone; it gets the governing row's write-back.
 */
export interface RowCopy {
  readonly row: LedgerRow;
  readonly kind: 'duplicate' | 'superseded';
  readonly governedBy: number;
}

export interface Ledger {
  readonly headerRowNumber: number;
  readonly columns: ColumnMap;
  /**
   * One row per access key and IAM user (the governing one). Rows naming one key for
   * different users all stay here: only IAM can tell which is right, so the planner asks.
   */
  readonly rows: readonly LedgerRow[];
  readonly duplicates: readonly RowCopy[];
  readonly problems: readonly RowProblem[];
}

/**
 * One cell to write, addressed by the sheet's 1-based row and 0-based column: text, which
 * every workbook stores as text and never interprets, or a calendar date, which each workbook
 * stores as its own kind of date.
 */
export type CellWrite = { readonly rowNumber: number; readonly column: number } & (
  | { readonly value: string }
  | { readonly date: LocalDate }
);

export class LedgerFormatError extends Error {
  override readonly name = 'LedgerFormatError';
}

const ALIAS_TO_FIELD: ReadonlyMap<string, LedgerField> = new Map(
  (Object.entries(HEADER_ALIASES) as [LedgerField, readonly string[]][]).flatMap(([field, aliases]) =>
    aliases.map((alias) => [normaliseLabel(alias), field] as const),
  ),
);

function mapHeader(cells: readonly Cell[]): ColumnMap {
  const columns: Partial<Record<LedgerField, number>> = {};
  cells.forEach((cell, index) => {
    const field = ALIAS_TO_FIELD.get(normaliseLabel(String(cell)));
    if (field !== undefined && columns[field] === undefined) columns[field] = index;
  });
  return columns;
}

function findHeader(grid: Grid): { index: number; columns: ColumnMap } {
  let best: { index: number; columns: ColumnMap } | null = null;
  for (let index = 0; index < Math.min(HEADER_SEARCH_ROWS, grid.length); index++) {
    const columns = mapHeader(grid[index] ?? []);
    if (REQUIRED.every((field) => columns[field] !== undefined)) return { index, columns };
    if (!best || Object.keys(columns).length > Object.keys(best.columns).length) best = { index, columns };
  }
  const found = best?.columns ?? {};
  const missing = REQUIRED.filter((field) => found[field] === undefined);
  throw new LedgerFormatError(
    `ledger header not found: missing column(s) ${missing
      .map((field) => `${field} (${HEADER_ALIASES[field].slice(0, 2).join(' / ')})`)
      .join(', ')} in the first ${HEADER_SEARCH_ROWS} rows${encodingHint(grid)}`,
  );
}

function encodingHint(grid: Grid): string {
  if (!isDecoded(grid)) return '';
  const { encoding, detected } = grid.decodedAs;
  return detected
    ? ` (the file was read as ${encoding}; if it is in another encoding, set LEDGER_CSV_ENCODING to utf-8, cp932 or utf-16le)`
    : ` (the file was read as ${encoding}, as LEDGER_CSV_ENCODING says; check that this is its encoding)`;
}

const FAULTS: Readonly<Record<CsvLineFault, string>> = {
  'quote-inside-cell': 'a quote inside a cell that is not quoted',
  'text-after-quote': 'text after the closing quote of a cell',
  'unclosed-quote': 'a quote that is never closed',
  other: 'not readable as CSV',
};

function isDecoded(grid: Grid): grid is DecodedGrid {
  return 'decodedAs' in grid;
}

function isUnreadable(cells: readonly Cell[]): cells is UnreadableRow {
  return 'unreadable' in cells;
}

function cellText(row: readonly Cell[], column: number | undefined): string {
  if (column === undefined) return '';
  const cell = row[column];
  return cell === undefined ? '' : String(cell).trim();
}

/**
 * Turns a sheet into typed rows. Anything doubtful becomes a `RowProblem` with the reasons,
 * never a row: the planner only ever sees rows that are safe to act on.
 */
export function parseLedger(grid: Grid): Ledger {
  const { index: headerIndex, columns } = findHeader(grid);
  const rows: LedgerRow[] = [];
  const problems: RowProblem[] = [];
  const cellsOf = new Map<number, readonly string[]>();

  for (let index = headerIndex + 1; index < grid.length; index++) {
    const cells = grid[index] ?? [];
    const rowNumber = index + 1;
    const texts = cells.map((cell) => String(cell));
    if (isUnreadable(cells)) {
      const { line, fault } = cells.unreadable;
      problems.push({
        rowNumber,
        problems: [`line ${line} is not valid CSV: ${FAULTS[fault]}`],
        cells: texts,
      });
      continue;
    }
    if (texts.every((text) => text.trim() === '')) {
      problems.push({ rowNumber, problems: [BLANK_ROW], cells: [] });
      continue;
    }
    const parsed = parseRow(cells, columns, rowNumber);
    if ('problems' in parsed) problems.push({ rowNumber, problems: parsed.problems, cells: texts });
    else {
      rows.push(parsed.row);
      cellsOf.set(rowNumber, texts);
    }
  }

  const entries = governingRows(rows, cellsOf);
  return {
    headerRowNumber: headerIndex + 1,
    columns,
    rows: entries.rows,
    duplicates: entries.duplicates,
    problems: [...problems, ...entries.ambiguous].sort((a, b) => a.rowNumber - b.rowNumber),
  };
}

function parseRow(
  cells: readonly Cell[],
  columns: ColumnMap,
  rowNumber: number,
): { row: LedgerRow } | { problems: string[] } {
  const problems: string[] = [];
  const text = (field: LedgerField) => {
    const value = cellText(cells, columns[field]);
    if (value.length > MAX_CELL_LENGTH)
      problems.push(`${field} is longer than ${MAX_CELL_LENGTH} characters`);
    return value;
  };

  const iamUser = text('iamUser');
  if (iamUser === '') problems.push('IAM user is empty');
  else if (!IAM_USER_NAME.test(iamUser))
    problems.push(`IAM user "${clip(iamUser)}" is not a valid IAM user name`);

  const accessKeyId = text('accessKeyId');
  if (accessKeyId === '') problems.push('access key id is empty');
  else if (!ACCESS_KEY_ID.test(accessKeyId))
    problems.push(`access key id "${clip(accessKeyId)}" is not an AKIA… key id`);

  const endCell = columns.endDate === undefined ? undefined : cells[columns.endDate];
  const endDate = endCell === undefined || String(endCell).trim() === '' ? null : parseLedgerDate(endCell);
  if (endDate === null) problems.push(`end date "${clip(String(endCell ?? ''))}" is not a date`);

  const startCell = columns.startDate === undefined ? undefined : cells[columns.startDate];
  const startBlank = startCell === undefined || String(startCell).trim() === '';
  const startDate = startBlank ? null : parseLedgerDate(startCell);
  if (!startBlank && startDate === null)
    problems.push(`start date "${clip(String(startCell))}" is not a date`);
  if (startDate && endDate && startDate > endDate) problems.push('start date is after end date');

  const statusText = text('status');
  const status = parseStatus(statusText);
  if (status === null) problems.push(`status "${clip(statusText)}" is not a known status`);

  const accountText = text('accountId');
  if (accountText !== '' && !ACCOUNT_ID.test(accountText))
    problems.push(`AWS account id "${clip(accountText)}" is not 12 digits`);

  const name = text('name');
  const purpose = text('purpose');
  const resource = text('resource');

  if (problems.length > 0 || endDate === null || status === null) return { problems };
  return {
    row: {
      rowNumber,
      id: accessKeyId,
      name,
      purpose,
      resource,
      iamUser,
      accessKeyId,
      startDate,
      endDate,
      status,
      accountId: accountText === '' ? null : accountText,
    },
  };
}

/**
 * Rows naming one key for one IAM user are one logical entry: the latest end date governs,
 * the first row among equals; the others are its copies. When the rows at the latest end date
 * disagree on the status, or the rows disagree on the account, nobody can tell which one is
 * meant: every row of the entry becomes a problem, so none acts.
 */
function governingRows(
  rows: readonly LedgerRow[],
  cellsOf: ReadonlyMap<number, readonly string[]>,
): { rows: LedgerRow[]; duplicates: RowCopy[]; ambiguous: RowProblem[] } {
  const groups = Map.groupBy(rows, (row) => `${row.accessKeyId}\n${row.iamUser}`);
  const governing: LedgerRow[] = [];
  const duplicates: RowCopy[] = [];
  const ambiguous: RowProblem[] = [];
  for (const group of groups.values()) {
    const head = group.reduce((best, row) => (row.endDate > best.endDate ? row : best));
    const conflict = entryConflict(group, head);
    if (conflict !== null) {
      for (const row of group)
        ambiguous.push({
          rowNumber: row.rowNumber,
          problems: [conflict],
          cells: cellsOf.get(row.rowNumber) ?? [],
        });
      continue;
    }
    governing.push(head);
    for (const row of group)
      if (row !== head)
        duplicates.push({
          row,
          kind: row.endDate === head.endDate ? 'duplicate' : 'superseded',
          governedBy: head.rowNumber,
        });
  }
  const byRow = (a: { rowNumber: number }, b: { rowNumber: number }) => a.rowNumber - b.rowNumber;
  return {
    rows: governing.sort(byRow),
    duplicates: duplicates.sort((a, b) => byRow(a.row, b.row)),
    ambiguous,
  };
}

/**
 * Why the rows of one key and user can't be one entry, if they can't. An earlier row's status
 * is history (an extension recorded as a new row), so only the latest rows' statuses count;
 * an access key lives in one account, so any two accounts (a blank cell is the sweep's
 * account, which a row naming an id may or may not be) are a contradiction.
 */
function entryConflict(group: readonly LedgerRow[], head: LedgerRow): string | null {
  const rows = (pair: readonly LedgerRow[]) =>
    `rows ${pair
      .map((row) => row.rowNumber)
      .sort((a, b) => a - b)
      .join(' and ')}`;
  const status = group.find((row) => row.endDate === head.endDate && row.status !== head.status);
  if (status) return `${rows([head, status])} name the same key for ${head.iamUser} with different statuses`;
  const account = group.find((row) => row.accountId !== head.accountId);
  if (account)
    return `${rows([head, account])} name the same key for ${head.iamUser} with different AWS account ids`;
  return null;
}

/** Whatever is written to a governing row is written to its copies too. */
export function withCopies<T extends { readonly rowNumber: number }>(
  changes: readonly T[],
  duplicates: readonly RowCopy[],
): T[] {
  return changes.flatMap((change) => [
    change,
    ...duplicates
      .filter((copy) => copy.governedBy === change.rowNumber)
      .map((copy) => ({ ...change, rowNumber: copy.row.rowNumber })),
  ]);
}

/** The ledger row a notice case is about: its key, for its IAM user. */
export function rowOfKey(ledger: Ledger, accessKeyId: string, iamUser: string): LedgerRow | undefined {
  return ledger.rows.find((row) => row.accessKeyId === accessKeyId && row.iamUser === iamUser);
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

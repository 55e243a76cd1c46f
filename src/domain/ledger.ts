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
  | 'accountId'
  | 'email'
  | 'timestamp';

/**
 * Header spellings seen in real ledgers, compared after `headerKey` (hints in brackets dropped,
 * NFKC, lower case, no spaces). `email` and `timestamp` are what a Google Form's response sheet
 * adds: the collected address and when the request was submitted.
 */
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
  email: ['メールアドレス', 'メール', 'Eメール', 'emailaddress', 'email', 'mail'],
  timestamp: ['タイムスタンプ', '申請日時', '申請日', 'timestamp', 'submittedat'],
};

export const LEDGER_FIELDS = Object.keys(HEADER_ALIASES) as readonly LedgerField[];

export function isLedgerField(text: string): text is LedgerField {
  return (LEDGER_FIELDS as readonly string[]).includes(text);
}

/** `LEDGER_COLUMNS`: the header that means a field in this ledger, over any alias. */
export type ColumnSettings = Readonly<Partial<Record<LedgerField, string>>>;

/** How one header became a field, for `doctor`. */
export interface ColumnMatch {
  readonly field: LedgerField;
  readonly column: number;
  readonly header: string;
  readonly via: 'alias' | 'setting';
}

const REQUIRED: readonly LedgerField[] = ['iamUser', 'accessKeyId', 'endDate', 'status'];
/** Title rows above the header are common in hand-made sheets; look this far down for it. */
const HEADER_SEARCH_ROWS = 5;
const MAX_CELL_LENGTH = 512;
const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
const ACCESS_KEY_ID = /^AKIA[0-9A-Z]{16}$/;
const ACCOUNT_ID = /^\d{12}$/;
/** Loose on purpose: Google Forms and Slack validate addresses; this only keeps junk out of lookups. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

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
  /** The requester's address from the ledger's email column (a form's collected one), lower case. */
  readonly email?: string;
}

/**
 * A submitted request nobody has issued yet: status active or blank, no IAM user or no access
 * key id, every filled cell valid, and a requester (a name or an email). Never acted on; the
 * sweep counts it and tells the admins about it once it is `PENDING_REPORT_DAYS` old.
 */
export interface PendingRow {
  readonly rowNumber: number;
  readonly name: string;
  readonly email: string;
  readonly iamUser: string;
  readonly accessKeyId: string;
  /** When it was asked for: the form's timestamp, else the start date; null when neither is filled. */
  readonly submittedOn: LocalDate | null;
  readonly endDate: LocalDate | null;
}

/**
 * Why a ledger row can't be acted on, as facts: the catalogue words it (`Messages.reasons.rowFault`)
 * in the reader's language. `cell` is the cell as typed (clipped) and `column` its header: data.
 */
export type RowFault =
  | { readonly kind: 'unreadable-line'; readonly line: number; readonly fault: CsvLineFault }
  | { readonly kind: 'blank-row' }
  | { readonly kind: 'too-long'; readonly field: LedgerField; readonly max: number }
  | {
      readonly kind: 'not-a-date';
      readonly field: 'startDate' | 'endDate' | 'timestamp';
      readonly column: string;
      readonly cell: string;
    }
  | { readonly kind: 'empty'; readonly field: 'iamUser' | 'accessKeyId' }
  | { readonly kind: 'no-end-date'; readonly column: string }
  | { readonly kind: 'bad-iam-user'; readonly cell: string }
  | { readonly kind: 'bad-key-id'; readonly cell: string }
  | { readonly kind: 'start-after-end' }
  | { readonly kind: 'unknown-status'; readonly cell: string }
  | { readonly kind: 'bad-account-id'; readonly cell: string }
  | { readonly kind: 'bad-email'; readonly column: string; readonly cell: string }
  | {
      /** Rows naming one key for one IAM user that disagree on what only one of them can say. */
      readonly kind: 'conflicting-rows';
      readonly rows: readonly [number, number];
      readonly iamUser: string;
      readonly over: 'status' | 'account';
    };

export interface RowProblem {
  readonly rowNumber: number;
  readonly problems: readonly RowFault[];
  /** The cells as read, so a report can show what was wrong without another lookup. */
  readonly cells: readonly string[];
}

/** The problems worth a person's attention: every row that could not be read, blank lines aside. */
export function malformedRows(problems: readonly RowProblem[]): RowProblem[] {
  // An empty line between rows is kept in the report (row numbers stay true), never counted.
  return problems.filter((problem) => !problem.problems.every((fault) => fault.kind === 'blank-row'));
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
  /** Which header became which field, in column order. */
  readonly matches: readonly ColumnMatch[];
  /**
   * One row per access key and IAM user (the governing one). Rows naming one key for
   * different users all stay here: only IAM can tell which is right, so the planner asks.
   */
  readonly rows: readonly LedgerRow[];
  readonly duplicates: readonly RowCopy[];
  readonly pending: readonly PendingRow[];
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

/** A required column no header matched: the setting that named it, or the aliases tried. */
export interface MissingColumn {
  readonly field: LedgerField;
  /** The header LEDGER_COLUMNS names for it; null when it was looked for by alias. */
  readonly setting: string | null;
  /** The first aliases tried, for the reader to recognise. */
  readonly aliases: readonly string[];
}

/** Why no row of a ledger can be read: the whole ledger is refused, not a row. */
export type LedgerFormatFault =
  | {
      readonly kind: 'header-not-found';
      readonly missing: readonly MissingColumn[];
      /** How many rows from the top were searched for the header. */
      readonly searchedRows: number;
      /** LEDGER_COLUMNS entries whose header is in none of those rows. */
      readonly unmatchedSettings: readonly { readonly field: LedgerField; readonly header: string }[];
      /** How a CSV file was decoded; null for a workbook, which has no encoding. */
      readonly decodedAs: DecodedGrid['decodedAs'] | null;
    }
  | {
      readonly kind: 'ambiguous-header';
      /** The header's 1-based row. */
      readonly rowNumber: number;
      readonly ambiguous: readonly { readonly field: LedgerField; readonly headers: readonly string[] }[];
    };

/**
 * The machine record's wording (logs, the Error's message) and the catalogue's English: one
 * text, so a log line and what an English reader sees never drift apart.
 */
export function ledgerFormatFaultEnglish(fault: LedgerFormatFault): string {
  if (fault.kind === 'ambiguous-header') {
    const which = fault.ambiguous
      .map(({ field, headers }) => `${headers.map((h) => `"${h}"`).join(' and ')} all mean ${field}`)
      .join('; ');
    const example = fault.ambiguous[0];
    return (
      `ledger header (row ${fault.rowNumber}) is ambiguous: ${which}. ` +
      `Choose one with LEDGER_COLUMNS, e.g. LEDGER_COLUMNS=${example?.field}=${example?.headers[0]}`
    );
  }
  const missing = fault.missing
    .map(({ field, setting, aliases }) =>
      setting !== null ? `${field} ("${setting}" from LEDGER_COLUMNS)` : `${field} (${aliases.join(' / ')})`,
    )
    .join(', ');
  const unmatched = fault.unmatchedSettings.map(({ field, header }) => `${field}=${header}`);
  const decoded = fault.decodedAs;
  const hint =
    decoded === null
      ? ''
      : decoded.detected
        ? ` (the file was read as ${decoded.encoding}; if it is in another encoding, set LEDGER_CSV_ENCODING to utf-8, cp932 or utf-16le)`
        : ` (the file was read as ${decoded.encoding}, as LEDGER_CSV_ENCODING says; check that this is its encoding)`;
  return (
    `ledger header not found: missing column(s) ${missing} in the first ${fault.searchedRows} rows` +
    (unmatched.length > 0 ? `; LEDGER_COLUMNS names headers not found: ${unmatched.join(', ')}` : '') +
    hint
  );
}

export class LedgerFormatError extends Error {
  override readonly name = 'LedgerFormatError';

  constructor(readonly fault: LedgerFormatFault) {
    super(ledgerFormatFaultEnglish(fault));
  }
}

const ALIAS_TO_FIELD: ReadonlyMap<string, LedgerField> = new Map(
  (Object.entries(HEADER_ALIASES) as [LedgerField, readonly string[]][]).flatMap(([field, aliases]) =>
    aliases.map((alias) => [normaliseLabel(alias), field] as const),
  ),
);

/**
 * A hint in brackets anywhere (`（最長90日）`, `(full name)`, `【必須】`, `〔任意〕`, `[任意]`), after
 * NFKC. `【】` and `〔〕` are written as escapes (U+3010/3011, U+3014/3015), as every character past
 * Latin-1 in code: one anywhere in the Lambda bundle makes V8 hold its whole source as UTF-16.
 */
const BRACKETED = /\([^()]*\)|\[[^\]]*\]|\u3010[^\u3011]*\u3011|\u3014[^\u3015]*\u3015|<[^<>]*>/g;
/** A hint after the label: `利用終了日 ※最長90日`, `End date: max 90 days` (`※` is U+203B). */
const TRAILING = /\s*(?:\u203B|:).*$/;

/**
 * A header as compared with aliases and settings: Google Form question titles carry hints
 * (`利用終了日（最長90日）`, `氏名（フルネーム）`), which say nothing about the field.
 */
function headerKey(text: string): string {
  const bare = text.normalize('NFKC').replace(BRACKETED, ' ').replace(TRAILING, '');
  const key = normaliseLabel(bare);
  return key === '' ? normaliseLabel(text) : key;
}

interface HeaderRow {
  readonly columns: ColumnMap;
  readonly matches: readonly ColumnMatch[];
  /** Fields more than one header claims: nobody can tell which is meant. */
  readonly ambiguous: readonly { readonly field: LedgerField; readonly headers: readonly string[] }[];
  /** Settings whose header is not in the row. */
  readonly unmatched: readonly LedgerField[];
}

function mapHeader(cells: readonly Cell[], settings: ColumnSettings): HeaderRow {
  const headers = cells.map((cell) => String(cell).trim());
  const claims = new Map<LedgerField, { column: number; via: ColumnMatch['via'] }[]>();
  const claim = (field: LedgerField, column: number, via: ColumnMatch['via']) =>
    claims.set(field, [...(claims.get(field) ?? []), { column, via }]);
  const taken = new Set<number>();
  const unmatched: LedgerField[] = [];

  for (const [field, wanted] of Object.entries(settings) as [LedgerField, string][]) {
    // The header as written first; then with hints dropped, so `name=氏名` finds `氏名（フルネーム）`.
    const exact = headers.flatMap((h, i) => (normaliseLabel(h) === normaliseLabel(wanted) ? [i] : []));
    const loose = headers.flatMap((h, i) => (h !== '' && headerKey(h) === headerKey(wanted) ? [i] : []));
    const found = exact.length > 0 ? exact : loose;
    if (found.length === 0) unmatched.push(field);
    for (const column of found) {
      claim(field, column, 'setting');
      taken.add(column);
    }
  }
  headers.forEach((header, column) => {
    if (header === '' || taken.has(column)) return;
    const field = ALIAS_TO_FIELD.get(headerKey(header)) ?? ALIAS_TO_FIELD.get(normaliseLabel(header));
    if (field !== undefined && settings[field] === undefined) claim(field, column, 'alias');
  });

  const columns: Partial<Record<LedgerField, number>> = {};
  const matches: ColumnMatch[] = [];
  const ambiguous: HeaderRow['ambiguous'][number][] = [];
  for (const [field, found] of claims) {
    const [only, ...more] = found;
    if (only === undefined) continue;
    if (more.length > 0) {
      ambiguous.push({ field, headers: found.map(({ column }) => headers[column] ?? '') });
      continue;
    }
    columns[field] = only.column;
    matches.push({ field, column: only.column, header: headers[only.column] ?? '', via: only.via });
  }
  matches.sort((a, b) => a.column - b.column);
  return { columns, matches, ambiguous, unmatched };
}

function findHeader(grid: Grid, settings: ColumnSettings): { index: number } & HeaderRow {
  let best: ({ index: number } & HeaderRow) | null = null;
  const claimed = (row: HeaderRow) => Object.keys(row.columns).length + row.ambiguous.length;
  for (let index = 0; index < Math.min(HEADER_SEARCH_ROWS, grid.length); index++) {
    const row = { index, ...mapHeader(grid[index] ?? [], settings) };
    const has = (field: LedgerField) =>
      row.columns[field] !== undefined || row.ambiguous.some((a) => a.field === field);
    if (REQUIRED.every(has)) {
      if (row.ambiguous.length > 0) throw ambiguityError(row.ambiguous, index + 1);
      return row;
    }
    if (!best || claimed(row) > claimed(best)) best = row;
  }
  const found = best?.columns ?? {};
  throw new LedgerFormatError({
    kind: 'header-not-found',
    missing: REQUIRED.filter((field) => found[field] === undefined).map((field) => ({
      field,
      setting: settings[field] ?? null,
      aliases: HEADER_ALIASES[field].slice(0, 2),
    })),
    searchedRows: HEADER_SEARCH_ROWS,
    unmatchedSettings: (best?.unmatched ?? []).map((field) => ({ field, header: settings[field] ?? '' })),
    decodedAs: isDecoded(grid) ? grid.decodedAs : null,
  });
}

function ambiguityError(ambiguous: HeaderRow['ambiguous'], rowNumber: number): LedgerFormatError {
  return new LedgerFormatError({ kind: 'ambiguous-header', rowNumber, ambiguous });
}

/** One line per mapped header, for `doctor`: which header became which field, and how. */
export function describeColumns(ledger: Pick<Ledger, 'matches'>): string {
  return ledger.matches
    .map(({ field, header, via }) => `${header} → ${field}${via === 'setting' ? ' (LEDGER_COLUMNS)' : ''}`)
    .join(', ');
}

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
 * never a row: the planner only ever sees rows that are safe to act on. A request not issued
 * yet is neither: it is `pending`. `settings` is `LEDGER_COLUMNS`.
 */
export function parseLedger(grid: Grid, settings: ColumnSettings = {}): Ledger {
  const { index: headerIndex, columns, matches } = findHeader(grid, settings);
  const headers = (grid[headerIndex] ?? []).map((cell) => String(cell).trim());
  const rows: LedgerRow[] = [];
  const pending: PendingRow[] = [];
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
        problems: [{ kind: 'unreadable-line', line, fault }],
        cells: texts,
      });
      continue;
    }
    if (texts.every((text) => text.trim() === '')) {
      problems.push({ rowNumber, problems: [{ kind: 'blank-row' }], cells: [] });
      continue;
    }
    const parsed = parseRow(cells, { columns, headers }, rowNumber);
    if ('problems' in parsed) problems.push({ rowNumber, problems: parsed.problems, cells: texts });
    else if ('pending' in parsed) pending.push(parsed.pending);
    else {
      rows.push(parsed.row);
      cellsOf.set(rowNumber, texts);
    }
  }

  const entries = governingRows(rows, cellsOf);
  return {
    headerRowNumber: headerIndex + 1,
    columns,
    matches,
    rows: entries.rows,
    duplicates: entries.duplicates,
    pending,
    problems: [...problems, ...entries.ambiguous].sort((a, b) => a.rowNumber - b.rowNumber),
  };
}

type Parsed = { row: LedgerRow } | { pending: PendingRow } | { problems: RowFault[] };

function parseRow(
  cells: readonly Cell[],
  layout: { readonly columns: ColumnMap; readonly headers: readonly string[] },
  rowNumber: number,
): Parsed {
  const { columns, headers } = layout;
  const problems: RowFault[] = [];
  /** Cells a request has before anyone issues it: empty ones make the row pending, not malformed. */
  const unissued: RowFault[] = [];
  const text = (field: LedgerField) => {
    const value = cellText(cells, columns[field]);
    if (value.length > MAX_CELL_LENGTH) problems.push({ kind: 'too-long', field, max: MAX_CELL_LENGTH });
    return value;
  };
  // The column's own header, so a person finds the cell at once.
  const header = (field: LedgerField) => headers[columns[field] ?? -1] ?? field;
  const date = (field: 'startDate' | 'endDate' | 'timestamp') => {
    const column = columns[field];
    const cell = column === undefined ? undefined : cells[column];
    if (cell === undefined || String(cell).trim() === '') return { blank: true, date: null };
    const parsed = parseLedgerDate(cell);
    if (parsed === null)
      problems.push({ kind: 'not-a-date', field, column: header(field), cell: clip(String(cell)) });
    return { blank: false, date: parsed };
  };

  const iamUser = text('iamUser');
  if (iamUser === '') unissued.push({ kind: 'empty', field: 'iamUser' });
  else if (!IAM_USER_NAME.test(iamUser)) problems.push({ kind: 'bad-iam-user', cell: clip(iamUser) });

  const accessKeyId = text('accessKeyId');
  if (accessKeyId === '') unissued.push({ kind: 'empty', field: 'accessKeyId' });
  else if (!ACCESS_KEY_ID.test(accessKeyId)) problems.push({ kind: 'bad-key-id', cell: clip(accessKeyId) });

  const end = date('endDate');
  const endDate = end.date;
  const startDate = date('startDate').date;
  if (startDate && endDate && startDate > endDate) problems.push({ kind: 'start-after-end' });
  const submitted = date('timestamp').date;

  const statusText = text('status');
  const status = parseStatus(statusText);
  if (status === null) problems.push({ kind: 'unknown-status', cell: clip(statusText) });

  const accountText = text('accountId');
  if (accountText !== '' && !ACCOUNT_ID.test(accountText))
    problems.push({ kind: 'bad-account-id', cell: clip(accountText) });

  const email = text('email').toLowerCase();
  if (email !== '' && !EMAIL.test(email))
    problems.push({ kind: 'bad-email', column: header('email'), cell: clip(email) });

  const name = text('name');
  const purpose = text('purpose');
  const resource = text('resource');

  // Awaiting issuance means no key yet: a key id without its IAM user names a key that exists,
  // which only a person can match to its user, so that row stays malformed.
  if (problems.length === 0 && accessKeyId === '' && status === 'active' && (name !== '' || email !== ''))
    return {
      pending: { rowNumber, name, email, iamUser, accessKeyId, submittedOn: submitted ?? startDate, endDate },
    };
  if (end.blank) unissued.push({ kind: 'no-end-date', column: header('endDate') });
  if (problems.length > 0 || unissued.length > 0 || endDate === null || status === null)
    return { problems: [...unissued, ...problems] };
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
      ...(email !== '' ? { email } : {}),
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
function entryConflict(group: readonly LedgerRow[], head: LedgerRow): RowFault | null {
  const conflict = (other: LedgerRow, over: 'status' | 'account'): RowFault => {
    const [a, b] = [head.rowNumber, other.rowNumber].sort((x, y) => x - y) as [number, number];
    return { kind: 'conflicting-rows', rows: [a, b], iamUser: head.iamUser, over };
  };
  const status = group.find((row) => row.endDate === head.endDate && row.status !== head.status);
  if (status) return conflict(status, 'status');
  const account = group.find((row) => row.accountId !== head.accountId);
  if (account) return conflict(account, 'account');
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
